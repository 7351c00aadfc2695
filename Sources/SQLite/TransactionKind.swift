/// How a transaction takes its locks (<https://www.sqlite.org/lang_transaction.html>).
public enum TransactionKind: Sendable, Hashable {
    /// `BEGIN DEFERRED`: no lock until the first read or write. A deferred transaction that reads
    /// and then writes can fail with `SQLITE_BUSY` without the busy timeout helping, so writers
    /// should use ``immediate``.
    case deferred
    /// `BEGIN IMMEDIATE`: takes the write lock at once, waiting up to the busy timeout. In WAL mode
    /// readers are not blocked. This is the default for writes.
    case immediate
    /// `BEGIN EXCLUSIVE`: in WAL mode the same as ``immediate``.
    case exclusive

    /// The statement that starts the transaction.
    var beginSQL: String {
        switch self {
        case .deferred: "BEGIN DEFERRED"
        case .immediate: "BEGIN IMMEDIATE"
        case .exclusive: "BEGIN EXCLUSIVE"
        }
    }
}
