import HTTPServer
import MandateCore

/// `/api/v1/api-keys`: create (secret shown once), list, revoke.
struct APIKeyRoutes: Sendable {
    let services: APIServices

    struct CreateBody: Decodable {
        var name: String
    }

    struct CreatedJSON: JSONRepresentable {
        let apiKey: APIKeyJSON
        /// Shown once; only its hash is stored.
        let secret: String

        func write(to writer: inout JSONWriter) {
            writer.object { json in
                json.field("apiKey", apiKey)
                json.field("secret", secret)
            }
        }
    }

    func register(on group: RouterGroup<MandateContext>) {
        group.get("/api-keys") { [services] _, context in
            let keys = try await services.apiKeys.list(try context.requirePrincipal())
            return .json(PageJSON(data: keys.map(APIKeyJSON.init), nextCursor: nil))
        }
        group.post("/api-keys") { [services] request, context in
            let body = try request.decodeAPI(CreateBody.self, allowedFields: ["name"])
            let (key, secret) = try await services.apiKeys.create(
                try context.requirePrincipal(), name: body.name, origin: request.origin)
            var response = HTTPResponse.json(
                CreatedJSON(apiKey: APIKeyJSON(key), secret: secret.value), status: .created)
            response.headers.add(name: "Cache-Control", value: "no-store")
            return response
        }
        group.delete("/api-keys/:id") { [services] request, context in
            _ = try await services.apiKeys.revoke(
                try context.requirePrincipal(), id: try context.route.parameters.require("id"), origin: request.origin)
            return .noContent
        }
    }
}
