import Foundation
import HTTPServer
import MandateApp
import MandateWeb

/// A browser in miniature for in-process page benchmarks: sends requests straight to the router
/// (no socket), keeps the cookies it is given, and posts forms.
final class BenchBrowser {
    struct Response {
        let status: Int
        let headers: HTTPHeaders
        let text: String
    }

    let responder: RouterResponder<MandateContext>
    private var cookies: [String: String] = [:]

    init(responder: RouterResponder<MandateContext>) {
        self.responder = responder
    }

    func get(_ target: String) async throws -> Response {
        await send(.get, target, body: [], contentType: nil)
    }

    func post(_ target: String, _ fields: [(String, String)]) async throws -> Response {
        await send(
            .post, target, body: Array(URLEncodedForm.encode(fields).utf8),
            contentType: "application/x-www-form-urlencoded")
    }

    private func send(_ method: HTTPMethod, _ target: String, body: [UInt8], contentType: String?) async -> Response {
        var headers = HTTPHeaders()
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        if !cookies.isEmpty {
            headers.add(
                name: "Cookie",
                value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        let response = await responder.respond(
            to: HTTPRequest(method: method, target: target, headers: headers, body: body, clientAddress: "127.0.0.1"))
        for header in response.headers.values(for: "Set-Cookie") {
            let pair = header.split(separator: ";").first.map(String.init) ?? ""
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals])
            let value = String(pair[pair.index(after: equals)...])
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return Response(
            status: response.status.code, headers: response.headers,
            text: String(decoding: response.body, as: UTF8.self))
    }

    /// The value of `attribute` in the first start tag containing `marker` (entities `&amp;` undone).
    static func attribute(_ attribute: String, ofTagContaining marker: String, in html: String) -> String? {
        guard let hit = html.range(of: marker),
            let open = html.range(of: "<", options: .backwards, range: html.startIndex..<hit.lowerBound),
            let close = html.range(of: ">", range: hit.upperBound..<html.endIndex)
        else { return nil }
        let tag = html[open.lowerBound..<close.upperBound]
        guard let start = tag.range(of: " \(attribute)=\""),
            let end = tag.range(of: "\"", range: start.upperBound..<tag.endIndex)
        else { return nil }
        return String(tag[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
    }
}
