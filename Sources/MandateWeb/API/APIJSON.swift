public import Foundation
import HTTPServer
import Lifecycle

/// JSON conventions of the API for request bodies: RFC 3339 times (responses use `JSONWriter`).
public enum APIJSON {
    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an RFC 3339 time such as 2026-12-01T09:00:00Z")
            }
            return date
        }
        return decoder
    }()
}

extension HTTPRequest {
    /// Decodes a JSON body, refusing fields the endpoint does not know (a misspelt field in a
    /// PATCH must not be silently ignored).
    func decodeAPI<T: Decodable>(_ type: T.Type, allowedFields: Set<String>) throws(HTTPError) -> T {
        let value = try decodeJSON(T.self, using: APIJSON.decoder)
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            if let unknown = object.keys.sorted().first(where: { !allowedFields.contains($0) }) {
                let known = allowedFields.sorted().joined(separator: ", ")
                throw HTTPError.unprocessable("Unknown field '\(unknown)'. Known fields: \(known).")
            }
        } else {
            throw HTTPError.badRequest("The body must be a JSON object.", code: "malformed_json")
        }
        return value
    }

    /// A query parameter that must be a whole number in `range`.
    func integerQuery(_ name: String, default value: Int, range: ClosedRange<Int>) throws(HTTPError) -> Int {
        guard let raw = queryParameters[name] else { return value }
        guard let number = Int(raw), range.contains(number) else {
            throw HTTPError.unprocessable(
                "Query parameter '\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return number
    }
}
