import Foundation
import Lifecycle

/// What a child that ran to completion left behind.
public struct CompletedProcess: Sendable {
    public var status: ExitStatus
    public var output: [UInt8]
    public var errorOutput: [UInt8]

    /// Standard output as text.
    public var outputText: String { String(decoding: output, as: UTF8.self) }
    /// Standard error as text.
    public var errorText: String { String(decoding: errorOutput, as: UTF8.self) }
}

extension ChildProcess {
    /// Runs `executable` to completion, feeding it `input` (nil: `/dev/null`), and collects its
    /// standard output and, unless `error` says otherwise, its standard error. Blocks the calling
    /// thread: from async code use ``run(_:_:environment:input:error:)``.
    public static func runBlocking(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: [UInt8]? = nil,
        error: ChildOutput = .collect
    ) throws(ChildProcessError) -> CompletedProcess {
        let child = try ChildProcess(
            executable, arguments, environment: environment, input: input == nil ? .null : .pipe, output: .collect,
            error: error)
        if let input {
            // A child that exits without reading its input is not an error here; its status says what happened.
            try? child.write(input)
            child.closeInput()
        }
        let status = child.waitBlocking()
        return CompletedProcess(status: status, output: child.output, errorOutput: child.errorOutput)
    }

    /// ``runBlocking(_:_:environment:input:error:)`` on a thread of its own, so that starting and
    /// waiting for the child never holds one of the cooperative pool's few threads.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: [UInt8]? = nil,
        error: ChildOutput = .collect
    ) async throws(ChildProcessError) -> CompletedProcess {
        try await runOffPool { () throws(ChildProcessError) in
            try runBlocking(executable, arguments, environment: environment, input: input, error: error)
        }
    }
}
