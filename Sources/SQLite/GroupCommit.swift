/// Runs several queued writes in one transaction: one `BEGIN IMMEDIATE`, each body in its own
/// savepoint, one `COMMIT`, and only then every caller is resumed.
///
/// Concurrent small writes (a service enqueueing one job per request) are bounded by the cost of
/// a commit, not by their SQL; sharing the commit multiplies their throughput, while each caller
/// keeps the guarantees of its own transaction: its body's work is all or nothing (a body that
/// throws is rolled back to its savepoint and gets its error; the others are unaffected), and it
/// is resumed only once that work is durable. A body sees the writes of the bodies before it in
/// the group, exactly as if their transactions had committed just before its own.
///
/// When SQLite rolls back the whole transaction by itself (disk full, I/O error) or the COMMIT
/// fails, every member of the group gets that error, as each would have on its own commit; the
/// jobs after the failure point start a new group.
enum GroupCommit {
    static func run(_ items: [WorkItem], on connection: SQLiteConnection) {
        var remaining = items[...]
        while !remaining.isEmpty {
            do {
                try connection.run(TransactionKind.immediate.beginSQL)
            } catch {
                // No transaction: each job runs on its own and reports its own BEGIN failure.
                for item in remaining { item.perform(on: connection) }
                return
            }
            var members: [any GroupCommitMember] = []
            var transactionLost: (any Error)?
            while let item = remaining.popFirst() {
                guard let member = item.performInGroup(on: connection) else { continue }
                members.append(member)
                if !connection.isInTransaction {
                    transactionLost = SQLiteError.groupCommitRolledBack(cause: member.bodyError)
                    break
                }
            }
            if transactionLost == nil {
                do {
                    try connection.run("COMMIT")
                } catch {
                    transactionLost = error
                    if connection.isInTransaction { _ = try? connection.run("ROLLBACK") }
                }
            }
            for member in members { member.finish(groupError: transactionLost) }
        }
    }
}

extension SQLiteConnection {
    /// ``savepoint(_:_:)`` for one member of a group commit, with constant SQL (no identifier
    /// quoting or statement lookup by a freshly built string on this hot path).
    func groupCommitSavepoint<T>(_ body: () throws -> T) throws -> T {
        try run("SAVEPOINT group_commit_member")
        let value: T
        do {
            value = try body()
        } catch {
            rollbackGroupCommitSavepoint()
            throw error
        }
        do {
            try run("RELEASE group_commit_member")
        } catch {
            rollbackGroupCommitSavepoint()
            throw error
        }
        return value
    }

    private func rollbackGroupCommitSavepoint() {
        guard isInTransaction else { return }
        _ = try? run("ROLLBACK TO group_commit_member")
        _ = try? run("RELEASE group_commit_member")
    }
}

extension SQLiteError {
    /// The error of the writes whose shared transaction SQLite rolled back because of another
    /// member's failure (`SQLITE_FULL`, `SQLITE_IOERR`, …): their work is lost like the failing one's.
    static func groupCommitRolledBack(cause: (any Error)?) -> SQLiteError {
        let base = cause as? SQLiteError
        return SQLiteError(
            reason: base?.reason ?? .other, extendedResultCode: base?.extendedResultCode ?? 1,
            message: "the transaction was rolled back by SQLite during a write of the same group commit: "
                + (base?.message ?? cause.map { "\($0)" } ?? "unknown error"))
    }
}
