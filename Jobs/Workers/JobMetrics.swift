public import Lifecycle

/// The job metrics, registered in the process's ``Lifecycle/MetricsRegistry``:
///
/// - `mandate_jobs_queued` (gauge, computed at scrape time): queued jobs;
/// - `mandate_jobs_oldest_queued_age_seconds` (gauge, at scrape time): how long the most
///   overdue queued job has been due;
/// - `mandate_job_deliveries_total{kind, outcome}` (counter): results written by this process,
///   `outcome` one of `delivered`, `retried`, `failed` (permanent, dead-lettered), `expired`
///   (deadline passed, dead-lettered), `dead` (attempts used up, dead-lettered).
public final class JobMetrics: Sendable {
    /// The outcome label values.
    public enum Outcome: String, Sendable, CaseIterable {
        /// The job succeeded.
        case delivered
        /// The job was scheduled for another attempt.
        case retried
        /// A permanent failure (or an unknown kind) dead-lettered it.
        case failed
        /// Its deadline passed: dead-lettered as expired.
        case expired
        /// It used up its attempts: dead-lettered.
        case dead
    }

    /// `mandate_job_deliveries_total`.
    public let deliveries: CounterFamily

    /// Registers the metrics of `queue` in `registry`.
    public init(registry: MetricsRegistry, queue: JobQueue) {
        deliveries = registry.counter(
            "mandate_job_deliveries_total", help: "Job results recorded, by kind and outcome.",
            labelNames: ["kind", "outcome"])
        registry.addCollector { [queue] in
            guard let depth = try? await queue.depth() else { return [] }
            return [
                .gauge("mandate_jobs_queued", help: "Jobs waiting in the queue.", value: Double(depth.queued)),
                .gauge(
                    "mandate_jobs_oldest_queued_age_seconds",
                    help: "How long the most overdue queued job has been due.",
                    value: depth.oldestQueuedAge.map { Double($0.components.seconds) } ?? 0),
            ]
        }
    }

    /// Counts one result.
    public func record(_ outcome: Outcome, kind: String) {
        deliveries.increment([kind, outcome.rawValue])
    }

    /// Counts a resolution written for a job of `kind` (releases are not results and are not
    /// counted).
    func record(_ resolution: JobCompletion.Resolution, kind: String) {
        switch resolution {
        case .succeeded: record(.delivered, kind: kind)
        case .retry: record(.retried, kind: kind)
        case .dead(.expired, _): record(.expired, kind: kind)
        case .dead(.exhausted, _): record(.dead, kind: kind)
        case .dead(.failed, _), .dead(.unknownKind, _): record(.failed, kind: kind)
        case .release: break
        }
    }
}
