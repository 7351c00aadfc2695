/// A `Set-Cookie` header value (RFC 6265 §4.1).
public struct SetCookie: Sendable, Equatable {
    public enum SameSite: String, Sendable {
        case strict = "Strict"
        case lax = "Lax"
        case none = "None"
    }

    public var name: String
    public var value: String
    public var path: String? = "/"
    public var domain: String?
    /// Seconds until expiry; 0 deletes the cookie; nil makes a session cookie.
    public var maxAge: Int?
    public var secure = false
    public var httpOnly = true
    public var sameSite: SameSite? = .lax

    public init(
        name: String, value: String, path: String? = "/", domain: String? = nil, maxAge: Int? = nil,
        secure: Bool = false, httpOnly: Bool = true, sameSite: SameSite? = .lax
    ) {
        self.name = name
        self.value = value
        self.path = path
        self.domain = domain
        self.maxAge = maxAge
        self.secure = secure
        self.httpOnly = httpOnly
        self.sameSite = sameSite
    }

    /// A cookie that tells the browser to forget `name`.
    public static func expired(name: String, path: String? = "/", secure: Bool = false) -> SetCookie {
        SetCookie(name: name, value: "", path: path, maxAge: 0, secure: secure)
    }

    /// The header value. Characters that are not allowed in a cookie value (RFC 6265 §4.1.1) are
    /// dropped rather than sent, so a value can never inject attributes.
    public var headerValue: String {
        var out = Self.sanitize(name, allowed: Self.isTokenByte) + "=" + Self.sanitize(value, allowed: Self.isValueByte)
        if let path { out += "; Path=" + Self.sanitize(path, allowed: Self.isAttributeByte) }
        if let domain { out += "; Domain=" + Self.sanitize(domain, allowed: Self.isAttributeByte) }
        if let maxAge { out += "; Max-Age=\(max(0, maxAge))" }
        if secure { out += "; Secure" }
        if httpOnly { out += "; HttpOnly" }
        if let sameSite { out += "; SameSite=" + sameSite.rawValue }
        return out
    }

    private static func sanitize(_ text: String, allowed: (UInt8) -> Bool) -> String {
        String(decoding: text.utf8.filter(allowed), as: UTF8.self)
    }

    private static func isValueByte(_ byte: UInt8) -> Bool {
        byte == 0x21 || (0x23...0x2B).contains(byte) || (0x2D...0x3A).contains(byte) || (0x3C...0x5B).contains(byte)
            || (0x5D...0x7E).contains(byte)
    }

    private static func isAttributeByte(_ byte: UInt8) -> Bool {
        (0x20...0x7E).contains(byte) && byte != UInt8(ascii: ";")
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && !"()<>@,;:\\\"/[]?={}".utf8.contains(byte)
    }
}
