import Foundation
import HTMLTemplates
import HTTPServer
import Lifecycle
import MandateCore
import MandateJobs

/// The organization's background jobs (its SMS and emails), for owners and admins
/// (`canViewOrganization`; members get a 403 page):
/// - `GET /admin/jobs`: counts by state, the jobs waiting for a retry and the dead ones, with
///   kind, attempts, last error, dead reason and times — never a payload (SMS codes, email bodies);
/// - `POST /admin/jobs/:id/retry`: puts one of the organization's dead jobs back in the queue
///   (`manageUsers`). Another organization's job is a 404, a job that is not dead a 409.
///
/// Only jobs whose `tenant_id` is the caller's organization are read or changed
/// (``JobQueue/stats(tenantID:)``, ``JobQueue/list(tenantID:selection:limit:)``,
/// ``JobQueue/retry(id:tenantID:notifier:)``). A retried SMS keeps its deadline: once its code has
/// expired the queue dead-letters it (`expired`) instead of sending it.
struct JobsPages: Sendable {
    static let path = "/admin/jobs"
    static let retryPattern = "/admin/jobs/:id/retry"
    /// The most jobs each list shows.
    static let listLimit = 100

    let environment: PageEnvironment
    let queue: JobQueue

    static func retryPath(_ id: Int64) -> String { "/admin/jobs/\(id)/retry" }

    func register(on group: RouterGroup<MandateContext>) {
        group.get(Self.path) { request, context in
            let principal = try context.requirePrincipal()
            return try await jobsPage(request, principal: principal)
        }
        group.post(Self.retryPattern) { request, context in
            let principal = try context.requirePrincipal()
            return try await retry(request, principal: principal, id: context.route.parameters["id"])
        }
    }

    /// Retries the dead job; a refusal re-renders the page with the reason and its status.
    private func retry(_ request: HTTPRequest, principal: Principal, id text: String?) async throws -> HTTPResponse {
        do {
            try await retryJob(text, principal: principal)
            return .seeOther(Self.path, flash: .jobRetried, request: request)
        } catch {
            return try await jobsPage(
                request, principal: principal, error: error.message, status: PageEnvironment.status(for: error))
        }
    }

    /// Puts the organization's dead job `text` back in the queue (`manageUsers`).
    private func retryJob(_ text: String?, principal: Principal) async throws(CoreError) {
        try principal.requireManageUsers()
        guard let text, let id = Int64(text), id > 0 else { throw CoreError.notFound("The job") }
        do {
            try await queue.retry(
                id: id, tenantID: principal.tenant.id, notifier: environment.services.environment.jobNotifier)
        } catch {
            switch error.reason {
            case .notFound: throw CoreError.notFound("The job")
            case .invalidState:
                throw CoreError(.conflict, "Only dead jobs can be retried; this one is not dead (any more).")
            default: throw CoreError(.internalFailure, "The job could not be retried. Try again in a moment.")
            }
        }
    }

    private func jobsPage(
        _ request: HTTPRequest, principal: Principal, error: String? = nil, status: HTTPStatus = .ok
    ) async throws -> HTTPResponse {
        try principal.requireViewOrganization()
        let tenantID = principal.tenant.id
        let stats: JobQueue.TenantStats
        let retrying: [JobRecord]
        let dead: [JobRecord]
        do {
            stats = try await queue.stats(tenantID: tenantID)
            retrying = try await queue.list(tenantID: tenantID, selection: .retrying, limit: Self.listLimit)
            dead = try await queue.list(tenantID: tenantID, selection: .state(.dead), limit: Self.listLimit)
        } catch {
            throw CoreError(
                .unavailable(retryAfterSeconds: 5), "The jobs cannot be read right now. Try again in a moment.")
        }
        let dates = PageDates(timeZone: principal.tenant.timeZone)
        let canRetry = principal.canManageUsers
        var content: [String: TemplateValue] = [
            "csrf": .string(try await environment.csrfToken(for: principal)),
            "counts": .list(
                JobState.allCases.map { state in
                    [
                        "state": .string(state.rawValue), "label": .string(Self.stateLabel(state)),
                        "count": .int(stats.countsByState[state] ?? 0),
                    ]
                }),
            "retryingCount": .int(stats.retrying),
            "retrying": .list(retrying.map { Self.row($0, dates: dates, canRetry: false) }),
            "hasRetrying": .bool(!retrying.isEmpty),
            "dead": .list(dead.map { Self.row($0, dates: dates, canRetry: canRetry) }),
            "hasDead": .bool(!dead.isEmpty),
            "canRetry": .bool(canRetry),
            "listLimit": .int(Self.listLimit),
        ]
        if !canRetry {
            content["retryHint"] = .string(AdminPages.readOnlyHint)
        }
        if let error { content["error"] = .string(error) }
        return try environment.renderer.respond(
            Page(
                template: "admin-jobs", title: "Jobs", status: status,
                chrome: try await environment.chrome(for: principal, mfa: nil), content: content),
            to: request)
    }

    /// A job as the page shows it. Deliberately no payload.
    private static func row(_ job: JobRecord, dates: PageDates, canRetry: Bool) -> TemplateValue {
        var row: [String: TemplateValue] = [
            "id": .string(String(job.id)),
            "kind": .string(job.kind),
            "kindLabel": .string(kindLabel(job.kind)),
            "attempts": .string("\(job.attempts) of \(job.maxAttempts)"),
            "created": .string(dates.dateTime(job.createdAt)),
            "createdISO": .string(PageDates.iso8601(job.createdAt)),
            "updated": .string(dates.dateTime(job.updatedAt)),
            "nextRun": .string(dates.dateTime(job.runAt)),
            "retryPath": .string(retryPath(job.id)),
            "canRetry": .bool(canRetry),
        ]
        if let error = job.lastError { row["lastError"] = .string(redacted(error)) }
        if let reason = job.deadReason { row["deadReason"] = .string(deadReasonLabel(reason)) }
        if let finished = job.finishedAt { row["finished"] = .string(dates.dateTime(finished)) }
        if let notAfter = job.notAfter { row["notAfter"] = .string(dates.dateTime(notAfter)) }
        return .object(row)
    }

    /// A last error as the page shows it. It may quote up to 200 bytes of the gateway's answer,
    /// which could echo the message: runs of 4 or more digits (an SMS code) and token-like runs of
    /// 20 or more letters, digits, `-` or `_` (a link's token) are replaced by `[redacted]`.
    static func redacted(_ error: String) -> String {
        error.replacingOccurrences(
            of: #"[0-9]{4,}|[A-Za-z0-9_-]{20,}"#, with: "[redacted]", options: .regularExpression)
    }

    static func stateLabel(_ state: JobState) -> String {
        switch state {
        case .queued: "Queued"
        case .running: "Running"
        case .succeeded: "Succeeded"
        case .dead: "Dead"
        }
    }

    static func kindLabel(_ kind: String) -> String {
        switch kind {
        case JobKind.smsSend: "SMS"
        case JobKind.emailSend: "Email"
        default: kind
        }
    }

    static func deadReasonLabel(_ reason: DeadReason) -> String {
        switch reason {
        case .failed: "Failed permanently"
        case .expired: "Expired before it could be delivered"
        case .exhausted: "Gave up after its last attempt"
        case .unknownKind: "No worker handles this kind"
        }
    }
}
