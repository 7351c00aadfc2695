import Foundation
import HTMLTemplates
import HTTPServer
import Lifecycle
import MandateCore

/// MFA setup with an authenticator app: `GET /account/mfa/setup`, `POST …/totp` (a new secret:
/// QR code and key), `POST …/totp/confirm` (one valid code: the factor is on, recovery codes shown
/// once). The only pages, with sign-out, that a setup-only session reaches; confirming rotates
/// that session into a full one (new cookie) and leads on to the page first asked for.
struct MFASetupPages: Sendable {
    static let path = "/account/mfa/setup"
    static let totpPath = "/account/mfa/setup/totp"
    static let confirmPath = "/account/mfa/setup/totp/confirm"

    let environment: PageEnvironment

    private var services: APIServices { environment.services }

    func register(on group: RouterGroup<MandateContext>) {
        group.get(Self.path) { request, context in
            try await setupPage(
                request, principal: try context.requirePrincipal(),
                returnTo: ReturnTo.validated(request.queryParameters["returnTo"]))
        }
        group.post(Self.totpPath) { request, context in
            try await startTOTP(request, principal: try context.requirePrincipal())
        }
        group.post(Self.confirmPath) { request, context in
            try await confirmTOTP(request, principal: try context.requirePrincipal())
        }
    }

    private func startTOTP(_ request: HTTPRequest, principal: Principal) async throws -> HTTPResponse {
        let form = URLEncodedForm(body: request.body)
        let returnTo = ReturnTo.validated(form["returnTo"])
        var current = principal
        let enrollment: MFAService.TOTPEnrollment
        do {
            if let password = form["password"], !password.isEmpty {
                let session = try await services.credentials.reauthenticate(
                    principal, password: password, origin: request.origin)
                current = Principal(tenant: principal.tenant, user: principal.user, credential: .session(session))
            }
            enrollment = try await services.mfa.startTOTP(current, origin: request.origin)
        } catch {
            return try await setupPage(request, principal: principal, returnTo: returnTo, error: error)
        }
        return try await totpPage(request, principal: current, enrollment: enrollment, returnTo: returnTo)
    }

    private func confirmTOTP(_ request: HTTPRequest, principal: Principal) async throws -> HTTPResponse {
        let form = URLEncodedForm(body: request.body)
        let returnTo = ReturnTo.validated(form["returnTo"])
        let confirmation: MFAService.Confirmation
        do {
            confirmation = try await services.mfa.confirmTOTP(
                principal, code: form["code"] ?? "", origin: request.origin)
        } catch {
            if case .forbidden(let code) = error.reason, code == "reauthentication_required" {
                return try await setupPage(request, principal: principal, returnTo: returnTo, error: error)
            }
            var response = try await totpPage(
                request, principal: principal, enrollment: nil, returnTo: returnTo, error: error.message,
                status: PageEnvironment.status(for: error))
            PageEnvironment.addRetryAfter(for: error, to: &response)
            return response
        }
        return try await donePage(request, confirmation: confirmation, principal: principal, returnTo: returnTo)
    }

    /// The answer to a confirmed factor: the recovery codes (once), and the new cookie when a
    /// setup-only session was rotated into a full one.
    func donePage(
        _ request: HTTPRequest, confirmation: MFAService.Confirmation, principal: Principal, returnTo: String?
    ) async throws -> HTTPResponse {
        // Forced setup done: the setup-only session was replaced by a full one (a new token).
        var current = principal
        var sessionCookie: SetCookie?
        if let rotated = confirmation.session {
            current = Principal(tenant: rotated.tenant, user: rotated.user, credential: .session(rotated.session))
            sessionCookie = WebCookie.session.make(rotated.token.value, for: request)
        }
        var content: [String: TemplateValue] = [
            "continue": .string(returnTo ?? AccountPages.path),
            "recoveryCodes": .list((confirmation.recoveryCodes ?? []).map(TemplateValue.string)),
            "factor": .string(
                confirmation.factor.kind == .sms
                    ? "a code sent by SMS to your phone" : "a code from your authenticator app"),
        ]
        content["hasRecoveryCodes"] = .bool(!(confirmation.recoveryCodes ?? []).isEmpty)
        // Recovery codes are shown once, so this page is the POST's answer rather than a redirect.
        var response = try environment.renderer.respond(
            Page(
                template: "mfa-setup-done", title: "Multi-factor authentication is on",
                chrome: try await environment.chrome(for: current, mfa: nil), content: content),
            to: request)
        if let sessionCookie { response.setCookie(sessionCookie) }
        return response
    }

