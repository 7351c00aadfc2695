import Foundation

/// Runs a one-off blocking job (reading files at start-up, say) on a new thread and awaits it,
/// so that it never occupies one of the cooperative pool's few threads. For repeated blocking
/// work use a `BlockingPool`, which bounds threads and queueing.
public func runOffPool<T: Sendable, Failure: Error>(_ work: @escaping @Sendable () throws(Failure) -> T)
    async throws(Failure) -> T
{
    let result: Result<T, Failure> = await withCheckedContinuation { continuation in
        let thread = Thread {
            continuation.resume(returning: Result { () throws(Failure) -> T in try work() })
        }
        thread.name = "mandate-offpool"
        thread.start()
    }
    return try result.get()
}
