import Dispatch
import Foundation

/// Runs blocking work (such as scrypt) on a freshly started thread instead of Swift's cooperative
/// thread pool, and resumes the awaiting task when it finishes.
///
/// The cooperative pool has only as many threads as there are cores; a half-second scrypt on it would
/// stall every other task of the server for that long.
public enum DedicatedThread {
    /// Bounds how many jobs run at once, because each scrypt at `.owasp` holds 128 MiB: a burst of
    /// logins queues here (in their own threads, not on the cooperative pool) instead of multiplying
    /// memory use. One slot per core is enough since the work is CPU-bound.
    private static let slots = DispatchSemaphore(value: max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// Runs `work` on a new thread, at most one job per core at a time, and returns its result.
    public static func run<Value: Sendable, Failure: Error>(
        _ work: @escaping @Sendable () throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        let result: Result<Value, Failure> = await withCheckedContinuation { continuation in
            let thread = Thread {
                slots.wait()
                let outcome = Result { () throws(Failure) -> Value in try work() }
                slots.signal()
                continuation.resume(returning: outcome)
            }
            thread.name = "mandate.crypto.blocking"
            thread.start()
        }
        return try result.get()
    }
}
