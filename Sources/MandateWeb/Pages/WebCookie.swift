import HTTPServer

/// The cookies of the dashboard (SECURITY.md "Sessions and the dashboard"). None is readable by
/// script (`HttpOnly`), and none carries anything but an opaque random value or a fixed code.
enum WebCookie: String, CaseIterable {
    /// The session token (`mds_…`) of the API's sessions, authenticated on every request.
    case session = "mandate_session"
    /// A random value the CSRF token of anonymous forms (sign-in) is bound to.
    case csrf = "mandate_csrf"
    /// The token (`mdc_…`) of a sign-in waiting for its second factor; kept out of the URL.
    case challenge = "mandate_mfa"
    /// A fixed message code (``Flash``) shown once on the page a redirect leads to.
    case flash = "mandate_flash"

    /// How long the browser keeps the challenge cookie: the challenge's own lifetime.
    static let challengeMaxAge = 900
    /// How long a flash message waits for the page it is meant for.
    static let flashMaxAge = 60

    /// Over TLS the name carries the `__Host-` prefix (RFC 6265bis §4.1.3.2): the browser then only
    /// accepts the cookie with `Secure`, `Path=/` and no `Domain`, so a sibling subdomain can
    /// neither plant nor overwrite it.
    func name(secure: Bool) -> String { secure ? "__Host-" + rawValue : rawValue }

    /// `Lax` for the session, so links from elsewhere (an email) arrive signed in; `Strict` for
    /// the rest, which are only ever needed by requests coming from our own pages.
    var sameSite: SetCookie.SameSite {
        switch self {
        case .session, .flash: .lax
        case .csrf, .challenge: .strict
        }
    }

    /// The cookie's value in `request`, if the client sent one.
    func value(in request: HTTPRequest) -> String? {
        guard let value = request.cookies[name(secure: request.isSecure)], !value.isEmpty else { return nil }
        return value
    }

    /// A cookie holding `value`, `Secure` when the request came over TLS. Without `maxAge` it lasts
    /// until the browser closes; the server enforces the real expiry of sessions anyway.
    func make(_ value: String, for request: HTTPRequest, maxAge: Int? = nil) -> SetCookie {
        SetCookie(
            name: name(secure: request.isSecure), value: value, path: "/", maxAge: maxAge, secure: request.isSecure,
            httpOnly: true, sameSite: sameSite)
    }

    /// A cookie that makes the browser forget this one.
    func expired(for request: HTTPRequest) -> SetCookie {
        make("", for: request, maxAge: 0)
    }
}
