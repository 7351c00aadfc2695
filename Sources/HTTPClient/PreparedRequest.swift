import CCurl

/// An ``HTTPClientRequest`` that passed every check that needs no network, in the form the worker
/// hands to curl.
///
/// Validation happens on the caller's task, before queueing, so a request with a bad URL, scheme,
/// method or header fails at once and is never seen by curl or the network.
struct PreparedRequest: Sendable {
    /// How the method maps onto curl's options.
    enum Mode: Sendable, Equatable {
        /// `CURLOPT_HTTPGET`.
        case get
        /// `CURLOPT_NOBODY`: a HEAD response has no content (RFC 9110 §9.3.2).
        case head
        /// `CURLOPT_POST` with the body, always framed with `Content-Length`.
        case post
        /// `CURLOPT_CUSTOMREQUEST`; `sendsBody` adds the body with `Content-Length`.
        case custom(method: String, sendsBody: Bool)
    }

    let mode: Mode
    /// The URL as re-serialised by curl's own parser, so curl transfers exactly what was checked.
    let url: String
    /// `CURLOPT_HTTPHEADER` lines, including the empty `Expect:` that turns off 100-continue waits.
    let headerLines: [String]
    let body: [UInt8]
    let connectTimeoutMilliseconds: Int
    let totalTimeoutMilliseconds: Int
    let maximumResponseBodySize: Int
    let userAgent: String

    init(_ request: HTTPClientRequest, configuration: HTTPClient.Configuration) throws(HTTPClientError) {
        url = try Self.validatedURL(request.url)
        mode = try Self.mode(method: request.method, body: request.body)
        headerLines = try Self.headerLines(request.headers, sendsBody: mode.sendsBody)
        body = request.body
        connectTimeoutMilliseconds = configuration.connectTimeout.curlMilliseconds
        totalTimeoutMilliseconds = (request.timeout ?? configuration.totalTimeout).curlMilliseconds
        maximumResponseBodySize = max(0, configuration.maximumResponseBodySize)
        userAgent = configuration.userAgent
    }

    /// Parses `string` with libcurl's URL parser (no network activity) and allows only absolute
    /// `http`/`https` URLs with a host.
    private static func validatedURL(_ string: String) throws(HTTPClientError) -> String {
        guard let handle = curl_url() else {
            throw HTTPClientError(reason: .resourceUnavailable, message: "curl_url failed")
        }
        defer { curl_url_cleanup(handle) }
        // CURLU_NON_SUPPORT_SCHEME lets any scheme parse, so an unknown one is reported as an
        // unsupported scheme rather than as a malformed URL.
        let status = curl_url_set(handle, CURLUPART_URL, string, UInt32(CURLU_NON_SUPPORT_SCHEME))
        guard status == CURLUE_OK else {
            throw HTTPClientError(
                reason: .invalidURL, message: "malformed URL: \(String(cString: curl_url_strerror(status)))")
        }
        let scheme = (part(CURLUPART_SCHEME, of: handle) ?? "").lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw HTTPClientError(
                reason: .unsupportedScheme, message: "scheme '\(scheme)' is not allowed; only http and https are")
        }
        guard let host = part(CURLUPART_HOST, of: handle), !host.isEmpty else {
            throw HTTPClientError(reason: .invalidURL, message: "URL has no host")
        }
        guard let normalized = part(CURLUPART_URL, of: handle) else {
            throw HTTPClientError(reason: .invalidURL, message: "URL could not be serialised")
        }
        return normalized
    }

    private static func part(_ part: CURLUPart, of handle: OpaquePointer) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, part, &value, 0) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }

    private static func mode(method: String, body: [UInt8]) throws(HTTPClientError) -> Mode {
        guard HTTPSyntax.isToken(method) else {
            throw HTTPClientError(reason: .invalidRequest, message: "method is not an RFC 9110 token")
        }
        switch method {
        case "GET" where body.isEmpty: return .get
        case "HEAD":
            guard body.isEmpty else {
                throw HTTPClientError(reason: .invalidRequest, message: "a HEAD request cannot carry a body")
            }
            return .head
        case "POST": return .post
        // PUT and PATCH always carry content, so an empty one is still sent as `Content-Length: 0`
        // (RFC 9110 §8.6) instead of leaving the server to guess.
        case "PUT", "PATCH": return .custom(method: method, sendsBody: true)
        default: return .custom(method: method, sendsBody: !body.isEmpty)
        }
    }

    private static func headerLines(
        _ headers: [(name: String, value: String)], sendsBody: Bool
    ) throws(HTTPClientError) -> [String] {
        var lines: [String] = []
        var hasExpect = false
        var hasContentType = false
        for (name, value) in headers {
            guard HTTPSyntax.isToken(name) else {
                throw HTTPClientError(reason: .invalidRequest, message: "header name '\(name)' is not a token")
            }
            guard HTTPSyntax.isFieldValue(value) else {
                throw HTTPClientError(reason: .invalidRequest, message: "header '\(name)' contains CR, LF or NUL")
            }
            switch name.lowercased() {
            case "content-length", "transfer-encoding":
                throw HTTPClientError(
                    reason: .invalidRequest, message: "header '\(name)' is set by the client from the body")
            case "expect": hasExpect = true
            case "content-type": hasContentType = true
            default: break
            }
            // curl treats "Name:" as "remove this header" and sends "Name;" as an empty field.
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        // An empty Expect stops curl from sending `Expect: 100-continue` for larger bodies and then
        // waiting up to a second for the interim response (RFC 9110 §10.1.1).
        if !hasExpect { lines.append("Expect:") }
        // Without this curl labels every POST body application/x-www-form-urlencoded.
        if sendsBody && !hasContentType { lines.append("Content-Type:") }
        return lines
    }
}

extension PreparedRequest.Mode {
    var sendsBody: Bool {
        switch self {
        case .get, .head: false
        case .post: true
        case .custom(_, let sendsBody): sendsBody
        }
    }
}
