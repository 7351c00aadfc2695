import SQLite
public import Storage

/// The tables of the server-rendered dashboard: the server keys its forms are protected with.
public enum WebSchema {
    /// Ordered, named migrations; never edit one that has shipped, add a new one.
    public static let migrations: [Migration] = [
        Migration(id: "0800_web_secrets", sql: webSecrets)
    ]

    /// One random key per purpose (`csrf`), created on first use and shared by every process on
    /// the database, so that a token minted by one instance verifies on another.
    static let webSecrets = """
        CREATE TABLE web_secrets (
            name TEXT PRIMARY KEY,
            secret BLOB NOT NULL CHECK (length(secret) >= 32),
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """
}
