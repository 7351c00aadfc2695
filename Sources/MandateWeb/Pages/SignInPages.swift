import Foundation
import HTMLTemplates
import HTTPServer
import Lifecycle
import MandateCore

/// `GET|POST /sign-in` (organization handle, email, password) and the second step,
/// `GET|POST /sign-in/mfa` with `POST /sign-in/mfa/sms`. The forms are anonymous, so their CSRF
/// token is bound to the `mandate_csrf` cookie. The challenge token of the second step travels in
/// a short-lived `HttpOnly` cookie, never in the URL; `returnTo` travels along in the forms.
struct SignInPages: Sendable {
    static let path = "/sign-in"
    static let mfaPath = "/sign-in/mfa"
    static let smsPath = "/sign-in/mfa/sms"

    let environment: PageEnvironment

    private var services: APIServices { environment.services }

    func register(on group: RouterGroup<MandateContext>) {
        group.get(Self.path) { request, _ in try await showSignIn(request) }
        group.post(Self.path) { request, _ in try await signIn(request) }
        group.get(Self.mfaPath) { request, _ in try await showChallenge(request) }
        group.post(Self.mfaPath) { request, _ in try await verify(request) }
        group.post(Self.smsPath) { request, _ in try await sendSMS(request) }
    }

    // MARK: Password step

    private func showSignIn(_ request: HTTPRequest) async throws -> HTTPResponse {
        let query = request.queryParameters
        let returnTo = ReturnTo.validated(query["returnTo"])
        // Already signed in: carry on to where the user was going.
        if let token = WebCookie.session.value(in: request),
            let principal = try await PageAuthenticationMiddleware.authenticate(
                token, request: request, with: services.authenticator)
        {
            if principal.session?.scope == .mfaSetup {
                return .seeOther(ReturnTo.appending(returnTo, to: MFASetupPages.path), request: request)
            }
            return .seeOther(returnTo ?? AccountPages.path, request: request)
        }
        return try await signInPage(
            request, form: SignInForm(organization: query["organization"] ?? "", email: "", returnTo: returnTo))
    }

    private func signIn(_ request: HTTPRequest) async throws -> HTTPResponse {
        let form = URLEncodedForm(body: request.body)
        let input = SignInForm(
            organization: (form["organization"] ?? "").trimmingCharacters(in: .whitespaces),
            email: (form["email"] ?? "").trimmingCharacters(in: .whitespaces),
            returnTo: ReturnTo.validated(form["returnTo"]))
        let password = form["password"] ?? ""
        guard !input.organization.isEmpty, !input.email.isEmpty, !password.isEmpty else {
            return try await signInPage(
                request, form: input, error: "Enter your organization, your email and your password.",
                status: .unprocessableContent)
        }
        let outcome: SignInService.Outcome
        do {
            outcome = try await services.signIn.signIn(
                tenantSlug: input.organization, email: input.email, password: password, kind: .browser,
                origin: request.origin)
        } catch {
            return try await signInPage(request, form: input, error: error)
        }
        switch outcome {
        case .signedIn(let signedIn):
            // Due now: forced setup. In an enrollment period: the soft setup, which offers a skip
            // ("Not now") on to the page asked for until the deadline.
            let offersSetup = signedIn.session.scope == .mfaSetup || signedIn.decision?.canSkipSetup == true
            let next =
                offersSetup
                ? ReturnTo.appending(input.returnTo, to: MFASetupPages.path) : input.returnTo ?? AccountPages.path
            var response = HTTPResponse.seeOther(next, request: request)
            response.setCookie(WebCookie.session.make(signedIn.token.value, for: request))
            if WebCookie.challenge.value(in: request) != nil {
                response.setCookie(WebCookie.challenge.expired(for: request))
            }
            return response
        case .mfaRequired(let pending):
            var response = HTTPResponse.seeOther(ReturnTo.appending(input.returnTo, to: Self.mfaPath), request: request)
            response.setCookie(
                WebCookie.challenge.make(
                    pending.challengeToken.value, for: request, maxAge: WebCookie.challengeMaxAge))
            return response
        }
    }

    /// What the user typed, shown back on failure (never the password).
    struct SignInForm {
        var organization: String
        var email: String
        var returnTo: String?
    }

    private func signInPage(_ request: HTTPRequest, form: SignInForm, error: CoreError) async throws -> HTTPResponse {
        var response = try await signInPage(
            request, form: form, error: error.message, status: PageEnvironment.status(for: error))
        PageEnvironment.addRetryAfter(for: error, to: &response)
        return response
    }

    private func signInPage(
        _ request: HTTPRequest, form: SignInForm, error: String? = nil, status: HTTPStatus = .ok
    ) async throws -> HTTPResponse {
        var content: [String: TemplateValue] = [
            "organization": .string(form.organization), "email": .string(form.email),
        ]
        if let returnTo = form.returnTo { content["returnTo"] = .string(returnTo) }
        if let error { content["error"] = .string(error) }
        return try await environment.respondAnonymous(
            template: "sign-in", title: "Sign in", status: status, content: content, to: request)
    }

    // MARK: Second factor

