import Foundation
import HTMLTemplates
import HTTPServer
import Lifecycle
import MandateCore

/// MFA setup with a phone (plans with `mfa.sms`): `POST /account/mfa/setup/sms` (a number: a code
/// is sent, the code form shown; again with `resend` for a new code) and `POST …/sms/confirm` (the
/// code: the factor is on, recovery codes shown once). The phone form itself is on
/// `/account/mfa/setup`, next to the authenticator app. Like those pages, a setup-only session
/// reaches these, and confirming rotates it into a full one.
struct MFASetupSMSPages: Sendable {
    static let path = "/account/mfa/setup/sms"
    static let confirmPath = "/account/mfa/setup/sms/confirm"

    let environment: PageEnvironment

    private var services: APIServices { environment.services }
    private var setup: MFASetupPages { MFASetupPages(environment: environment) }

    func register(on group: RouterGroup<MandateContext>) {
        group.post(Self.path) { request, context in
            try await send(request, principal: try context.requirePrincipal())
        }
        group.post(Self.confirmPath) { request, context in
            try await confirm(request, principal: try context.requirePrincipal())
        }
    }

    /// What the code form carries along: the number as typed (for a resend) and where to go next.
    struct CodeForm {
        var phoneNumber: String
        var returnTo: String?
    }

    private func send(_ request: HTTPRequest, principal: Principal) async throws -> HTTPResponse {
        let form = URLEncodedForm(body: request.body)
        let input = CodeForm(
            phoneNumber: String((form["phoneNumber"] ?? "").trimmingCharacters(in: .whitespaces).prefix(64)),
            returnTo: ReturnTo.validated(form["returnTo"]))
        let isResend = form["resend"] == "1"
        guard !input.phoneNumber.isEmpty else {
            return try await setup.setupPage(
                request, principal: principal, returnTo: input.returnTo,
                error: CoreError.invalid("phoneNumber", "Enter your mobile phone number."))
        }
        var current = principal
        let sent: SMSCodeSent
        do {
            if let password = form["password"], !password.isEmpty {
                let session = try await services.credentials.reauthenticate(
                    principal, password: password, origin: request.origin)
                current = Principal(tenant: principal.tenant, user: principal.user, credential: .session(session))
            }
            sent = try await services.mfa.startSMS(current, phoneNumber: input.phoneNumber, origin: request.origin)
        } catch {
            // A refused resend stays on the code form (the code sent before still works); anything
            // else goes back to the number, with the reason.
            if isResend, case .rateLimited = error.reason {
                return try await codePage(request, principal: principal, form: input, error: error)
            }
            return try await setup.setupPage(
                request, principal: principal, returnTo: input.returnTo, error: error, phoneNumber: input.phoneNumber)
        }
        let now = services.environment.clock.now()
        return try await codePage(
            request, principal: current, form: input,
            pending: (sent.maskedPhoneNumber, false, sent.resendAvailableAt.timeIntervalSince(now)))
    }

    private func confirm(_ request: HTTPRequest, principal: Principal) async throws -> HTTPResponse {
        let form = URLEncodedForm(body: request.body)
        let input = CodeForm(
            phoneNumber: String((form["phoneNumber"] ?? "").prefix(64)),
            returnTo: ReturnTo.validated(form["returnTo"]))
        let code = (form["code"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !code.isEmpty else {
            return try await codePage(
                request, principal: principal, form: input,
                error: CoreError.invalid("code", "Enter the code from the text message."))
        }
        let confirmation: MFAService.Confirmation
        do {
            confirmation = try await services.mfa.confirmSMS(principal, code: code, origin: request.origin)
        } catch {
            if case .forbidden(let reason) = error.reason, reason == "reauthentication_required" {
                return try await setup.setupPage(
                    request, principal: principal, returnTo: input.returnTo, error: error,
                    phoneNumber: input.phoneNumber)
            }
            return try await codePage(request, principal: principal, form: input, error: error)
        }
        return try await setup.donePage(
            request, confirmation: confirmation, principal: principal, returnTo: input.returnTo)
    }

    /// The code form after a refusal: the reason (with the wait), and the pending code's state.
    private func codePage(_ request: HTTPRequest, principal: Principal, form: CodeForm, error: CoreError)
        async throws -> HTTPResponse
    {
        let overview = try await services.mfa.overview(principal)
        let now = services.environment.clock.now()
        let pending = overview.pendingSMS.map {
            ($0.maskedPhoneNumber, $0.deliveryFailed, $0.resendAvailableAt.timeIntervalSince(now))
        }
        var response = try await codePage(
            request, principal: principal, form: form, pending: pending, error: Self.withWait(error),
            status: PageEnvironment.status(for: error))
        PageEnvironment.addRetryAfter(for: error, to: &response)
        return response
    }

    private func codePage(
        _ request: HTTPRequest, principal: Principal, form: CodeForm,
        pending: (phone: String, deliveryFailed: Bool, resendIn: TimeInterval)?, error: String? = nil,
        status: HTTPStatus = .ok
    ) async throws -> HTTPResponse {
        var content: [String: TemplateValue] = [
            "csrf": .string(try await environment.csrfToken(for: principal)),
            "phoneNumber": .string(form.phoneNumber),
            "back": .string(ReturnTo.appending(form.returnTo, to: MFASetupPages.path)),
        ]
        if let pending {
            content["phone"] = .string(pending.phone)
            content["deliveryFailed"] = .bool(pending.deliveryFailed)
            let wait = Int(pending.resendIn.rounded(.up))
            if wait > 0 { content["resendInSeconds"] = .int(wait) }
        }
        if let returnTo = form.returnTo { content["returnTo"] = .string(returnTo) }
        if let error { content["error"] = .string(error) }
        return try environment.renderer.respond(
            Page(
                template: "mfa-setup-sms", title: "Set up codes by SMS", status: status,
                chrome: try await environment.chrome(for: principal, mfa: nil), content: content),
            to: request)
    }

    /// The service's message, with the wait when it is a rate limit ("… Try again in 30 seconds.").
    static func withWait(_ error: CoreError) -> String {
        guard case .rateLimited(let seconds) = error.reason else { return error.message }
        return error.message + " " + Self.wait(seconds)
    }

    /// "Try again in 45 seconds." / "Try again in 9 minutes."
    static func wait(_ seconds: Int) -> String {
        let seconds = max(1, seconds)
        if seconds <= 90 { return "Try again in \(seconds) second\(seconds == 1 ? "" : "s")." }
        let minutes = (seconds + 59) / 60
        return "Try again in \(minutes) minutes."
    }
}
