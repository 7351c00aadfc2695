/// A complete request as handed to responders: head, whole body and connection facts.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The request-target exactly as sent, e.g. `/api/v1/users?cursor=abc`.
    public var target: String
    /// The target's path, still percent-encoded (routing splits it into segments first).
    public var path: String
    /// The query string without `?`; empty when there is none.
    public var query: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The peer's address, or the first untrusted address of `X-Forwarded-For` behind a trusted proxy.
    public var clientAddress: String
    /// True when the request reached us over TLS, directly or through a trusted proxy
    /// (`X-Forwarded-Proto: https`). Decides `Secure` cookies and HSTS.
    public var isSecure: Bool

    public init(
        method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [], clientAddress: String = "127.0.0.1", isSecure: Bool = false
    ) {
        self.method = method
        self.target = target
        let (path, query) = HTTPRequest.split(target: target)
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.clientAddress = clientAddress
        self.isSecure = isSecure
    }

    /// The decoded query parameters.
    public var queryParameters: URLEncodedForm { URLEncodedForm(query) }

    /// Cookies sent by the client (first occurrence of a name wins).
    public var cookies: Cookies { Cookies(header: headers["Cookie"]) }

    /// The body as UTF-8 text (invalid sequences repaired).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The media type of the body without parameters, lower-cased (`application/json`).
    public var mediaType: String? {
        guard let contentType = headers["Content-Type"] else { return nil }
        let type = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return type.trimmingASCIISpaces().lowercased()
    }

    static func split(target: String) -> (path: String, query: String) {
        guard let question = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target, "") }
        let path = String(target[..<question])
        let query = String(target[target.index(after: question)...])
        return (path, query)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingASCIISpaces() -> String {
        var start = startIndex
        var end = endIndex
        while start < end, self[start] == " " || self[start] == "\t" { start = index(after: start) }
        while end > start, self[index(before: end)] == " " || self[index(before: end)] == "\t" {
            end = index(before: end)
        }
        return String(self[start..<end])
    }
}
