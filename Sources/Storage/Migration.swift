/// One named, ordered schema change, applied at most once per database by a ``Migrator``.
///
/// `apply` runs inside the migrator's transaction, so it must not start or end transactions
/// itself. Each engine has its own list (its SQL is written in that engine's dialect).
public struct Migration: Sendable {
    /// The unique, stable name recorded in `schema_migrations`, e.g. `"0001_tenants"`.
    public let id: String
    /// The change; throwing rolls the migration back and stops the run.
    public let apply: @Sendable (Connection) throws -> Void

    /// A migration performed by Swift code.
    public init(id: String, apply: @escaping @Sendable (Connection) throws -> Void) {
        self.id = id
        self.apply = apply
    }

    /// A migration performed by an SQL script (several statements allowed, no parameters).
    public init(id: String, sql: String) {
        self.id = id
        self.apply = { connection in try connection.execute(sql) }
    }
}
