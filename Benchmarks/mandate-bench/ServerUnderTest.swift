import ChildProcess
import DatabaseTestSupport
import Foundation
import Glibc

/// A release `mandate serve` child process on a fresh database: an SQLite file in a temporary
/// folder, or a scratch database on a PostgreSQL server (a ``ScratchDatabase``).
final class ServerUnderTest {
    let process: ChildProcess
    let port: Int
    let directory: URL
    private let postgres: ScratchDatabase?

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The `mandate` binary next to this benchmark binary (both built with `-c release`).
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mandate")
    }

    /// With `postgresServer` (a `postgres://` URL of an existing database), the server runs on a
    /// scratch database created on that server and dropped by ``stop()``.
    init(extraArguments: [String] = [], environment: [String: String] = [:], postgresServer: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mandate-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        postgres = try postgresServer.map { try ScratchDatabase(label: "mandatebench", postgresServer: $0) }
        process = try ChildProcess(
            Self.binary.path,
            [
                "serve", "--port", "0", "--db",
                postgres?.argument ?? directory.appendingPathComponent("bench.sqlite").path,
                "--log-level", "info",
            ] + extraArguments,
            environment: environment, error: .collect)
        let deadline = Date().addingTimeInterval(60)
        var found: Int?
        while found == nil, Date() < deadline, process.isRunning {
            let collected = process.errorText
            if let range = collected.range(of: "\"msg\":\"listening\"") {
                let line = collected[range.lowerBound...].prefix { $0 != "\n" }
                if let portRange = line.range(of: "\"port\":") {
                    found = Int(line[portRange.upperBound...].prefix { $0.isNumber })
                }
            }
            if found == nil { usleep(10_000) }
        }
        guard let found else { throw Failure(description: "the server did not start:\n\(process.errorText)") }
        port = found
        // The log keeps being read, so the server never blocks on a full pipe, but not kept.
        process.discardFurtherOutput()
    }

    /// Resident memory of the server in bytes (VmRSS).
    var residentBytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8)
        else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kilobytes * 1024
        }
        return 0
    }

    func stop() {
        process.signal(SIGTERM)
        process.waitBlocking()
        try? FileManager.default.removeItem(at: directory)
        postgres?.remove()
    }
}

/// Machine facts printed with every result.
enum MachineInfo {
    static var summary: String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        var model = "unknown CPU"
        if let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("model name") })
        {
            model =
                line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? model
        }
        return "\(cores) cores (\(model)), \(String(format: "%.0f", memory)) GiB"
    }
}
