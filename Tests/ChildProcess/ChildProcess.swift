import CLinux
import Foundation
import Glibc
import Synchronization

/// A child process for tests and benchmarks, started with `posix_spawn` instead of Foundation's
/// `Process`.
///
/// Why not `Process`: on Linux its `run()` lists `/proc/self/fd` to close inherited descriptors
/// and copies each entry's whole 256-byte `d_name`, reading past the end of the directory buffer
/// (AddressSanitizer: heap-buffer-overflow in `findMaximumOpenFromProcSelfFD`). With the two
/// thousand descriptors of the parallel test run, that read sometimes crossed into an
/// unmapped page and crashed the whole test process. Here the child closes them itself
/// (`posix_spawn_file_actions_addclosefrom_np`), and nothing else is shared with `Process`.
///
/// The child gets its own process group (``signalGroup(_:)`` reaches its children too), an empty
/// signal mask and default signal dispositions, and only standard input, output and error.
public final class ChildProcess: Sendable {
    /// The child's process id (also its process group id).
    public let pid: Int32
    /// The program, as given.
    public let executable: String
    private let input: Mutex<Int32>
    private let standardOutput: OutputCollector?
    private let standardError: OutputCollector?
    private let status = Mutex<ExitStatus?>(nil)

    /// Starts `executable` (a path, or a name looked up on `PATH`) with `arguments`, and this
    /// process's environment with `environment` laid over it.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        input: ChildInput = .null, output: ChildOutput = .null, error: ChildOutput = .null
    ) throws(ChildProcessError) {
        Self.ignoreBrokenPipes
        self.executable = executable
        let plan = SpawnPlan()
        defer { plan.closeChildEnds() }
        do {
            try plan.redirect(input, to: 0)
            try plan.redirect(output, to: 1)
            try plan.redirect(error, to: 2)
            let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            pid = try plan.spawn(executable, arguments: [executable] + arguments, environment: merged)
        } catch {
            plan.closeParentEnds()
            throw error
        }
        self.input = Mutex(plan.parentEnds[0] ?? -1)
        standardOutput = plan.parentEnds[1].map { OutputCollector(fd: $0, name: "child-stdout") }
        standardError = plan.parentEnds[2].map { OutputCollector(fd: $0, name: "child-stderr") }
    }

    deinit {
        closeInput()
    }

    /// A write to a child that has exited must fail with EPIPE, not kill this process; children
    /// get the default disposition back (`POSIX_SPAWN_SETSIGDEF`).
    private static let ignoreBrokenPipes: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()

    // MARK: Standard input

    /// Writes `bytes` to the child's standard input (``ChildInput/pipe``); blocks while the pipe is full.
    public func write(_ bytes: [UInt8]) throws(ChildProcessError) {
        let result: Result<Void, ChildProcessError> = input.withLock { fd in
            guard fd >= 0 else {
                return .failure(ChildProcessError("\(executable): standard input is not an open pipe"))
            }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
                if written < 0 {
                    if errno == EINTR { continue }
                    return .failure(ChildProcessError("\(executable): writing its input failed: \(errnoText())"))
                }
                offset += written
            }
            return .success(())
        }
        try result.get()
    }

    /// Closes the child's standard input, so that it reads end-of-file.
    public func closeInput() {
        input.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    // MARK: Output

    /// What the child wrote to standard output so far (``ChildOutput/collect``).
    public var output: [UInt8] { standardOutput?.bytes ?? [] }
    /// ``output`` as text.
    public var outputText: String { String(decoding: output, as: UTF8.self) }
    /// What the child wrote to standard error so far (``ChildOutput/collect``).
    public var errorOutput: [UInt8] { standardError?.bytes ?? [] }
    /// ``errorOutput`` as text.
    public var errorText: String { String(decoding: errorOutput, as: UTF8.self) }

    /// Keeps reading the collected streams, so that the child never blocks on a full pipe, but
    /// drops what arrives from now on (a long benchmark's server log).
    public func discardFurtherOutput() {
        standardOutput?.discard()
        standardError?.discard()
    }

    // MARK: Exit

    /// The exit status, or nil while the child runs. Reaps the child once it has exited.
    public var exitStatus: ExitStatus? {
        status.withLock { status in
            if status == nil {
                var raw: Int32 = 0
                var result: pid_t
                repeat { result = waitpid(pid, &raw, WNOHANG) } while result < 0 && errno == EINTR
                if result == pid {
                    status = ExitStatus(waitStatus: raw)
                } else if result < 0 {
                    status = .lost  // ECHILD: somebody else reaped it
                }
            }
            return status
        }
    }

    /// Whether the child is still running.
    public var isRunning: Bool { exitStatus == nil }

    /// Blocks until the child exits and its collected output has reached end-of-file (up to
    /// two seconds more: a grandchild may still hold the pipe).
    @discardableResult
    public func waitBlocking() -> ExitStatus {
        while true {
            if let status = exitStatus {
                let deadline = Date().addingTimeInterval(2)
                while !outputFinished, Date() < deadline { usleep(2_000) }
                return status
            }
            usleep(2_000)
        }
    }

    /// Waits until the child exits and its collected output has reached end-of-file (up to two
    /// seconds more), without holding a thread of the cooperative pool.
    @discardableResult
    public func wait() async -> ExitStatus {
        while true {
            if let status = exitStatus {
                let deadline = Date().addingTimeInterval(2)
                while !outputFinished, Date() < deadline { try? await Task.sleep(for: .milliseconds(2)) }
                return status
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Waits up to `timeout` for the child to exit; nil when it is still running.
    public func wait(timeout: Duration) async -> ExitStatus? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if exitStatus != nil { return await wait() }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return exitStatus == nil ? nil : await wait()
    }

    private var outputFinished: Bool {
        (standardOutput?.isFinished ?? true) && (standardError?.isFinished ?? true)
    }

    // MARK: Signals

    /// Sends `signal` to the child, unless it has already been reaped (its pid may be reused).
    public func signal(_ signal: Int32) {
        status.withLock { status in
            if status == nil { _ = kill(pid, signal) }
        }
    }

    /// Sends `signal` to the child's process group: the child and whatever it started. Also
    /// after the child itself has exited, since its children keep the group (and its id) alive.
    public func signalGroup(_ signal: Int32) {
        _ = kill(-pid, signal)
    }
}

/// Where a child's standard input comes from.
public enum ChildInput: Sendable {
    /// `/dev/null`.
    case null
    /// A file, read from its start.
    case file(String)
    /// A pipe: the parent writes with ``ChildProcess/write(_:)`` and ends it with
    /// ``ChildProcess/closeInput()``.
    case pipe
}

/// Where a child's standard output or standard error goes.
public enum ChildOutput: Sendable {
    /// `/dev/null`.
    case null
    /// A file, created or truncated.
    case file(String)
    /// Read by a thread of this process into memory (``ChildProcess/output``).
    case collect
    /// For standard error: wherever standard output goes.
    case sameAsOutput
}

/// How a child ended.
public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    /// It called `exit` with this status.
    case exited(Int32)
    /// A signal ended it.
    case signalled(Int32)
    /// It was reaped elsewhere, so its status is unknown.
    case lost

    init(waitStatus raw: Int32) {
        // <sys/wait.h>: the low 7 bits are the terminating signal (0 for a normal exit), the next
        // 8 bits the exit status.
        let signal = raw & 0x7f
        self = signal == 0 ? .exited((raw >> 8) & 0xff) : .signalled(signal)
    }

    /// The exit status, or the signal number (like Foundation's `terminationStatus`); -1 when lost.
    public var code: Int32 {
        switch self {
        case .exited(let status): status
        case .signalled(let signal): signal
        case .lost: -1
        }
    }

    public var description: String {
        switch self {
        case .exited(let status): "exit status \(status)"
        case .signalled(let signal): "signal \(signal)"
        case .lost: "an unknown status"
        }
    }
}

/// A child could not be started or fed.
public struct ChildProcessError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}
