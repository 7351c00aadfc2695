import ChildProcess
import Foundation
import Glibc

/// The real `mandate` binary, started as a child process.
final class MandateProcess: Sendable {
    /// `mandate` sits next to the test bundle in the build folder.
    static let binary: URL = {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("mandate").path), url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("mandate")
    }()

    private let process: ChildProcess

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process = try ChildProcess(
            Self.binary.path, arguments, environment: environment, output: .collect, error: .sameAsOutput)
    }

    var log: String { process.outputText }
    var pid: Int32 { process.pid }

    /// Waits until the log contains `text`; false after `timeout` seconds.
    func waitFor(_ text: String, timeout: Double = 20) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if log.contains(text) { return true }
            if !process.isRunning { return log.contains(text) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// The port from the "listening" log line.
    func listeningPort(timeout: Double = 20) async -> Int? {
        guard await waitFor("\"msg\":\"listening\"", timeout: timeout) else { return nil }
        for line in log.split(separator: "\n") where line.contains("\"msg\":\"listening\"") {
            if let range = line.range(of: "\"port\":") {
                return Int(line[range.upperBound...].prefix { $0.isNumber })
            }
        }
        return nil
    }

    func signal(_ number: Int32) { process.signal(number) }

    /// Waits for exit and returns the status; kills the process after `timeout` seconds.
    func waitForExit(timeout: Double = 20) async -> Int32 {
        if let status = await process.wait(timeout: .seconds(timeout)) { return status.code }
        process.signal(SIGKILL)
        await process.wait()
        return -1
    }

    /// Runs `mandate` to completion.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (Int32, String) {
        let process = try MandateProcess(arguments, environment: environment)
        let status = await process.waitForExit()
        return (status, process.log)
    }
}

/// A fresh temporary folder per test.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mandate-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