    private func showChallenge(_ request: HTTPRequest) async throws -> HTTPResponse {
        let returnTo = ReturnTo.validated(request.queryParameters["returnTo"])
        guard let challenge = WebCookie.challenge.value(in: request) else {
            return .seeOther(ReturnTo.appending(returnTo, to: Self.path), request: request)
        }
        return try await challengePage(request, challenge: challenge, returnTo: returnTo)
    }

    private func verify(_ request: HTTPRequest) async throws -> HTTPResponse {
        let form = URLEncodedForm(body: request.body)
        let returnTo = ReturnTo.validated(form["returnTo"])
        guard let challenge = WebCookie.challenge.value(in: request) else {
            return expired(request, returnTo: returnTo)
        }
        let method = form["method"] ?? ""
        let code = (form["code"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !code.isEmpty else {
            return try await challengePage(
                request, challenge: challenge, returnTo: returnTo, error: "Enter the code.",
                status: .unprocessableContent)
        }
        do {
            let signedIn = try await services.challenges.verify(
                challengeToken: challenge, method: method, code: code, origin: request.origin)
            var response = HTTPResponse.seeOther(returnTo ?? AccountPages.path, request: request)
            response.setCookie(WebCookie.session.make(signedIn.token.value, for: request))
            response.setCookie(WebCookie.challenge.expired(for: request))
            return response
        } catch {
            return try await refused(request, challenge: challenge, returnTo: returnTo, error: error)
        }
    }

    private func sendSMS(_ request: HTTPRequest) async throws -> HTTPResponse {
        let returnTo = ReturnTo.validated(URLEncodedForm(body: request.body)["returnTo"])
        guard let challenge = WebCookie.challenge.value(in: request) else {
            return expired(request, returnTo: returnTo)
        }
        do {
            _ = try await services.challenges.sendSMS(challengeToken: challenge, origin: request.origin)
            return .seeOther(ReturnTo.appending(returnTo, to: Self.mfaPath), flash: .smsSent, request: request)
        } catch {
            return try await refused(request, challenge: challenge, returnTo: returnTo, error: error)
        }
    }

    /// A refused answer: back to the challenge with the reason, or to the password step when the
    /// attempt itself is over (expired, used, or the account locked meanwhile).
    private func refused(_ request: HTTPRequest, challenge: String, returnTo: String?, error: CoreError)
        async throws -> HTTPResponse
    {
        if Self.endsAttempt(error) {
            var response = try await signInPage(
                request, form: SignInForm(organization: "", email: "", returnTo: returnTo), error: error)
            response.setCookie(WebCookie.challenge.expired(for: request))
            return response
        }
        var response = try await challengePage(
            request, challenge: challenge, returnTo: returnTo, error: MFASetupSMSPages.withWait(error),
            status: PageEnvironment.status(for: error))
        PageEnvironment.addRetryAfter(for: error, to: &response)
        return response
    }

    private static func endsAttempt(_ error: CoreError) -> Bool {
        switch error.reason {
        case .unauthenticated: true
        case .secondFactorRefused(let code): code == "challenge_expired"
        default: false
        }
    }

    private func expired(_ request: HTTPRequest, returnTo: String?) -> HTTPResponse {
        .seeOther(ReturnTo.appending(returnTo, to: Self.path), flash: .challengeExpired, request: request)
    }

    private func challengePage(
        _ request: HTTPRequest, challenge: String, returnTo: String?, error: String? = nil, status: HTTPStatus = .ok
    ) async throws -> HTTPResponse {
        let state: MFAChallengeService.Status
        do {
            state = try await services.challenges.status(challengeToken: challenge)
        } catch {
            guard Self.endsAttempt(error) else { throw error }
            var response = expired(request, returnTo: returnTo)
            response.setCookie(WebCookie.challenge.expired(for: request))
            return response
        }
        var content = ChallengeView.content(state, now: services.environment.clock.now())
        if let returnTo { content["returnTo"] = .string(returnTo) }
        if let error { content["error"] = .string(error) }
        return try await environment.respondAnonymous(
            template: "sign-in-mfa", title: "Confirm it is you", status: status, content: content, to: request)
    }
}

/// The view model of `Templates/pages/sign-in-mfa.html`.
enum ChallengeView {
    static func content(_ state: MFAChallengeService.Status, now: Date) -> [String: TemplateValue] {
        var content: [String: TemplateValue] = [
            "hasTOTP": .bool(state.methods.contains(.totp)),
            "hasSMS": .bool(state.methods.contains(.sms)),
            "hasRecoveryCode": .bool(state.methods.contains(.recoveryCode)),
        ]
        if let sms = state.sms, sms.expiresAt > now {
            var pending: [String: TemplateValue] = [
                "phone": .string(sms.maskedPhoneNumber), "deliveryFailed": .bool(sms.deliveryFailed),
            ]
            let wait = Int(sms.resendAvailableAt.timeIntervalSince(now).rounded(.up))
            if wait > 0 { pending["resendInSeconds"] = .int(wait) }
            content["sms"] = .object(pending)
        }
        return content
    }
}
