import Dispatch
import Foundation
import Postgres
import Synchronization

/// A fixed number of PostgreSQL connections, each confined to its own serial dispatch queue
/// (libpq calls block, so they never run on Swift's cooperative pool).
///
/// A caller waits for an idle slot, runs its whole job there (one transaction, or one read), and
/// hands the slot back. Connections open lazily and reopen after the server dropped them; a job
/// that finds its connection lost is retried once on a new one when it is a read, or a write that
/// had not begun its transaction yet. Writes run in a transaction at the requested
/// ``WriteIsolation`` and are retried from the start, with jittered back-off, when PostgreSQL
/// reports a serialization failure or deadlock (40001, 40P01): the body must do nothing but
/// database work, which every store's body does.
final class PostgresPool: Sendable {
    enum Job {
        case read
        case write(WriteIsolation)
        case withoutTransaction
    }

    /// One connection and the queue it lives on.
    final class Slot: @unchecked Sendable {
        // @unchecked: `session` is touched only on `queue`.
        let queue: DispatchQueue
        var session: PostgresSession?

        init(index: Int) {
            queue = DispatchQueue(label: "postgres-\(index)")
        }
    }

    private struct State {
        var idle: [Slot]
        var waiters: [CheckedContinuation<Slot?, Never>] = []
        var isClosed = false
    }

    let url: String
    let size: Int
    let connectTimeout: Duration
    private let slots: [Slot]
    private let state: Mutex<State>

    /// The most attempts of a write that keeps meeting serialization failures.
    static let maximumWriteAttempts = 30

    /// Opens the first connection at once, so a wrong URL or an unreachable server is reported
    /// here rather than on the first request.
    init(url: String, size: Int, connectTimeout: Duration = .seconds(5)) throws {
        guard size >= 1 else {
            throw StorageError("a PostgreSQL pool needs at least one connection (size is \(size))")
        }
        self.url = url
        self.size = size
        self.connectTimeout = connectTimeout
        let slots = (0..<size).map { Slot(index: $0 + 1) }
        slots[0].session = PostgresSession(connection: try PostgresConnection(url, connectTimeout: connectTimeout))
        self.slots = slots
        state = Mutex(State(idle: slots.reversed()))
    }

    /// Runs `body` on an idle connection.
    func perform<T: Sendable>(_ job: Job, _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        guard let slot = await acquire() else { throw Self.closedError }
        defer { release(slot) }
        return try await withCheckedThrowingContinuation { continuation in
            slot.queue.async {
                continuation.resume(with: Result { try self.run(job, body, on: slot) })
            }
        }
    }

    /// ``perform(_:_:)`` for synchronous callers (command-line tools): blocks the calling thread.
    func performBlocking<T: Sendable>(_ job: Job, _ body: @escaping @Sendable (Connection) throws -> T) throws -> T {
        let slot = try acquireBlocking()
        defer { release(slot) }
        return try slot.queue.sync { try self.run(job, body, on: slot) }
    }

    /// Refuses new jobs and closes every connection once its current job is done.
    func close() {
        let waiters = state.withLock { state -> [CheckedContinuation<Slot?, Never>] in
            state.isClosed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: nil) }
        for slot in slots {
            slot.queue.sync {
                slot.session?.connection.close()
                slot.session = nil
            }
        }
    }

    var isClosed: Bool { state.withLock { $0.isClosed } }

    private static let closedError = StorageError("the database has been closed")

    private func acquire() async -> Slot? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Slot?, Never>) in
            let slot = state.withLock { state -> Slot?? in
                if state.isClosed { return .some(nil) }
                if let slot = state.idle.popLast() { return .some(slot) }
                state.waiters.append(continuation)
                return nil
            }
            if let slot { continuation.resume(returning: slot) }
        }
    }

    private func acquireBlocking() throws -> Slot {
        while true {
            let slot = state.withLock { state -> Slot?? in
                if state.isClosed { return .some(nil) }
                return state.idle.popLast().map { .some($0) }
            }
            switch slot {
            case .some(.some(let slot)): return slot
            case .some(.none): throw Self.closedError
            case .none: usleep(1_000)
            }
        }
    }

    private func release(_ slot: Slot) {
        let waiter = state.withLock { state -> CheckedContinuation<Slot?, Never>? in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.idle.append(slot)
            return nil
        }
        waiter?.resume(returning: slot)
    }

    /// Runs on `slot.queue`.
    private func run<T>(_ job: Job, _ body: (Connection) throws -> T, on slot: Slot) throws -> T {
        var attempt = 0
        var reconnected = false
        while true {
            attempt += 1
            let session = try openSession(slot)
            let connection = Connection(postgres: session)
            var bodyStarted = false
            session.lastFailure = nil
            do {
                switch job {
                case .read, .withoutTransaction:
                    bodyStarted = true
                    return try body(connection)
                case .write(let isolation):
                    return try session.connection.transaction(isolation.postgres) {
                        bodyStarted = true
                        return try body(connection)
                    }
                }
            } catch let error as PostgresError where error.reason == .connectionLost {
                slot.session = nil
                // The server dropped the connection while it sat idle (a restart, a terminated
                // backend): a write that failed at BEGIN has done nothing, and a read can simply be
                // asked again, on a new connection. Once a write's body ran, whether it committed is
                // unknown.
                let isRead = if case .read = job { true } else { false }
                guard !reconnected, isRead || !bodyStarted else { throw error }
                reconnected = true
            } catch {
                // A serialization failure or deadlock, thrown as it is or wrapped by a store in its
                // own error type (the session remembers the statement's failure): the transaction
                // was rolled back, so the whole write runs again.
                let isRetryable =
                    (error as? PostgresError)?.isRetryableTransactionFailure == true
                    || session.lastFailure?.isRetryableTransactionFailure == true
                guard isRetryable, case .write = job, attempt < Self.maximumWriteAttempts else { throw error }
                // Jittered exponential back-off: 1, 2, 4 … ms, at most 128 ms.
                let ceiling = UInt32(1_000 << min(attempt - 1, 7))
                usleep(ceiling / 2 + UInt32.random(in: 0...(ceiling / 2)))
            }
        }
    }

    private func openSession(_ slot: Slot) throws -> PostgresSession {
        if let session = slot.session, session.connection.isOpen { return session }
        let session = PostgresSession(connection: try PostgresConnection(url, connectTimeout: connectTimeout))
        slot.session = session
        return session
    }
}

extension WriteIsolation {
    var postgres: PostgresConnection.IsolationLevel {
        switch self {
        case .serializable: .serializable
        case .readCommitted: .readCommitted
        }
    }
}
