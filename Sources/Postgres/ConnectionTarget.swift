import CLibPQ
import Glibc

/// What a connection string points at — host, port, database and role — for error messages that
/// must never show the password.
struct ConnectionTarget: CustomStringConvertible {
    /// The options libpq parsed from the string, by keyword (only the ones that were set).
    let options: [String: String]
    /// The password written in the string, hidden from every message.
    let password: String?

    /// Parses `connectionString` as libpq would (`PQconninfoParse`).
    ///
    /// - Throws: ``PostgresError/Reason/connectionFailed`` when it is neither a valid URL nor valid
    ///   `key=value` pairs.
    init(parsing connectionString: String) throws(PostgresError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(connectionString, &errorMessage) else {
            let reason = errorMessage.map { String(cString: $0) } ?? "out of memory"
            PQfreemem(errorMessage)
            let redacted = Self.redact(reason, password: Self.passwordInURL(connectionString))
            throw PostgresError(
                reason: .connectionFailed,
                message: "invalid PostgreSQL connection string (expected postgres://user@host:port/database or "
                    + "key=value pairs): \(redacted.split(whereSeparator: \.isNewline).joined(separator: " "))")
        }
        defer { PQconninfoFree(parsed) }
        var options: [String: String] = [:]
        var option = parsed
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                options[String(cString: keyword)] = String(cString: value)
            }
            option += 1
        }
        self.options = options
        self.password = options["password"] ?? Self.passwordInURL(connectionString)
    }

    /// `host 127.0.0.1, port 5432, database mandate, user mandate`; unset parts say `default`.
    var description: String {
        let host = options["host"] ?? options["hostaddr"] ?? "default"
        return "host \(host), port \(options["port"] ?? "default"), database \(options["dbname"] ?? "default"), "
            + "user \(options["user"] ?? "default")"
    }

    /// `message` with the password, if any, replaced by `***`.
    func redacting(_ message: String) -> String {
        Self.redact(message, password: password)
    }

    private static func redact(_ message: String, password: String?) -> String {
        guard let password, !password.isEmpty else { return message }
        return message.replacing(password, with: "***")
    }

    /// The raw `password` of `scheme://user:password@…`, found by hand for strings libpq rejects.
    private static func passwordInURL(_ connectionString: String) -> String? {
        guard let schemeEnd = connectionString.firstRange(of: "://") else { return nil }
        let rest = connectionString[schemeEnd.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return nil }
        let userInfo = rest[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return nil }
        return String(userInfo[userInfo.index(after: colon)...])
    }
}
