import Synchronization

/// The jobs a worker pool is running, so that each gets exactly one completion: the handler's
/// result, or a release when the shutdown deadline passes first, whichever comes first.
final class InFlightJobs: Sendable {
    /// A claim is identified by job id and attempt: the same job claimed again after its lease
    /// expired is a different claim.
    private struct Key: Hashable {
        var id: Int64
        var attempt: Int
    }

    private let jobs = Mutex<[Key: ClaimedJob]>([:])

    /// The number of jobs running.
    var count: Int {
        jobs.withLock { $0.count }
    }

    /// Records `job` as running.
    func insert(_ job: ClaimedJob) {
        jobs.withLock { $0[Key(id: job.id, attempt: job.attempt)] = job }
    }

    /// Removes `job`; true when it was still there, i.e. the caller owns its completion.
    func finish(_ job: ClaimedJob) -> (owned: Bool, remaining: Int) {
        jobs.withLock { jobs in
            let owned = jobs.removeValue(forKey: Key(id: job.id, attempt: job.attempt)) != nil
            return (owned, jobs.count)
        }
    }

    /// Every job running now.
    var all: [ClaimedJob] {
        jobs.withLock { Array($0.values) }
    }

    /// Whether `job` (this claim of it) is still running.
    func contains(_ job: ClaimedJob) -> Bool {
        jobs.withLock { $0[Key(id: job.id, attempt: job.attempt)] != nil }
    }

    /// Removes and returns every job still running (at the shutdown deadline).
    func takeAll() -> [ClaimedJob] {
        jobs.withLock { jobs in
            defer { jobs.removeAll() }
            return Array(jobs.values)
        }
    }
}
