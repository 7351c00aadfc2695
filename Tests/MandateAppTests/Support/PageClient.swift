import Foundation
import HTTPServer
import MandateWeb
import Testing

/// A browser in miniature for the page tests: keeps cookies like a browser does, sends forms as
/// `application/x-www-form-urlencoded`, and reads hidden fields out of the pages it got. Redirects
/// are not followed by themselves, so tests see every 303.
final class PageClient {
    let app: TestApp
    /// Whether requests arrive over TLS (decides `Secure` and the `__Host-` prefix).
    let isSecure: Bool
    /// The cookies the browser holds, by name.
    private(set) var cookies: [String: String] = [:]
    /// Every `Set-Cookie` header received, newest last, as sent.
    private(set) var setCookieHeaders: [String] = []

    init(_ app: TestApp, isSecure: Bool = false) {
        self.app = app
        self.isSecure = isSecure
    }

    func get(_ target: String, headers: [(String, String)] = []) async -> TestApp.Response {
        await request(.get, target, body: [], headers: headers)
    }

    /// Posts `fields` as a form.
    func post(_ target: String, _ fields: [(String, String)], headers: [(String, String)] = []) async
        -> TestApp.Response
    {
        await request(
            .post, target, body: Array(URLEncodedForm.encode(fields).utf8),
            headers: [("Content-Type", "application/x-www-form-urlencoded")] + headers)
    }

    /// Submits the form of `page` whose `action` is `action`: its hidden fields (the CSRF token,
    /// `returnTo`, …) plus `fields`, which win.
    func submit(_ action: String, on page: TestApp.Response, _ fields: [String: String] = [:]) async throws
        -> TestApp.Response
    {
        var values = try PageHTML.hiddenFields(of: action, in: page.text)
        values.removeAll { pair in fields.keys.contains(pair.0) }
        values += fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return await post(action, values)
    }

    /// GETs the `Location` of a redirect.
    func follow(_ response: TestApp.Response) async throws -> TestApp.Response {
        let location = try #require(response.headers["Location"], "no Location in \(response.status)")
        return await get(location)
    }

    func setCookie(_ name: String, _ value: String) {
        cookies[name] = value
    }

    func removeCookie(_ name: String) {
        cookies[name] = nil
    }

    /// The cookie's name as the server uses it for this client (`__Host-` over TLS).
    func cookieName(_ base: String) -> String { isSecure ? "__Host-" + base : base }

    func cookie(_ base: String) -> String? { cookies[cookieName(base)] }

    /// The last `Set-Cookie` header for `base` (to check its attributes).
    func lastSetCookie(_ base: String) -> String? {
        setCookieHeaders.last { $0.hasPrefix(cookieName(base) + "=") }
    }

    /// Sends any request with this browser's cookies, and keeps the cookies of the answer.
    func request(_ method: HTTPMethod, _ target: String, body: [UInt8], headers extra: [(String, String)]) async
        -> TestApp.Response
    {
        var headers = HTTPHeaders(extra)
        if !cookies.isEmpty {
            headers.add(
                name: "Cookie",
                value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                    separator: "; "))
        }
        let response = await app.responder.respond(
            to: HTTPRequest(
                method: method, target: target, headers: headers, body: body, clientAddress: "198.51.100.7",
                isSecure: isSecure))
        for header in response.headers.values(for: "Set-Cookie") {
            setCookieHeaders.append(header)
            store(header)
        }
        return TestApp.Response(status: response.status.code, headers: response.headers, body: response.body)
    }

    /// Applies a `Set-Cookie` header the way a browser does: `Max-Age=0` (or an empty value) deletes.
    private func store(_ header: String) {
        let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let pair = parts.first, let equals = pair.firstIndex(of: "=") else { return }
        let name = String(pair[..<equals])
        let value = String(pair[pair.index(after: equals)...])
        if value.isEmpty || parts.contains("Max-Age=0") {
            cookies[name] = nil
        } else {
            cookies[name] = value
        }
    }
}

/// Reading pages the way a test needs to: forms, fields, text.
enum PageHTML {
    /// The hidden inputs of the first `<form … action="action">`, in order.
    static func hiddenFields(of action: String, in html: String) throws -> [(String, String)] {
        let form = try #require(self.form(action, in: html), "no form with action \(action)")
        return inputs(in: form).filter { $0.attributes["type"] == "hidden" }.compactMap { input in
            guard let name = input.attributes["name"] else { return nil }
            return (name, input.attributes["value"] ?? "")
        }
    }

    /// The markup of the first form posting to `action` (nil when there is none).
    static func form(_ action: String, in html: String) -> String? {
        var searchStart = html.startIndex
        while let open = html.range(of: "<form", range: searchStart..<html.endIndex) {
            guard let close = html.range(of: "</form>", range: open.upperBound..<html.endIndex) else { return nil }
            let markup = String(html[open.lowerBound..<close.upperBound])
            if let tagEnd = markup.firstIndex(of: ">"),
                attributes(in: String(markup[..<tagEnd]))["action"] == action
            {
                return markup
            }
            searchStart = close.upperBound
        }
        return nil
    }

    struct Tag {
        var name: String
        var attributes: [String: String]
        var raw: String
    }

    /// Every `<input …>` in `html`.
    static func inputs(in html: String) -> [Tag] { tags("input", in: html) }

    /// Every start tag `<name …>` in `html`, with its attributes decoded.
    static func tags(_ name: String, in html: String) -> [Tag] {
        var found: [Tag] = []
        var searchStart = html.startIndex
        while let open = html.range(of: "<" + name, range: searchStart..<html.endIndex) {
            guard let close = html.range(of: ">", range: open.upperBound..<html.endIndex) else { break }
            let raw = String(html[open.lowerBound..<close.upperBound])
            let next = html[open.upperBound...].first
            if next == " " || next == ">" || next == "\n" {
                found.append(Tag(name: name, attributes: attributes(in: raw), raw: raw))
            }
            searchStart = close.upperBound
        }
        return found
    }

    /// `name="value"` pairs (and bare attributes, as empty values) of one start tag.
    static func attributes(in tag: String) -> [String: String] {
        var result: [String: String] = [:]
        let pattern = #"([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?"#
        let regex = try! NSRegularExpression(pattern: pattern)
        let body = tag.drop { $0 != " " }
        let text = String(body)
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let nameRange = Range(match.range(at: 1), in: text) else { continue }
            let value = Range(match.range(at: 2), in: text).map { unescape(String(text[$0])) } ?? ""
            result[String(text[nameRange]).lowercased()] = value
        }
        return result
    }

    /// Undoes the template engine's escaping (named and numeric character references).
    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = text
        let regex = try! NSRegularExpression(pattern: "&#(x?)([0-9a-fA-F]+);")
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            guard let whole = Range(match.range, in: result), let digits = Range(match.range(at: 2), in: result)
            else { continue }
            let isHex = match.range(at: 1).length > 0
            if let code = UInt32(result[digits], radix: isHex ? 16 : 10), let scalar = Unicode.Scalar(code) {
                result.replaceSubrange(whole, with: String(Character(scalar)))
            }
        }
        return result.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The text inside the first element matching `open` (e.g. `<p class="secret"><code>`).
    static func text(after open: String, until close: String, in html: String) -> String? {
        guard let start = html.range(of: open), let end = html.range(of: close, range: start.upperBound..<html.endIndex)
        else { return nil }
        return unescape(String(html[start.upperBound..<end.lowerBound]))
    }
}
