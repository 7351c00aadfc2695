public import Foundation

extension HTTPRequest {
    /// Decodes a JSON body. A body that is not JSON, not of the right shape or sent with another
    /// media type becomes a 4xx whose message names the offending field.
    public func decodeJSON<T: Decodable>(_ type: T.Type = T.self, using decoder: JSONDecoder = JSONDecoder())
        throws(HTTPError) -> T
    {
        guard mediaType == "application/json" else {
            throw HTTPError(
                .unsupportedMediaType, code: "unsupported_media_type",
                message: "Send the body as JSON with 'Content-Type: application/json'.")
        }
        guard !body.isEmpty else {
            throw HTTPError.badRequest("The request body is empty; JSON was expected.", code: "malformed_json")
        }
        do {
            return try decoder.decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            throw JSONErrors.describe(error)
        } catch {
            throw HTTPError.badRequest("The body is not valid JSON.", code: "malformed_json")
        }
    }
}

enum JSONErrors {
    static func describe(_ error: DecodingError) -> HTTPError {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .badRequest("The body is not valid JSON.", code: "malformed_json")
        case .dataCorrupted(let context):
            return .unprocessable("Field '\(path(context.codingPath))' has an invalid value.")
        case .keyNotFound(let key, let context):
            return .unprocessable("Field '\(path(context.codingPath + [key]))' is required.")
        case .typeMismatch(let type, let context):
            return .unprocessable("Field '\(path(context.codingPath))' must be \(describe(type)).")
        case .valueNotFound(let type, let context):
            return .unprocessable("Field '\(path(context.codingPath))' must be \(describe(type)), not null.")
        @unknown default:
            return .badRequest("The body could not be decoded.", code: "malformed_json")
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        let rendered = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
            .joined(separator: ".")
            .replacingOccurrences(of: ".[", with: "[")
        return rendered.isEmpty ? "(root)" : rendered
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default: "a \(type)"
        }
    }
}
