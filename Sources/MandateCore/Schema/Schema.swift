public import SQLite
public import Storage

/// The database schema: every migration, in order. MandateCore owns it (DESIGN.md §2).
public enum Schema {
    /// Ordered, named migrations for SQLite; never edit one that has shipped, add a new one (and
    /// its counterpart to `postgresMigrations`).
    public static let migrations: [Migration] =
        AccountsSchema.migrations + OutboxSchema.migrations
        + InboundWebhookSchema.migrations + DevOutboxSchema.migrations + MFASchema.migrations
        + EnforcementSchema.migrations + BillingSchema.migrations + WebSchema.migrations
        + AccountsSchema.permissionMigrations

    /// Ordered, named migrations for PostgreSQL (see `PostgresSchema`).
    public static let postgresMigrations: [Migration] = PostgresSchema.migrations

    /// The migrations of `dialect`.
    public static func migrations(for dialect: SQLDialect) -> [Migration] {
        switch dialect {
        case .sqlite: migrations
        case .postgres: postgresMigrations
        }
    }

    /// The migrator of `dialect`.
    public static func migrator(for dialect: SQLDialect) -> Migrator {
        Migrator(migrations(for: dialect))
    }
}
