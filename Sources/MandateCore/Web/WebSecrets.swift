import Crypto
import Foundation
import Lifecycle
import SQLite
import Storage

/// Server keys of the dashboard, kept in `web_secrets` and created on first use.
///
/// Every instance on the database reads the same row, so a CSRF token rendered by one instance is
/// accepted by another, and a restart does not invalidate the forms users have open.
public enum WebSecrets {
    /// The purposes a key may serve; each gets its own independent key.
    public enum Purpose: String, Sendable {
        /// Keys the HMAC of the CSRF tokens of the dashboard's forms.
        case csrf
    }

    /// The length of a new key: 256 bits, the output size of HMAC-SHA256.
    static let keyLength = 32

    /// The key for `purpose`, created (from the CSPRNG) if there is none yet.
    ///
    /// - Throws: ``CoreError`` `internalFailure` when the database fails.
    public static func key(_ purpose: Purpose, environment: CoreEnvironment) async throws(CoreError) -> [UInt8] {
        let now = environment.clock.now()
        // Insert-or-ignore then read, in one write transaction: two instances creating the key at
        // once both end up with the one that won.
        let stored = try await environment.write { connection -> [UInt8]? in
            try connection.run(
                "INSERT INTO web_secrets (name, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
                purpose.rawValue, SecureRandom.bytes(count: keyLength), now)
            return try connection.queryOne("SELECT secret FROM web_secrets WHERE name = ?", purpose.rawValue)?
                .decode(0, as: [UInt8].self)
        }
        guard let stored, stored.count >= keyLength else {
            throw CoreError(.internalFailure, "The \(purpose.rawValue) key of the dashboard is missing or too short.")
        }
        return stored
    }
}
