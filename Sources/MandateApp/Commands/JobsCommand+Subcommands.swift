import Foundation
import Lifecycle
import MandateCore
import MandateJobs

extension JobsCommand.Context {
    /// Counts by state (and the age of the most overdue queued job), then the jobs, newest first.
    func list(state: JobState?, kind: String?, limit: Int) async throws(CommandLineError) {
        let stats = try await mappedQueue { try await queue.stats() }
        var counts = TextTable(["STATE", "JOBS"])
        for state in JobState.allCases {
            counts.append([state.rawValue, String(stats.countsByState[state] ?? 0)])
        }
        output(counts.text)
        if let age = stats.oldestQueuedAge {
            output("Oldest due queued job has waited \(Self.describe(age)).")
        }
        output("")
        let jobs = try await mappedQueue { try await queue.list(state: state, kind: kind, limit: limit) }
        guard !jobs.isEmpty else {
            output("No jobs match.")
            return
        }
        var table = TextTable(["ID", "KIND", "STATE", "ATTEMPTS", "CREATED", "RUN AT", "TENANT", "LAST ERROR"])
        for job in jobs {
            table.append([
                String(job.id), job.kind, Self.stateText(job), "\(job.attempts)/\(job.maxAttempts)",
                Self.time(job.createdAt), Self.time(job.runAt), job.tenantID ?? "-",
                job.lastError.map { Self.truncated($0, to: 60) } ?? "",
            ])
        }
        output(table.text)
        if jobs.count == limit {
            output("(the newest \(limit); use --limit for more)")
        }
    }

    /// Every field of one job, its last error and its payload (SMS body withheld unless revealed).
    func show(id: Int64, reveal: Bool) async throws(CommandLineError) {
        guard let job = try await mappedQueue({ try await queue.show(id: id) }) else {
            throw CommandLineError(.dataError, "no job has id \(id)", hint: "List jobs with 'mandate jobs list'.")
        }
        var lines = ["Job \(job.id)"]
        func field(_ name: String, _ value: String?) {
            guard let value else { return }
            lines.append("  " + name.padding(toLength: 17, withPad: " ", startingAt: 0) + value)
        }
        field("kind", job.kind)
        field("state", Self.stateText(job))
        field("priority", String(job.priority))
        field("attempts", "\(job.attempts) of \(job.maxAttempts)")
        field("tenant", job.tenantID)
        field("idempotency key", job.idempotencyKey)
        field("created", Self.time(job.createdAt))
        field("updated", Self.time(job.updatedAt))
        field("run at", Self.time(job.runAt))
        field("not after", job.notAfter.map(Self.time))
        field("lease owner", job.leaseOwner)
        field("lease expires", job.leaseExpiresAt.map(Self.time))
        field("finished", job.finishedAt.map(Self.time))
        field("last error", job.lastError ?? "none")
        lines.append("Payload:")
        lines.append(JobPayloadText.render(kind: job.kind, payload: job.payload, reveal: reveal))
        output(lines.joined(separator: "\n"))
    }

    /// Puts a dead job back in the queue.
    func retry(id: Int64) async throws(CommandLineError) {
        let before = try await mappedQueue { try await queue.show(id: id) }
        try await mappedQueue { try await queue.retry(id: id) }
        output("Job \(id) is queued again with its attempts reset; a worker picks it up within seconds.")
        if let deadline = before?.notAfter, deadline <= now {
            output(
                "Note: its deadline passed at \(Self.time(deadline)), so it will expire again instead of running. "
                    + "An expired SMS code cannot be resent; the user asks for a new one.")
        }
    }

    /// Deletes dead jobs that died more than `days` ago.
    func purgeDead(olderThanDays days: Int) async throws(CommandLineError) {
        let count = try await mappedQueue { try await queue.purgeDead(olderThan: .seconds(days * 86_400)) }
        output(
            "Deleted \(count) dead job\(count == 1 ? "" : "s") that died more than \(days) day\(days == 1 ? "" : "s") ago."
        )
    }

    /// The outbound webhook endpoints and whether a 410 Gone disabled them.
    func endpoints() async throws(CommandLineError) {
        let endpoints = WebhookEndpoints(database: application.database, clock: application.clock)
        let disabled = try await mappedQueue { try await endpoints.disabledEndpoints() }
        var table = TextTable(["ENDPOINT", "STATE", "SINCE", "REASON"])
        let names = Set(MessageChannel.allCases.map(\.rawValue)).union(disabled.map { $0.name }).sorted()
        for name in names {
            if let entry = disabled.first(where: { $0.name == name }) {
                table.append([name, "disabled", Self.time(entry.since), entry.reason])
            } else {
                table.append([name, "enabled", "", ""])
            }
        }
        output(table.text)
        if !disabled.isEmpty {
            output("Enable one with 'mandate jobs enable-endpoint NAME', then retry its dead jobs.")
        }
    }

    /// Enables an endpoint a 410 disabled.
    func enableEndpoint(_ name: String) async throws(CommandLineError) {
        let endpoints = WebhookEndpoints(database: application.database, clock: application.clock)
        let disabled = try await mappedQueue { try await endpoints.disabledEndpoints() }
        guard disabled.contains(where: { $0.name == name }) else {
            output("Endpoint '\(name)' is not disabled; nothing to do.")
            return
        }
        try await mappedQueue { try await endpoints.enable(name) }
        output(
            "Endpoint '\(name)' is enabled again. Its dead jobs stay dead: "
                + "find them with 'mandate jobs list --state dead' and retry them with 'mandate jobs retry ID'.")
    }

    /// Runs a queue operation, turning its errors into command-line errors with fitting exit
    /// codes: an unknown id is bad input (65), a refused operation a failure (1).
    @discardableResult
    private func mappedQueue<T>(_ body: () async throws -> T) async throws(CommandLineError) -> T {
        do {
            return try await body()
        } catch let error as JobQueueError {
            switch error.reason {
            case .notFound:
                throw CommandLineError(.dataError, error.message, hint: "List jobs with 'mandate jobs list'.")
            case .invalidState: throw CommandLineError(.failure, error.message)
            default: throw CommandLineError(.software, error.message)
            }
        } catch {
            throw CommandLineError(.software, "\(error)")
        }
    }

    private static func stateText(_ job: JobRecord) -> String {
        guard job.state == .dead, let reason = job.deadReason else { return job.state.rawValue }
        return "dead (\(reason.rawValue))"
    }

    /// `2026-01-01 09:30:05Z`: UTC, to the second.
    private static func time(_ date: Date) -> String {
        String(Timestamp.iso8601(date).prefix(19)).replacingOccurrences(of: "T", with: " ") + "Z"
    }

    private static func truncated(_ text: String, to length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    private static func describe(_ age: Duration) -> String {
        let seconds = Int(age.components.seconds)
        switch seconds {
        case ..<120: return "\(seconds) s"
        case ..<7200: return "\(seconds / 60) min"
        default: return "\(seconds / 3600) h"
        }
    }
}
