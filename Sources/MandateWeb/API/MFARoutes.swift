import Foundation
import HTTPServer
import MandateCore

/// The second sign-in step (`/api/v1/auth/mfa/…`) and self-service MFA (`/api/v1/me/mfa/…`).
struct MFARoutes: Sendable {
    let services: APIServices

    struct ChallengeBody: Decodable {
        var challengeToken: String
    }

    struct VerifyBody: Decodable {
        var challengeToken: String
        var method: String
        var code: String
    }

    struct CodeBody: Decodable {
        var code: String
    }

    struct PhoneBody: Decodable {
        var phoneNumber: String
    }

    struct PasswordBody: Decodable {
        var password: String
    }

    func registerPublic(on group: RouterGroup<MandateContext>) {
        group.post("/auth/mfa/status") { [services] request, _ in
            let body = try request.decodeAPI(ChallengeBody.self, allowedFields: ["challengeToken"])
            return noStore(
                .json(ChallengeStatusJSON(try await services.challenges.status(challengeToken: body.challengeToken))))
        }
        group.post("/auth/mfa/sms") { [services] request, _ in
            let body = try request.decodeAPI(ChallengeBody.self, allowedFields: ["challengeToken"])
            let sent = try await services.challenges.sendSMS(
                challengeToken: body.challengeToken, origin: request.origin)
            return noStore(.json(SMSCodeSentJSON(sent: sent), status: .accepted))
        }
        group.post("/auth/mfa/verify") { [services] request, _ in
            let body = try request.decodeAPI(VerifyBody.self, allowedFields: ["challengeToken", "method", "code"])
            let signedIn = try await services.challenges.verify(
                challengeToken: body.challengeToken, method: body.method, code: body.code, origin: request.origin)
            return noStore(.json(SignedInJSON(signedIn)))
        }
    }

    func registerAuthenticated(on group: RouterGroup<MandateContext>) {
        group.post("/auth/reauthenticate") { [services] request, context in
            let body = try request.decodeAPI(PasswordBody.self, allowedFields: ["password"])
            let session = try await services.credentials.reauthenticate(
                try context.requirePrincipal(), password: body.password, origin: request.origin)
            let freshUntil = session.authenticatedAt.addingTimeInterval(MFAService.freshAuthenticationWindow)
            return .json(ReauthenticatedJSON(authenticatedAt: session.authenticatedAt, freshUntil: freshUntil))
        }
        group.get("/me/mfa") { [services] _, context in
            .json(MFAOverviewJSON(overview: try await services.mfa.overview(try context.requirePrincipal())))
        }
        group.post("/me/mfa/totp") { [services] request, context in
            let enrollment = try await services.mfa.startTOTP(try context.requirePrincipal(), origin: request.origin)
            return noStore(.json(TOTPEnrollmentJSON(enrollment: enrollment), status: .created))
        }
        group.post("/me/mfa/totp/confirm") { [services] request, context in
            let body = try request.decodeAPI(CodeBody.self, allowedFields: ["code"])
            let confirmation = try await services.mfa.confirmTOTP(
                try context.requirePrincipal(), code: body.code, origin: request.origin)
            return noStore(.json(ConfirmationJSON(confirmation: confirmation)))
        }
        group.post("/me/mfa/sms") { [services] request, context in
            let body = try request.decodeAPI(PhoneBody.self, allowedFields: ["phoneNumber"])
            let sent = try await services.mfa.startSMS(
                try context.requirePrincipal(), phoneNumber: body.phoneNumber, origin: request.origin)
            return .json(SMSCodeSentJSON(sent: sent), status: .accepted)
        }
        group.post("/me/mfa/sms/confirm") { [services] request, context in
            let body = try request.decodeAPI(CodeBody.self, allowedFields: ["code"])
            let confirmation = try await services.mfa.confirmSMS(
                try context.requirePrincipal(), code: body.code, origin: request.origin)
            return noStore(.json(ConfirmationJSON(confirmation: confirmation)))
        }
        for kind in FactorKind.allCases {
            group.delete("/me/mfa/\(kind.rawValue)") { [services] request, context in
                try await services.mfa.remove(kind, try context.requirePrincipal(), origin: request.origin)
                return .noContent
            }
        }
        group.post("/me/mfa/recovery-codes") { [services] request, context in
            let codes = try await services.mfa.regenerateRecoveryCodes(
                try context.requirePrincipal(), origin: request.origin)
            return noStore(.json(RecoveryCodesJSON(codes: codes)))
        }
    }
}

