import SQLite
import Storage

/// Tenants, users, groups, sessions, invitations, API keys and the audit log.
/// Times are INTEGER milliseconds since 1970 (UTC).
enum AccountsSchema {
    static let migrations: [Migration] = [
        Migration(
            id: "0001_tenants_users_groups",
            sql: """
                CREATE TABLE tenants (
                    id TEXT PRIMARY KEY,
                    slug TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    plan TEXT NOT NULL,
                    subscription_status TEXT NOT NULL
                        CHECK (subscription_status IN ('active', 'trialing', 'past_due', 'canceled')),
                    trial_ends_at INTEGER,
                    time_zone TEXT NOT NULL DEFAULT 'UTC',
                    password_min_length INTEGER NOT NULL DEFAULT 8 CHECK (password_min_length BETWEEN 8 AND 128),
                    lockout_threshold INTEGER NOT NULL DEFAULT 10 CHECK (lockout_threshold BETWEEN 3 AND 100),
                    session_idle_minutes INTEGER NOT NULL DEFAULT 30 CHECK (session_idle_minutes BETWEEN 5 AND 1440),
                    session_absolute_hours INTEGER NOT NULL DEFAULT 12 CHECK (session_absolute_hours BETWEEN 1 AND 720),
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );

                CREATE TABLE users (
                    id TEXT PRIMARY KEY,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    email TEXT NOT NULL,
                    name TEXT NOT NULL DEFAULT '',
                    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
                    status TEXT NOT NULL CHECK (status IN ('invited', 'active', 'suspended')),
                    auth_source TEXT NOT NULL DEFAULT 'local' CHECK (auth_source IN ('local', 'sso')),
                    password_hash TEXT,
                    password_changed_at INTEGER,
                    failed_attempts INTEGER NOT NULL DEFAULT 0,
                    locked_until INTEGER,
                    last_sign_in_at INTEGER,
                    activated_at INTEGER,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    UNIQUE (tenant_id, email)
                );
                CREATE INDEX users_by_tenant_status ON users (tenant_id, status);

                CREATE TABLE user_groups (
                    id TEXT PRIMARY KEY,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '',
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    UNIQUE (tenant_id, name)
                );

                CREATE TABLE group_members (
                    group_id TEXT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    added_at INTEGER NOT NULL,
                    PRIMARY KEY (group_id, user_id)
                );
                CREATE INDEX group_members_by_user ON group_members (user_id);
                """),
        Migration(
            id: "0002_sessions_invitations_api_keys",
            sql: """
                CREATE TABLE sessions (
                    id TEXT PRIMARY KEY,
                    token_hash BLOB NOT NULL UNIQUE,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL CHECK (kind IN ('browser', 'api')),
                    scope TEXT NOT NULL CHECK (scope IN ('full', 'mfa_setup')),
                    csrf_token TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    last_seen_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    authenticated_at INTEGER NOT NULL,
                    ip TEXT,
                    user_agent TEXT
                );
                CREATE INDEX sessions_by_user ON sessions (user_id);

                CREATE TABLE invitations (
                    id TEXT PRIMARY KEY,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    token_hash BLOB NOT NULL UNIQUE,
                    invited_by TEXT,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    accepted_at INTEGER,
                    revoked_at INTEGER
                );
                CREATE INDEX invitations_by_user ON invitations (user_id);

                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    token_hash BLOB NOT NULL UNIQUE,
                    display_prefix TEXT NOT NULL,
                    created_by TEXT,
                    created_at INTEGER NOT NULL,
                    last_used_at INTEGER,
                    revoked_at INTEGER
                );
                CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id);
                """),
        Migration(
            id: "0003_audit_events",
            sql: """
                CREATE TABLE audit_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    tenant_id TEXT,
                    occurred_at INTEGER NOT NULL,
                    actor_type TEXT NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system', 'billing', 'anonymous')),
                    actor_id TEXT,
                    actor_label TEXT,
                    action TEXT NOT NULL,
                    target_type TEXT,
                    target_id TEXT,
                    target_label TEXT,
                    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
                    details TEXT NOT NULL DEFAULT '{}',
                    ip TEXT
                );
                CREATE INDEX audit_events_by_tenant ON audit_events (tenant_id, id);
                CREATE INDEX audit_events_by_tenant_action ON audit_events (tenant_id, action, id);
                CREATE INDEX audit_events_by_tenant_target ON audit_events (tenant_id, target_id, id);
                CREATE INDEX audit_events_by_tenant_actor ON audit_events (tenant_id, actor_id, id);

                -- The audit log is append-only: no row is ever changed or removed.
                CREATE TRIGGER audit_events_are_immutable BEFORE UPDATE ON audit_events
                BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
                CREATE TRIGGER audit_events_are_permanent BEFORE DELETE ON audit_events
                BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
                """),
    ]

    /// Read-only admins (issue 8): an admin's `manageUsers` permission, on by default so that every
    /// existing admin keeps it.
    static let permissionMigrations: [Migration] = [
        Migration(
            id: "0900_user_manage_users",
            sql: """
                ALTER TABLE users ADD COLUMN manage_users INTEGER NOT NULL DEFAULT 1 CHECK (manage_users IN (0, 1));
                """)
    ]
}
