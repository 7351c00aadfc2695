/// The single error type of the `Crypto` module.
///
/// `reason` is meant for code (switch on it, map it to an HTTP status or a log field); `message` is
/// meant for people. Messages never contain secrets: no passwords, keys or stored hashes.
public struct CryptoError: Error, Sendable, CustomStringConvertible {
    /// Machine-readable classification of a failure.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// A stored password hash (PHC string) could not be parsed: wrong layout, unknown algorithm,
        /// bad base64, wrong salt or key length. A corrupted database row ends up here.
        case malformedPasswordHash
        /// Scrypt parameters that are impossible or would cost absurd memory or time.
        case unsupportedParameters
        /// A caller-supplied argument is outside what the function accepts (for example a salt length).
        case invalidArgument
        /// libcrypto reported an error; `message` carries OpenSSL's own description.
        case libraryFailure
    }

    /// What went wrong, for code.
    public let reason: Reason
    /// What went wrong, for people.
    public let message: String

    /// Creates an error with a reason and a human-readable message.
    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    /// `"<reason>: <message>"`, suitable for logs.
    public var description: String {
        "\(reason.rawValue): \(message)"
    }
}
