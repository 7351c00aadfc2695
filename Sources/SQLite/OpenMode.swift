import CSQLite

/// How a ``SQLiteConnection`` opens its database file.
public enum OpenMode: Sendable, Hashable {
    /// Read only; the file must exist. Writes fail with ``SQLiteError/Reason/readOnly``.
    case readOnly
    /// Read and write; the file must exist.
    case readWrite
    /// Read and write, creating the file when it does not exist.
    case readWriteCreate

    /// Whether the connection may write.
    public var isWritable: Bool { self != .readOnly }

    /// The `sqlite3_open_v2` flags for this mode.
    var openFlags: Int32 {
        switch self {
        case .readOnly: SQLITE_OPEN_READONLY
        case .readWrite: SQLITE_OPEN_READWRITE
        case .readWriteCreate: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
    }
}
