/// The HTTP versions this server speaks on the wire (RFC 9112 §2.3).
public enum HTTPVersion: Sendable, Equatable {
    // The case names are part of the agreed API and mirror the wire form "HTTP/1.x".
    /// HTTP/1.0: connections close after each response unless the client asks for `keep-alive`.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    case http1_0
    /// HTTP/1.1: persistent connections by default.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    case http1_1
}
