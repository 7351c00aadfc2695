import SQLite
import Storage

/// Billing (DESIGN.md §3 "Plans and entitlements", §4 `POST /webhooks/billing`): the state the
/// billing webhooks keep on `tenants`, every received event with its outcome, and the snapshot of
/// enforcement lifted by a downgrade so that an upgrade can offer to restore it.
enum BillingSchema {
    static let migrations: [Migration] = [Migration(id: "0400_billing", sql: billing)]

    private static let billing = """
        -- The `timestamp` of the last billing event applied: an older event changes nothing.
        ALTER TABLE tenants ADD COLUMN billing_event_at INTEGER;
        -- While `past_due`, the plan is kept until then (set when the subscription became past due).
        ALTER TABLE tenants ADD COLUMN past_due_grace_ends_at INTEGER;
        -- Users' own requirements set at or before this instant were lifted by a downgrade: they stay
        -- stored (so a restore can bring them back) but no longer apply. Lifting writes one row.
        ALTER TABLE tenants ADD COLUMN mfa_user_lifted_at INTEGER;

        -- Every request to /webhooks/billing with what became of it. `tenant_id` is set only for
        -- events whose signature verified (an unauthenticated body names nobody).
        CREATE TABLE billing_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            webhook_id TEXT,
            tenant_id TEXT REFERENCES tenants(id) ON DELETE CASCADE,
            type TEXT,
            occurred_at INTEGER,
            received_at INTEGER NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'duplicate', 'stale', 'rejected')),
            reason TEXT,
            plan TEXT,
            status TEXT,
            detail TEXT
        );
        CREATE INDEX billing_events_by_tenant ON billing_events (tenant_id, id);
        CREATE INDEX billing_events_received ON billing_events (received_at);

        -- The enforcement a downgrade lifted (JSON, see EnforcementSnapshot), until restored.
        CREATE TABLE mfa_enforcement_snapshots (
            tenant_id TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
            taken_at INTEGER NOT NULL,
            reason TEXT NOT NULL,
            from_plan TEXT NOT NULL,
            to_plan TEXT NOT NULL,
            config TEXT NOT NULL
        );

        -- A downgrade counts users' own requirements (covering: no user row is read) and finds the admins to email
        -- without reading the whole tenant.
        CREATE INDEX users_mfa_required ON users (tenant_id, mfa_required_at, mfa_required) WHERE mfa_required = 1;
        CREATE INDEX users_admins ON users (tenant_id, role) WHERE role IN ('owner', 'admin');
        """
}
