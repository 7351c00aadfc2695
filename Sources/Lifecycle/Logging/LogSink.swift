import Glibc
import Synchronization

/// Where rendered log lines go.
public protocol LogSink: Sendable {
    /// Writes one complete line (ending in a newline).
    func write(_ line: String)
}

/// Writes each line to standard error with a single `write(2)`, so lines from several threads never
/// interleave (writes up to PIPE_BUF are atomic on pipes; whole-line writes keep files tidy too).
public struct StandardErrorLogSink: LogSink {
    /// The process-wide sink.
    public static let shared = StandardErrorLogSink()

    public func write(_ line: String) {
        var line = line
        line.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // Nowhere left to report a failing stderr.
                }
                offset += written
            }
        }
    }
}

/// Keeps lines in memory: for tests, and for commands that show recent log lines.
public final class CapturingLogSink: LogSink {
    private let storage = Mutex<[String]>([])

    public init() {}

    public func write(_ line: String) {
        storage.withLock { $0.append(line) }
    }

    /// Every line written so far.
    public var lines: [String] { storage.withLock { $0 } }
}
