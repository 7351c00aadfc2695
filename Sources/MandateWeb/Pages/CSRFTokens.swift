import Crypto
import HTTPServer
import MandateCore
import Synchronization

/// Mints and checks the CSRF tokens of the dashboard's forms (SECURITY.md: "a session-bound token
/// on every state-changing form, sign-in form too").
///
/// A token is the HMAC-SHA256, under a server key kept in the database (``WebSecrets``), of what
/// the form is bound to:
/// - signed in: the session's id, so the token dies with the session and a token of one session
///   (someone else's, or one's own earlier one) is refused by every other;
/// - anonymous (sign-in): a random value in the `mandate_csrf` cookie (`HttpOnly`,
///   `SameSite=Strict`). A forged form must carry the token of the *victim's* cookie, which the
///   attacker can neither read nor compute without the server key ("signed double submit").
///
/// The two kinds are domain-separated by a label, so neither can stand in for the other.
final class CSRFTokens: Sendable {
    /// The name of the hidden field every state-changing form carries.
    static let fieldName = "csrf"

    private let environment: CoreEnvironment
    /// The key never changes once created, so one read per process is enough.
    private let cachedKey = Mutex<[UInt8]?>(nil)

    init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// The token of forms shown to the holder of `session`.
    func token(forSessionID sessionID: String) async throws(CoreError) -> String {
        try await token(label: "session", value: sessionID)
    }

    /// The token of anonymous forms, bound to the `mandate_csrf` cookie value `nonce`.
    func token(forNonce nonce: String) async throws(CoreError) -> String {
        try await token(label: "anonymous", value: nonce)
    }

    /// Whether `presented` is exactly `expected`, compared in constant time.
    static func matches(_ presented: String?, expected: String) -> Bool {
        guard let presented, !presented.isEmpty else { return false }
        return constantTimeEquals(presented, expected)
    }

    /// A fresh random value for the `mandate_csrf` cookie (256 bits).
    static func makeNonce() -> String {
        Base64URL.encode(SecureRandom.bytes(count: 32))
    }

    /// The cookie nonce of `request`, or a new one with the cookie that stores it.
    static func nonce(for request: HTTPRequest) -> (nonce: String, cookie: SetCookie?) {
        if let existing = WebCookie.csrf.value(in: request), existing.utf8.count <= 128 {
            return (existing, nil)
        }
        let nonce = makeNonce()
        return (nonce, WebCookie.csrf.make(nonce, for: request))
    }

    private func token(label: String, value: String) async throws(CoreError) -> String {
        let key = try await key()
        let message = "mandate.csrf.v1\u{0}" + label + "\u{0}" + value
        return Base64URL.encode(HMAC.authenticationCode(for: message, key: key, algorithm: .sha256))
    }

    private func key() async throws(CoreError) -> [UInt8] {
        if let key = cachedKey.withLock({ $0 }) { return key }
        let key = try await WebSecrets.key(.csrf, environment: environment)
        cachedKey.withLock { $0 = key }
        return key
    }
}
