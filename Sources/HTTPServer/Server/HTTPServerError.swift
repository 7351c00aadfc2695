/// Why the server could not start or run.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case addressInUse
        case permissionDenied
        case invalidAddress
        case systemCall
        case notRunning
    }

    public var reason: Reason
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }
}