/// Secrets (TOTP seeds, recovery codes, tokens) must not be cached anywhere on the way.
private func noStore(_ response: HTTPResponse) -> HTTPResponse {
    var response = response
    response.headers.add(name: "Cache-Control", value: "no-store")
    return response
}

struct FactorJSON: JSONRepresentable {
    let factor: MFAFactor

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("activatedAt", factor.activatedAt)
            json.field("createdAt", factor.createdAt)
            json.field("id", factor.id)
            json.field("kind", factor.kind.rawValue)
            json.field("lastUsedAt", factor.lastUsedAt)
            json.field("phoneNumber", factor.phoneNumber.map(PhoneNumber.mask))
        }
    }
}

struct PendingSMSJSON: JSONRepresentable {
    let pending: PendingSMS

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("delivery", pending.delivery)
            json.field("deliveryFailed", pending.deliveryFailed)
            json.field("errorCode", pending.errorCode)
            json.field("expiresAt", pending.expiresAt)
            json.field("phoneNumber", pending.maskedPhoneNumber)
            json.field("resendAvailableAt", pending.resendAvailableAt)
        }
    }
}

struct MFAOverviewJSON: JSONRepresentable {
    let overview: MFAOverview

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("enrolled", overview.isEnrolled)
            json.field("factors", overview.factors.map(FactorJSON.init))
            json.field("pendingSms", overview.pendingSMS.map(PendingSMSJSON.init))
            json.field("recoveryCodesRemaining", overview.recoveryCodesRemaining)
        }
    }
}

struct ChallengeStatusJSON: JSONRepresentable {
    let status: MFAChallengeService.Status

    init(_ status: MFAChallengeService.Status) { self.status = status }

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("expiresAt", status.expiresAt)
            json.field("methods", status.methods.map(\.rawValue))
            json.field("sms", status.sms.map(PendingSMSJSON.init))
        }
    }
}

struct SMSCodeSentJSON: JSONRepresentable {
    let sent: SMSCodeSent

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("expiresAt", sent.expiresAt)
            json.field("messageId", sent.messageID)
            json.field("phoneNumber", sent.maskedPhoneNumber)
            json.field("resendAvailableAt", sent.resendAvailableAt)
        }
    }
}

struct TOTPEnrollmentJSON: JSONRepresentable {
    let enrollment: MFAService.TOTPEnrollment

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("otpauthUri", enrollment.otpauthURI)
            json.field("qrSvg", enrollment.qrSVG)
            json.field("secret", enrollment.secret)
        }
    }
}

struct ConfirmationJSON: JSONRepresentable {
    let confirmation: MFAService.Confirmation

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("factor", FactorJSON(factor: confirmation.factor))
            json.key("recoveryCodes")
            if let codes = confirmation.recoveryCodes {
                json.array { array in for code in codes { array.string(code) } }
            } else {
                json.null()
            }
            // Completing forced setup rotates the setup-only session into a full one.
            if let session = confirmation.session {
                json.field("session", SignedInJSON(session))
            }
        }
    }
}

struct RecoveryCodesJSON: JSONRepresentable {
    let codes: [String]

    func write(to writer: inout JSONWriter) {
        writer.object { json in json.field("recoveryCodes", codes) }
    }
}

struct ReauthenticatedJSON: JSONRepresentable {
    let authenticatedAt: Date
    let freshUntil: Date

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("authenticatedAt", authenticatedAt)
            json.field("freshUntil", freshUntil)
        }
    }
}

/// The answer to a correct password when a second factor is needed.
struct MFARequiredJSON: JSONRepresentable {
    let pending: PendingMFA

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("challengeExpiresAt", pending.challenge.expiresAt)
            json.field("challengeToken", pending.challengeToken.value)
            json.field("methods", pending.methods.map(\.rawValue))
            json.field("mfaSetupRequired", false)
            json.field("status", "mfa_required")
            json.field("tenant", TenantSummaryJSON(tenant: pending.tenant))
        }
    }
}
