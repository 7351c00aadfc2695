import CLibPQ

/// Transactions (<https://www.postgresql.org/docs/current/sql-begin.html>) and advisory locks
/// (<https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS>).
extension PostgresConnection {
    /// The isolation level of a transaction
    /// (<https://www.postgresql.org/docs/current/transaction-iso.html>).
    public enum IsolationLevel: Sendable {
        /// PostgreSQL's default: each statement sees the data committed before it began.
        case readCommitted
        /// One snapshot for the whole transaction; conflicting writes fail with `40001`.
        case repeatableRead
        /// As if transactions ran one after another; conflicts fail with `40001`.
        case serializable

        var sql: String {
            switch self {
            case .readCommitted: "READ COMMITTED"
            case .repeatableRead: "REPEATABLE READ"
            case .serializable: "SERIALIZABLE"
            }
        }
    }

    /// Runs `body` inside `BEGIN` … `COMMIT`.
    ///
    /// If `body` throws, the transaction is rolled back and the error rethrown. If a statement
    /// failed inside `body` and `body` caught the error, PostgreSQL has already aborted the
    /// transaction (a `COMMIT` would silently roll back): it is rolled back and an error with
    /// SQLSTATE `25P02` is thrown. Transactions do not nest. A `40001` or `40P01` failure
    /// (``PostgresError/isRetryableTransactionFailure``) means the caller may run the whole
    /// transaction again.
    @discardableResult
    public func transaction<T>(_ isolation: IsolationLevel = .readCommitted, _ body: () throws -> T) throws -> T {
        guard !isInTransaction else {
            throw PostgresError.misuse("a transaction is already open; transactions do not nest")
        }
        try execute("BEGIN ISOLATION LEVEL \(isolation.sql)")
        let value: T
        do {
            value = try body()
        } catch {
            rollbackIfNeeded()
            throw error
        }
        let handle = try openHandle(sql: nil)
        guard PQtransactionStatus(handle) != PQTRANS_INERROR else {
            rollbackIfNeeded()
            throw PostgresError(
                reason: .server, sqlState: .inFailedTransaction,
                message: "a statement of the transaction failed, so it was rolled back instead of committed")
        }
        do {
            try execute("COMMIT")
        } catch {
            rollbackIfNeeded()
            throw error
        }
        return value
    }

    /// Rolls back the open transaction, if any. A failing rollback (say, on a lost connection,
    /// where the server rolls back anyway) must not hide the error that caused it.
    private func rollbackIfNeeded() {
        guard isInTransaction else { return }
        _ = try? execute("ROLLBACK")
    }

    /// Takes the transaction-level advisory lock `key` if no other session holds it
    /// (`pg_try_advisory_xact_lock`); it is released when the transaction ends. Returns whether
    /// the lock was taken; never waits. Call it inside ``transaction(_:_:)``.
    ///
    /// - Throws: ``PostgresError/Reason/misuse`` outside a transaction, where the lock would be
    ///   released as soon as the statement ends.
    public func tryAdvisoryXactLock(key: Int64) throws(PostgresError) -> Bool {
        guard isInTransaction else {
            throw .misuse("tryAdvisoryXactLock needs an open transaction; the lock lasts until it ends")
        }
        return try queryOne("SELECT pg_try_advisory_xact_lock($1)", [.int64(key)])?[0] == .bool(true)
    }

    /// Runs `body` while holding the session-level advisory lock `key`, or returns `nil` without
    /// running it when another session holds the lock (`pg_try_advisory_lock`; never waits). The
    /// lock is released afterwards, also when `body` throws; a lost connection releases it too.
    public func withAdvisoryLock<T>(key: Int64, _ body: () throws -> T) throws -> T? {
        guard try queryOne("SELECT pg_try_advisory_lock($1)", [.int64(key)])?[0] == .bool(true) else {
            return nil
        }
        defer { _ = try? query("SELECT pg_advisory_unlock($1)", [.int64(key)]) }
        return try body()
    }
}
