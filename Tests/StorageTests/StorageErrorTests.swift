import Postgres
import SQLite
import Storage
import Testing

@Suite("Database errors in an operator's words")
struct StorageErrorTests {
    @Test("the engines' messages without the Swift type; PostgreSQL's detail and SQLSTATE stay")
    func operatorMessages() {
        let refused = PostgresError(
            reason: .connectionFailed, message: "cannot connect to PostgreSQL (host db, port 5432): refused")
        #expect(StorageError.operatorMessage(refused) == "cannot connect to PostgreSQL (host db, port 5432): refused")
        #expect("\(refused)".hasPrefix("PostgresError(connectionFailed): "))

        let denied = PostgresError(
            reason: .server, sqlState: SQLState(rawValue: "42501"), message: "permission denied for schema public",
            detail: "owner is postgres", sql: "CREATE TABLE t (x INT)")
        #expect(
            StorageError.operatorMessage(denied)
                == "permission denied for schema public (owner is postgres) [SQLSTATE 42501]")

        let locked = SQLiteError(reason: .busy, extendedResultCode: 5, message: "database is locked")
        #expect(StorageError.operatorMessage(locked) == "database is locked")

        let wrapped = StorageError("migration 0002 failed", underlying: locked)
        #expect(StorageError.operatorMessage(wrapped) == "migration 0002 failed: database is locked")
        #expect(StorageError.operatorMessage(StorageError("no such migration")) == "no such migration")
    }
}