    func setupPage(
        _ request: HTTPRequest, principal: Principal, returnTo: String?, error: CoreError, phoneNumber: String? = nil
    ) async throws -> HTTPResponse {
        // The API's message names its endpoint; the page asks for the password in the form.
        let needsPassword: Bool
        let message: String
        if case .forbidden(let code) = error.reason, code == "reauthentication_required" {
            needsPassword = true
            message = "Confirm your password to continue: this change needs a sign-in from the last 10 minutes."
        } else {
            needsPassword = false
            message = MFASetupSMSPages.withWait(error)
        }
        var response = try await setupPage(
            request, principal: principal, returnTo: returnTo, error: message, needsPassword: needsPassword,
            phoneNumber: phoneNumber, status: PageEnvironment.status(for: error))
        PageEnvironment.addRetryAfter(for: error, to: &response)
        return response
    }

    private func setupPage(
        _ request: HTTPRequest, principal: Principal, returnTo: String?, error: String? = nil,
        needsPassword: Bool = false, phoneNumber: String? = nil, status: HTTPStatus = .ok
    ) async throws -> HTTPResponse {
        let mfa = try await services.enforcement.status(principal)
        let overview = try await services.mfa.overview(principal)
        let now = services.environment.clock.now()
        let dates = PageDates(timeZone: principal.tenant.timeZone)
        let isForced = principal.session?.scope == .mfaSetup
        let sessionAge = principal.session.map { now.timeIntervalSince($0.authenticatedAt) } ?? 0
        var content: [String: TemplateValue] = [
            "forced": .bool(isForced),
            "hasTOTP": .bool(overview.factors.contains { $0.kind == .totp }),
            "status": AccountView.status(mfa.decision.status),
            "csrf": .string(try await environment.csrfToken(for: principal)),
            // The page cannot know the password is needed until the service says so, except by the
            // age of the last sign-in; asking early saves a round trip.
            "needsPassword": .bool(needsPassword || sessionAge > MFAService.freshAuthenticationWindow - 60),
        ]
        // SMS next to the authenticator app when the plan has it (`mfa.sms`).
        let tenant = principal.tenant
        if tenant.entitlement(catalog: services.environment.catalog, now: now).includes(.sms) {
            var sms: [String: TemplateValue] = ["phoneNumber": .string(phoneNumber ?? "")]
            let countries = tenant.settings.smsCountryCodes
            if !countries.isEmpty {
                sms["countries"] = .string(countries.map { "+" + $0 }.joined(separator: ", "))
            }
            content["sms"] = .object(sms)
            content["hasSMS"] = .bool(overview.factors.contains { $0.kind == .sms })
        }
        if !isForced, mfa.decision.canSkipSetup || mfa.decision.sources.isEmpty {
            content["skip"] = .string(returnTo ?? AccountPages.path)
        }
        if let deadline = mfa.decision.deadline, !overview.isEnrolled {
            content["deadline"] = [
                "text": .string(dates.dateTime(deadline)), "iso": .string(PageDates.iso8601(deadline)),
                "passed": .bool(deadline <= now),
            ]
        }
        if let returnTo { content["returnTo"] = .string(returnTo) }
        if let error { content["error"] = .string(error) }
        return try environment.renderer.respond(
            Page(
                template: "mfa-setup", title: "Set up multi-factor authentication", status: status,
                chrome: try await environment.chrome(for: principal, mfa: nil), content: content),
            to: request)
    }

    /// The QR code and key of a new secret, or (after a wrong code) just the code form again.
    private func totpPage(
        _ request: HTTPRequest, principal: Principal, enrollment: MFAService.TOTPEnrollment?, returnTo: String?,
        error: String? = nil, status: HTTPStatus = .ok
    ) async throws -> HTTPResponse {
        var content: [String: TemplateValue] = ["csrf": .string(try await environment.csrfToken(for: principal))]
        if let enrollment {
            content["enrollment"] = [
                // Our own SVG (QRCode module; its title is XML-escaped there), never user markup.
                "qr": .html(TrustedHTML(unsafeRawHTML: enrollment.qrSVG)),
                "secret": .string(Self.grouped(enrollment.secret)),
                "uri": .string(enrollment.otpauthURI),
            ]
        }
        if let returnTo { content["returnTo"] = .string(returnTo) }
        if let error { content["error"] = .string(error) }
        return try environment.renderer.respond(
            Page(
                template: "mfa-setup-totp", title: "Set up an authenticator app", status: status,
                chrome: try await environment.chrome(for: principal, mfa: nil), content: content),
            to: request)
    }

    /// `JBSW Y3DP EHPK …`: the key in groups of four, easier to type.
    static func grouped(_ secret: String) -> String {
        var groups: [Substring] = []
        var rest = secret[...]
        while !rest.isEmpty {
            groups.append(rest.prefix(4))
            rest = rest.dropFirst(4)
        }
        return groups.joined(separator: " ")
    }
}
