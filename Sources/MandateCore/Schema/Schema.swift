public import SQLite

/// The database schema: every migration, in order. MandateCore owns it (DESIGN.md §2).
public enum Schema {
    /// Ordered, named migrations; never edit one that has shipped, add a new one.
    public static let migrations: [Migration] =
        AccountsSchema.migrations + OutboxSchema.migrations
        + InboundWebhookSchema.migrations + DevOutboxSchema.migrations + MFASchema.migrations
        + EnforcementSchema.migrations + BillingSchema.migrations + WebSchema.migrations
        + AccountsSchema.permissionMigrations

    /// The migrator for `migrations`.
    public static let migrator = Migrator(migrations)
}
