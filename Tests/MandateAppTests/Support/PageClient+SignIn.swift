import Foundation
import HTTPServer
import Testing

/// Sign-in through the forms, as a person would.
extension PageClient {
    /// Opens the sign-in page (optionally with `returnTo`) and submits it; returns the answer to
    /// the POST (a 303 on success).
    func signIn(
        _ slug: String, _ email: String, password: String = TestApp.password, returnTo: String? = nil
    ) async throws -> TestApp.Response {
        let target = returnTo.map { "/sign-in" + TestApp.queryString(["returnTo": $0]) } ?? "/sign-in"
        let page = await get(target)
        #expect(page.status == 200, "GET \(target): \(page.status)")
        return try await submit("/sign-in", on: page, ["organization": slug, "email": email, "password": password])
    }

    /// Signs in a user without a second factor and expects to land on `/account`.
    func signInFully(_ slug: String, _ email: String) async throws {
        let response = try await signIn(slug, email)
        guard response.status == 303, response.headers["Location"] == "/account" else {
            throw TestFailure(
                "sign-in of \(email): \(response.status) \(response.headers["Location"] ?? "") \(response.text)")
        }
    }

    /// The secret key shown on the authenticator-app setup page, without its spaces.
    static func totpSecret(in page: TestApp.Response) throws -> String {
        let grouped = try #require(
            PageHTML.text(after: "<p class=\"secret\"><code>", until: "</code>", in: page.text), "no secret on the page"
        )
        return grouped.replacingOccurrences(of: " ", with: "")
    }
}
