import HTTPServer
import Lifecycle

/// Starts a server on an ephemeral port with a small router for tests.
struct TestServer {
    let server: HTTPServer
    let port: Int

    static func start(
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
        configure: (Router<BasicRequestContext>) -> Void = { _ in }
    ) throws -> TestServer {
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let router = Router<BasicRequestContext>()
        router.get("/hello") { _, _ in .text("hello\n") }
        router.post("/echo") { request, _ in
            var response = HTTPResponse(status: .ok, body: request.body)
            response.headers.add(name: "Content-Type", value: "application/octet-stream")
            return response
        }
        router.get("/slow") { request, _ in
            let milliseconds = Int(request.queryParameters["ms"] ?? "500") ?? 500
            try await Task.sleep(for: .milliseconds(milliseconds))
            return .text("slow done\n")
        }
        router.get("/path/:id") { request, context in
            .text("id=\(try context.route.parameters.require("id")) q=\(request.queryParameters["q"] ?? "")")
        }
        router.get("/client") { request, _ in .text("\(request.clientAddress) secure=\(request.isSecure)") }
        configure(router)
        let server = HTTPServer(
            configuration: configuration, responder: router.makeResponder(),
            logger: Logger(label: "test", level: .critical))
        let port = try server.start()
        return TestServer(server: server, port: port)
    }

    func stop() async {
        await server.shutdown()
    }
}
