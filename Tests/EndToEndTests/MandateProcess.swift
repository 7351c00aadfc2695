import Foundation
import Glibc
import Synchronization

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

    /// `@unchecked Sendable` box: Process is used from one test at a time, behind the lock.
    private struct Box: @unchecked Sendable { let process: Process }
    private let box: Box
    private let output = LogBuffer()

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        box = Box(process: process)
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { output.append(String(decoding: data, as: UTF8.self)) }
        }
        try process.run()
    }

    var log: String { output.text }
    var pid: Int32 { box.process.processIdentifier }

    /// Waits until the log contains `text`; false after `timeout` seconds.
    func waitFor(_ text: String, timeout: Double = 20) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if log.contains(text) { return true }
            if !box.process.isRunning { return log.contains(text) }
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

    func signal(_ number: Int32) { kill(pid, number) }

    /// Waits for exit and returns the status; kills the process after `timeout` seconds.
    func waitForExit(timeout: Double = 20) async -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while box.process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if box.process.isRunning {
            kill(pid, SIGKILL)
            box.process.waitUntilExit()
            return -1
        }
        return box.process.terminationStatus
    }

    /// Runs `mandate` to completion.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (Int32, String) {
        let process = try MandateProcess(arguments, environment: environment)
        let status = await process.waitForExit()
        try? await Task.sleep(for: .milliseconds(50))  // let the pipe drain
        return (status, process.log)
    }
}

/// A fresh temporary folder per test.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mandate-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Output collected from a child process.
final class LogBuffer: Sendable {
    private let storage = Mutex<String>("")
    func append(_ text: String) { storage.withLock { $0 += text } }
    var text: String { storage.withLock { $0 } }
}
