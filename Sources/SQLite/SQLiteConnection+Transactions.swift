/// Transactions and savepoints (<https://www.sqlite.org/lang_transaction.html>,
/// <https://www.sqlite.org/lang_savepoint.html>).
extension SQLiteConnection {
    /// Runs `body` inside `BEGIN <kind>` … `COMMIT`.
    ///
    /// If `body` throws, the transaction is rolled back and the original error is rethrown. If
    /// `COMMIT` fails, the transaction is rolled back and the commit error thrown. Transactions do
    /// not nest: inside one, use ``savepoint(_:_:)``.
    @discardableResult
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try run(kind.beginSQL)
        let value: T
        do {
            value = try body()
        } catch {
            rollbackIfNeeded()
            throw error
        }
        do {
            try run("COMMIT")
        } catch {
            rollbackIfNeeded()
            throw error
        }
        return value
    }

    /// Runs `body` inside `SAVEPOINT name` … `RELEASE name`, which nests inside transactions and
    /// other savepoints. If `body` throws, everything since the savepoint is rolled back and the
    /// original error rethrown; the enclosing transaction stays open. Outside a transaction a
    /// savepoint behaves like `BEGIN DEFERRED` … `COMMIT`.
    @discardableResult
    public func savepoint<T>(_ name: String, _ body: () throws -> T) throws -> T {
        let identifier = Self.quotedIdentifier(name)
        try run("SAVEPOINT \(identifier)")
        let value: T
        do {
            value = try body()
        } catch {
            rollback(toSavepoint: identifier)
            throw error
        }
        do {
            try run("RELEASE \(identifier)")
        } catch {
            rollback(toSavepoint: identifier)
            throw error
        }
        return value
    }

    /// Rolls back the open transaction, if SQLite has not already done so itself (it does after
    /// some errors, e.g. `SQLITE_FULL`). A failing rollback must not hide the error that caused it.
    private func rollbackIfNeeded() {
        guard isInTransaction else { return }
        _ = try? run("ROLLBACK")
    }

    /// `ROLLBACK TO` undoes the work but keeps the savepoint on the stack; `RELEASE` pops it.
    private func rollback(toSavepoint identifier: String) {
        guard isInTransaction else { return }
        _ = try? run("ROLLBACK TO \(identifier)")
        _ = try? run("RELEASE \(identifier)")
    }

    /// `name` as an SQL identifier: in double quotes, embedded quotes doubled.
    static func quotedIdentifier(_ name: String) -> String {
        var quoted = "\""
        for character in name {
            if character == "\"" { quoted.append("\"") }
            quoted.append(character)
        }
        quoted.append("\"")
        return quoted
    }
}
