import Foundation

/// A structured logger that writes one JSON object per line.
///
/// Loggers are values: derive one with extra metadata (`with(_:)`) for a request or a job and pass it on.
/// The level check happens before the message is built, so disabled levels cost one comparison.
public struct Logger: Sendable {
    /// Severity, ordered from the most verbose to the most severe.
    public enum Level: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
        case trace, debug, info, notice, warning, error, critical

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        public var description: String {
            switch self {
            case .trace: "trace"
            case .debug: "debug"
            case .info: "info"
            case .notice: "notice"
            case .warning: "warning"
            case .error: "error"
            case .critical: "critical"
            }
        }

        /// Parses a level name as given on the command line or in `MANDATE_LOG_LEVEL`.
        public init?(name: String) {
            guard let level = Level.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
            self = level
        }
    }

    /// The component that logs, e.g. `http`, `jobs`, `cli`.
    public var label: String
    /// Messages below this level are dropped.
    public var level: Level
    /// Key/value pairs added to every line.
    public var metadata: [String: LogValue]
    private let sink: any LogSink
    private let clock: any WallClock

    /// Creates a logger writing to `sink` (standard error by default).
    public init(
        label: String, level: Level = .info, metadata: [String: LogValue] = [:],
        sink: any LogSink = StandardErrorLogSink.shared, clock: any WallClock = SystemClock()
    ) {
        self.label = label
        self.level = level
        self.metadata = metadata
        self.sink = sink
        self.clock = clock
    }

    /// A copy of this logger with more metadata.
    public func with(_ extra: [String: LogValue]) -> Logger {
        var copy = self
        copy.metadata.merge(extra) { _, new in new }
        return copy
    }

    /// A copy of this logger with another label.
    public func labelled(_ label: String) -> Logger {
        var copy = self
        copy.label = label
        return copy
    }

    /// Writes `message` when `level` is enabled.
    public func log(_ level: Level, _ message: @autoclosure () -> String, _ extra: [String: LogValue] = [:]) {
        guard level >= self.level else { return }
        var fields = metadata
        if !extra.isEmpty { fields.merge(extra) { _, new in new } }
        sink.write(
            LogLine.render(time: clock.now(), level: level, label: label, message: message(), metadata: fields))
    }

    public func trace(_ message: @autoclosure () -> String, _ extra: [String: LogValue] = [:]) {
        log(.trace, message(), extra)
    }
    public func debug(_ message: @autoclosure () -> String, _ extra: [String: LogValue] = [:]) {
        log(.debug, message(), extra)
    }
    public func info(_ message: @autoclosure () -> String, _ extra: [String: LogValue] = [:]) {
        log(.info, message(), extra)
    }
    public func notice(_ message: @autoclosure () -> String, _ extra: [String: LogValue] = [:]) {
        log(.notice, message(), extra)
    }
    public func warning(_ message: @autoclosure () -> String, _ extra: [String: LogValue] = [:]) {
        log(.warning, message(), extra)
    }
    public func error(_ message: @autoclosure () -> String, _ extra: [String: LogValue] = [:]) {
        log(.error, message(), extra)
    }
    public func critical(_ message: @autoclosure () -> String, _ extra: [String: LogValue] = [:]) {
        log(.critical, message(), extra)
    }
}
