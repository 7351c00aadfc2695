import Dispatch
import Synchronization

/// A unit of work run by a ``WorkerPool`` thread on that thread's connection.
///
/// A class hierarchy instead of a closure: one allocation per job holds the body, the result
/// hand-off and the cancellation state.
class WorkItem: @unchecked Sendable {
    // @unchecked: the base class has no stored state; subclasses document their own safety.

    /// Runs the job on the worker thread that owns `connection`. The base does nothing.
    func perform(on connection: SQLiteConnection) {}

    /// Whether the job may share one transaction with neighbouring jobs (group commit): true for
    /// async writes (`BEGIN IMMEDIATE`), whose callers only learn the result after the commit.
    var joinsGroupCommit: Bool { false }

    /// Group commit, first half: runs the job's body inside the transaction the pool opened for
    /// the group, in a savepoint of its own (so a body that throws undoes only its own work).
    /// Returns the member to finish after the group's COMMIT, or nil when the job was cancelled
    /// while queued (its caller has already been resumed). The base runs nothing.
    func performInGroup(on connection: SQLiteConnection) -> (any GroupCommitMember)? { nil }
}

/// One job of a group commit whose body has run and whose caller waits for the COMMIT.
protocol GroupCommitMember {
    /// The error the body threw, if it did.
    var bodyError: (any Error)? { get }
    /// Resumes the caller: with the body's result when `groupError` is nil, otherwise with the
    /// body's own error if it threw, else with `groupError` (the COMMIT failed, or the whole
    /// transaction was rolled back).
    func finish(groupError: (any Error)?)
}

/// Runs `body`, inside a transaction when `transaction` is set.
private func run<T>(
    _ body: @Sendable (SQLiteConnection) throws -> T, transaction: TransactionKind?, on connection: SQLiteConnection
) throws -> T {
    guard let transaction else { return try body(connection) }
    return try connection.transaction(transaction) { try body(connection) }
}

/// The states of an ``AsyncWorkItem``: created → armed (continuation installed, job queued) →
/// claimed (by the worker that runs it, or by cancellation); or created → cancelled before arming.
private enum AsyncWorkState {
    static let created: UInt8 = 0
    static let armed: UInt8 = 1
    static let cancelledBeforeArming: UInt8 = 2
    static let claimed: UInt8 = 3
}

/// A job awaited by an async caller through an `UnsafeContinuation`.
///
/// Exactly one resume is guaranteed by the `state` machine: the continuation is resumed only by
/// whoever wins the compare-exchange out of `armed` (the worker that starts the job, or the
/// cancellation handler while the job is still queued), or by ``arm(_:)`` itself when the task
/// was cancelled before the continuation existed. A job that has started always runs to the end
/// and reports its own result, so cancellation cannot leave half-done work or a lost answer.
final class AsyncWorkItem<T: Sendable>: WorkItem, @unchecked Sendable {
    // @unchecked: `continuation` is written once in `arm` before `state` is published with
    // release ordering, and afterwards read only by the single thread that wins the acquiring
    // compare-exchange on `state`; `body` and `transaction` are immutable.

    private let body: @Sendable (SQLiteConnection) throws -> T
    private let transaction: TransactionKind?
    private var continuation: UnsafeContinuation<T, any Error>?
    private let state = Atomic<UInt8>(AsyncWorkState.created)

    init(transaction: TransactionKind?, body: @escaping @Sendable (SQLiteConnection) throws -> T) {
        self.body = body
        self.transaction = transaction
    }

    /// Installs the continuation. Returns `false` when the task was cancelled first; the caller
    /// then resumes the continuation itself and must not enqueue the job.
    func arm(_ continuation: UnsafeContinuation<T, any Error>) -> Bool {
        self.continuation = continuation
        return transition(from: AsyncWorkState.created, to: AsyncWorkState.armed)
    }

    /// Cancellation handler: resumes with `CancellationError` if the job has not started yet.
    func cancel() {
        if transition(from: AsyncWorkState.created, to: AsyncWorkState.cancelledBeforeArming) {
            return  // `arm` will see the cancellation and resume.
        }
        resumeIfUnclaimed(with: .failure(CancellationError()))
    }

    /// Resumes with `result` unless the job was already claimed (used when enqueueing fails).
    func resumeIfUnclaimed(with result: Result<T, any Error>) {
        guard let continuation = claim() else { return }
        continuation.resume(with: result)
    }

    /// Takes the continuation if this caller wins the race out of `armed`; `nil` otherwise.
    private func claim() -> UnsafeContinuation<T, any Error>? {
        guard transition(from: AsyncWorkState.armed, to: AsyncWorkState.claimed) else { return nil }
        defer { continuation = nil }
        return continuation
    }

    private func transition(from expected: UInt8, to desired: UInt8) -> Bool {
        state.compareExchange(expected: expected, desired: desired, ordering: .acquiringAndReleasing).exchanged
    }

    override func perform(on connection: SQLiteConnection) {
        // Skips jobs whose caller was cancelled while they waited in the queue.
        guard let continuation = claim() else { return }
        do {
            continuation.resume(returning: try run(body, transaction: transaction, on: connection))
        } catch {
            continuation.resume(throwing: error)
        }
    }

    override var joinsGroupCommit: Bool { transaction == .immediate }

    override func performInGroup(on connection: SQLiteConnection) -> (any GroupCommitMember)? {
        guard let continuation = claim() else { return nil }
        let result = Result { try connection.groupCommitSavepoint { try body(connection) } }
        return AsyncGroupCommitMember(continuation: continuation, result: result)
    }
}

/// The caller of an ``AsyncWorkItem`` that ran in a group commit, waiting for the COMMIT.
private struct AsyncGroupCommitMember<T: Sendable>: GroupCommitMember {
    let continuation: UnsafeContinuation<T, any Error>
    let result: Result<T, any Error>

    var bodyError: (any Error)? {
        if case .failure(let error) = result { return error }
        return nil
    }

    func finish(groupError: (any Error)?) {
        if let groupError, bodyError == nil {
            continuation.resume(throwing: groupError)
        } else {
            continuation.resume(with: result)
        }
    }
}

/// A job whose caller blocks its own thread until the result is ready.
final class BlockingWorkItem<T: Sendable>: WorkItem, @unchecked Sendable {
    // @unchecked: `result` is written by the worker thread before `done.signal()` and read by the
    // waiting thread only after `done.wait()` returns; the semaphore orders the two.

    private let body: @Sendable (SQLiteConnection) throws -> T
    private let transaction: TransactionKind?
    private var result: Result<T, any Error>?
    private let done = DispatchSemaphore(value: 0)

    init(transaction: TransactionKind?, body: @escaping @Sendable (SQLiteConnection) throws -> T) {
        self.body = body
        self.transaction = transaction
    }

    override func perform(on connection: SQLiteConnection) {
        result = Result { try run(body, transaction: transaction, on: connection) }
        done.signal()
    }

    /// Blocks until ``perform(on:)`` has run, then returns its result.
    func waitForResult() throws -> T {
        done.wait()
        guard let result else {
            throw SQLiteError.misuse("internal error: a blocking database job finished without a result")
        }
        return try result.get()
    }
}
