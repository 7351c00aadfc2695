import HTTPServer
import Lifecycle
import Testing

@Suite("Router")
struct RouterTests {
    struct CountingContext: RequestContext {
        var route = MatchedRoute()
        var trail: [String] = []
        init() {}
    }

    struct Tag: Middleware {
        let name: String
        func handle(_ request: HTTPRequest, context: CountingContext, next: RouteHandler<CountingContext>) async throws
            -> HTTPResponse
        {
            var context = context
            context.trail.append(name)
            var response = try await next(request, context)
            response.headers.add(name: "X-Seen", value: name)
            return response
        }
    }

    func makeResponder() -> RouterResponder<CountingContext> {
        let router = Router<CountingContext>()
        router.add(middleware: Tag(name: "global"))
        router.get("/users/me") { _, _ in .text("me") }
        router.get("/users/:id") { _, context in .text("user \(context.route.parameters["id"] ?? "?")") }
        router.get("/users/:id/groups") { _, context in .text("groups of \(context.route.parameters["id"] ?? "?")") }
        router.delete("/users/:id") { _, _ in .noContent }
        let api = router.group("/api").add(middleware: Tag(name: "api"))
        api.get("/trail") { _, context in .text(context.trail.joined(separator: ",")) }
        api.get("/fail") { _, _ in throw HTTPError.conflict("taken") }
        api.get("/crash") { _, _ in
            struct Opaque: Error {}
            throw Opaque()
        }
        return router.makeResponder(logger: Logger(label: "test", level: .critical))
    }

    func get(_ path: String, method: HTTPMethod = .get) async -> HTTPResponse {
        await makeResponder().respond(to: HTTPRequest(method: method, target: path))
    }

    @Test("static segments win over parameters, with backtracking")
    func matching() async {
        #expect(await get("/users/me").body == Array("me".utf8))
        #expect(await get("/users/42").body == Array("user 42".utf8))
        #expect(await get("/users/me/groups").body == Array("groups of me".utf8))
        #expect(await get("/users/a%2Fb").body == Array("user a/b".utf8))
    }

    @Test("unknown paths are 404 JSON, wrong methods 405 with Allow, bad escapes 400")
    func errors() async {
        let missing = await get("/nope")
        #expect(missing.status == .notFound)
        #expect(String(decoding: missing.body, as: UTF8.self).contains("\"code\":\"not_found\""))
        let wrong = await get("/users/1", method: .post)
        #expect(wrong.status == .methodNotAllowed)
        #expect(wrong.headers["Allow"] == "DELETE, GET, HEAD")
        #expect(await get("/users/%zz").status == .badRequest)
    }

    @Test("HEAD falls back to GET")
    func headFallback() async {
        #expect(await get("/users/me", method: .head).status == .ok)
    }

    @Test("middleware runs global first, then group, and sees errors as responses")
    func middlewareOrder() async {
        let trail = await get("/api/trail")
        #expect(String(decoding: trail.body, as: UTF8.self) == "global,api")
        #expect(trail.headers.values(for: "X-Seen") == ["api", "global"])
        let failed = await get("/api/fail")
        #expect(failed.status == .conflict)
        #expect(failed.headers.values(for: "X-Seen") == ["api", "global"])
        let notFound = await get("/missing")
        #expect(notFound.headers.values(for: "X-Seen") == ["global"])
    }

    @Test("unexpected errors become a generic 500 that leaks nothing")
    func internalErrors() async {
        let response = await get("/api/crash")
        #expect(response.status == .internalServerError)
        #expect(!String(decoding: response.body, as: UTF8.self).contains("Opaque"))
    }

    @Test("metrics count by route pattern and status")
    func metrics() async {
        let registry = MetricsRegistry()
        let router = Router<BasicRequestContext>()
        router.add(middleware: MetricsMiddleware(registry: registry))
        router.get("/items/:id") { _, _ in .text("x") }
        let responder = router.makeResponder()
        _ = await responder.respond(to: HTTPRequest(method: .get, target: "/items/1"))
        _ = await responder.respond(to: HTTPRequest(method: .get, target: "/items/2"))
        _ = await responder.respond(to: HTTPRequest(method: .get, target: "/other"))
        let text = await registry.render()
        #expect(text.contains("http_requests_total{route=\"/items/:id\",method=\"GET\",status=\"200\"} 2"))
        #expect(text.contains("http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1"))
        #expect(text.contains("http_request_duration_seconds_count{route=\"/items/:id\"} 2"))
    }

    @Test("security headers on every response, HTML gets the page policy, HSTS only over TLS")
    func securityHeaders() async {
        let router = Router<BasicRequestContext>()
        router.add(middleware: SecurityHeadersMiddleware())
        router.get("/page") { _, _ in .html("<p>hi</p>") }
        let responder = router.makeResponder()
        let page = await responder.respond(to: HTTPRequest(method: .get, target: "/page"))
        #expect(page.headers["Content-Security-Policy"]?.contains("object-src 'none'") == true)
        #expect(page.headers["Content-Security-Policy"]?.contains("frame-ancestors 'none'") == true)
        #expect(page.headers["X-Content-Type-Options"] == "nosniff")
        #expect(page.headers["Referrer-Policy"] == "same-origin")
        #expect(page.headers["Strict-Transport-Security"] == nil)
        let secure = await responder.respond(to: HTTPRequest(method: .get, target: "/page", isSecure: true))
        #expect(secure.headers["Strict-Transport-Security"] != nil)
        let missing = await responder.respond(to: HTTPRequest(method: .get, target: "/x"))
        #expect(missing.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'")
    }
}
