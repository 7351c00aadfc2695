/// An error that ends a command with a message for the operator and a meaningful exit code.
public struct CommandLineError: Error, Sendable, CustomStringConvertible {
    public var exitCode: ExitCode
    public var message: String
    /// A next step for the operator, printed after the message.
    public var hint: String?

    public init(_ exitCode: ExitCode, _ message: String, hint: String? = nil) {
        self.exitCode = exitCode
        self.message = message
        self.hint = hint
    }

    public var description: String { message }
}
