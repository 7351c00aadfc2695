import Foundation
import HTTPServer
import Testing

@Suite("Query, form, cookie and JSON handling")
struct EncodingTests {
    @Test("query strings decode percent escapes and plus signs, keep order and repeats")
    func query() {
        let form = URLEncodedForm("q=caf%C3%A9+au+lait&tag=a&tag=b&empty=&flag")
        #expect(form["q"] == "café au lait")
        #expect(form.values(for: "tag") == ["a", "b"])
        #expect(form["empty"] == "")
        #expect(form["flag"] == "")
        #expect(form.malformedPairCount == 0)
    }

    @Test("malformed escapes are counted, not guessed")
    func malformedQuery() {
        let form = URLEncodedForm("good=1&bad=%zz&worse=%C3")
        #expect(form["good"] == "1")
        #expect(form["bad"] == nil)
        #expect(form.malformedPairCount == 2)
    }

    @Test("form encoding round-trips")
    func encodeRoundTrip() {
        let encoded = URLEncodedForm.encode([("email", "a+b@example.com"), ("next", "/x?y=1&z")])
        let decoded = URLEncodedForm(encoded)
        #expect(decoded["email"] == "a+b@example.com")
        #expect(decoded["next"] == "/x?y=1&z")
    }

    @Test("cookies: first name wins, quotes removed")
    func cookies() {
        let cookies = Cookies(header: "session=abc; theme=\"dark\"; session=other")
        #expect(cookies["session"] == "abc")
        #expect(cookies["theme"] == "dark")
        #expect(cookies["missing"] == nil)
    }

    @Test("Set-Cookie carries the attributes and cannot be injected into")
    func setCookie() {
        let cookie = SetCookie(name: "__Host-session", value: "v; Domain=evil", secure: true)
        #expect(cookie.headerValue == "__Host-session=vDomain=evil; Path=/; Secure; HttpOnly; SameSite=Lax")
        #expect(SetCookie.expired(name: "s").headerValue.contains("Max-Age=0"))
    }

    struct Invite: Decodable {
        var email: String
        var role: String
        var groups: [Int]
    }

    func request(_ body: String, type: String? = "application/json") -> HTTPRequest {
        var headers = HTTPHeaders()
        if let type { headers.add(name: "Content-Type", value: type) }
        return HTTPRequest(method: .post, target: "/", headers: headers, body: Array(body.utf8))
    }

    @Test("JSON bodies decode, and every failure names the problem")
    func json() throws {
        let invite = try request(#"{"email":"a@b.c","role":"admin","groups":[1,2]}"#).decodeJSON(Invite.self)
        #expect(invite.groups == [1, 2])
        #expect(throws: HTTPError.self) { try request("{", type: "application/json").decodeJSON(Invite.self) }
        do {
            _ = try request(#"{"email":"a@b.c","groups":[]}"#).decodeJSON(Invite.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.status == .unprocessableContent)
            #expect(error.message == "Field 'role' is required.")
        }
        do {
            _ = try request(#"{"email":"a@b.c","role":"x","groups":[1,"2"]}"#).decodeJSON(Invite.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "Field 'groups[1]' must be an integer.")
        }
        do {
            _ = try request("email=a", type: "application/x-www-form-urlencoded").decodeJSON(Invite.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.status == .unsupportedMediaType)
        }
    }

    @Test("request targets split into path and query")
    func targetSplit() {
        let request = HTTPRequest(method: .get, target: "/a/b?x=1&y=2")
        #expect(request.path == "/a/b")
        #expect(request.query == "x=1&y=2")
        #expect(request.queryParameters["y"] == "2")
    }
}

@Suite("JSON writer")
struct JSONWriterTests {
    struct Item: JSONRepresentable {
        var name: String
        func write(to writer: inout JSONWriter) {
            writer.object { json in json.field("name", name) }
        }
    }

    @Test("objects, arrays, nulls and escapes round-trip through a JSON parser")
    func writesValidJSON() throws {
        var writer = JSONWriter()
        writer.object { json in
            json.field("text", "quote \" backslash \\ newline \n tab \t bell \u{07} é ☃")
            json.field("missing", String?.none)
            json.field("count", 42)
            json.field("flag", true)
            json.field("when", Date(timeIntervalSince1970: 1_767_225_600.5))
            json.field("items", [Item(name: "a"), Item(name: "b")])
            json.field("tags", ["x", "y"])
            json.key("empty")
            json.object { _ in }
        }
        let object = try #require(JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any])
        #expect(object["text"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{07} é ☃")
        #expect(object["missing"] is NSNull)
        #expect(object["count"] as? Int == 42)
        #expect(object["flag"] as? Bool == true)
        #expect(object["when"] as? String == "2026-01-01T00:00:00.500Z")
        #expect((object["items"] as? [[String: String]])?.map { $0["name"] } == ["a", "b"])
        #expect(object["tags"] as? [String] == ["x", "y"])
        #expect((object["empty"] as? [String: Any])?.isEmpty == true)
    }
}
