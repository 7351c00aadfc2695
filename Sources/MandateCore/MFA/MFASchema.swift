import SQLite
import Storage

/// MFA factors, recovery codes, sign-in challenges and SMS codes (DESIGN.md §3 "MFA factors").
enum MFASchema {
    static let migrations: [Migration] = [
        Migration(
            id: "0200_mfa_factors",
            sql: """
                -- The SMS country allow-list: calling codes without '+', comma-separated; empty = any.
                ALTER TABLE tenants ADD COLUMN sms_country_codes TEXT NOT NULL DEFAULT '';

                -- At most one pending and one active factor of each kind per user. A pending factor
                -- becomes active after one valid code; a new enrollment replaces the pending one.
                CREATE TABLE mfa_factors (
                    id TEXT PRIMARY KEY,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL CHECK (kind IN ('totp', 'sms')),
                    state TEXT NOT NULL CHECK (state IN ('pending', 'active')),
                    totp_secret BLOB,
                    phone_number TEXT,
                    last_used_step INTEGER,
                    created_at INTEGER NOT NULL,
                    activated_at INTEGER,
                    last_used_at INTEGER,
                    UNIQUE (user_id, kind, state)
                );
                CREATE INDEX mfa_factors_by_tenant ON mfa_factors (tenant_id, user_id);

                -- Recovery codes: only a salted SHA-256 of each is kept; used ones keep their row.
                CREATE TABLE recovery_codes (
                    id INTEGER PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    code_hash BLOB NOT NULL,
                    created_at INTEGER NOT NULL,
                    used_at INTEGER
                );
                CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);

                -- A sign-in attempt whose password was right and that waits for a second factor.
                CREATE TABLE mfa_challenges (
                    id TEXT PRIMARY KEY,
                    token_hash BLOB NOT NULL UNIQUE,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    session_kind TEXT NOT NULL CHECK (session_kind IN ('browser', 'api')),
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    completed_at INTEGER,
                    ip TEXT,
                    user_agent TEXT
                );
                CREATE INDEX mfa_challenges_by_user ON mfa_challenges (user_id);
                CREATE INDEX mfa_challenges_by_expiry ON mfa_challenges (expires_at);

                -- Every SMS code sent: bound to one challenge or one enrollment (`binding`), stored
                -- as a salted SHA-256 only; the rows also count sends for the anti-abuse limits.
                CREATE TABLE sms_codes (
                    id TEXT PRIMARY KEY,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    purpose TEXT NOT NULL CHECK (purpose IN ('sign_in', 'enrollment')),
                    binding TEXT NOT NULL,
                    phone_number TEXT NOT NULL,
                    salt BLOB NOT NULL,
                    code_hash BLOB NOT NULL,
                    message_id TEXT,
                    failed_attempts INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    consumed_at INTEGER,
                    superseded_at INTEGER
                );
                CREATE INDEX sms_codes_by_binding ON sms_codes (binding, created_at);
                CREATE INDEX sms_codes_by_user ON sms_codes (user_id, created_at);
                CREATE INDEX sms_codes_by_phone ON sms_codes (phone_number, created_at);
                CREATE INDEX sms_codes_by_tenant ON sms_codes (tenant_id, created_at);
                CREATE INDEX sms_codes_by_time ON sms_codes (created_at);

                -- A finished SMS delivery job forgets its text: the job payload is the only clear
                -- copy of a one-time code, and only for as long as it may still be delivered.
                CREATE TRIGGER jobs_forget_sms_text AFTER UPDATE OF state ON jobs
                WHEN NEW.kind = 'sms.send' AND NEW.state IN ('succeeded', 'dead')
                BEGIN
                    UPDATE jobs SET payload = json_set(payload, '$.body', '[erased]') WHERE id = NEW.id;
                END;
                """)
    ]
}
