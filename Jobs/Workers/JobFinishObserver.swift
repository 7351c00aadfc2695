public import Foundation
import SQLite
public import Storage

/// A handler whose jobs have records that must follow them (a message's delivery status).
///
/// A separate protocol rather than a default no-op, so that jobs of other kinds cost nothing
/// extra when they finish.
public protocol JobFinishObserver: JobHandler {
    /// Called inside the transaction that moves a job of this kind to `succeeded` or `dead`, so
    /// that records depending on it commit together with it. Keep it to a few SQL statements; it
    /// runs in a savepoint, and an error is logged and undone without stopping the job from
    /// finishing.
    ///
    /// On PostgreSQL that transaction is `READ COMMITTED` (see
    /// ``JobQueue/claim(owner:limit:leaseDuration:handlers:housekeeping:)``): a hook that reads a
    /// row and then writes it must make the write conditional on what it read (or lock the row
    /// first), since another transaction may change the row in between.
    func jobDidFinish(_ job: FinishedJob, on connection: Connection, now: Date) throws
}
