import SQLite
import Storage

/// Enforcement settings (DESIGN.md §3 "Enforcement"): the organization's requirement on `tenants`,
/// each user's own requirement and exemption on `users`, group policies, and the record of
/// enforcement notices sent (each exactly once per user, kind and deadline).
enum EnforcementSchema {
    static let migrations: [Migration] = [
        Migration(
            id: "0300_enforcement",
            sql: """
                ALTER TABLE tenants ADD COLUMN mfa_required INTEGER NOT NULL DEFAULT 0;
                -- 7 days is the grace period proposed when an admin chooses one; 0 = at next sign-in.
                ALTER TABLE tenants ADD COLUMN mfa_enrollment_days INTEGER NOT NULL DEFAULT 7
                    CHECK (mfa_enrollment_days BETWEEN 0 AND 365);
                ALTER TABLE tenants ADD COLUMN mfa_enabled_at INTEGER;
                ALTER TABLE tenants ADD COLUMN mfa_expiry_action TEXT NOT NULL DEFAULT 'force_setup'
                    CHECK (mfa_expiry_action IN ('force_setup', 'lock_out'));
                ALTER TABLE tenants ADD COLUMN mfa_applies_to TEXT NOT NULL DEFAULT 'all'
                    CHECK (mfa_applies_to IN ('all', 'local_only'));
                ALTER TABLE tenants ADD COLUMN mfa_sign_out_policy TEXT NOT NULL DEFAULT 'none'
                    CHECK (mfa_sign_out_policy IN ('none', 'midnight', 'immediately'));
                -- The last local midnight at which non-compliant sessions were ended (sign-out policy).
                ALTER TABLE tenants ADD COLUMN mfa_midnight_swept_at INTEGER;

                ALTER TABLE users ADD COLUMN mfa_required INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE users ADD COLUMN mfa_enrollment_days INTEGER NOT NULL DEFAULT 0
                    CHECK (mfa_enrollment_days BETWEEN 0 AND 365);
                ALTER TABLE users ADD COLUMN mfa_required_at INTEGER;
                ALTER TABLE users ADD COLUMN mfa_exempt INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE users ADD COLUMN mfa_exempt_until INTEGER;
                ALTER TABLE users ADD COLUMN mfa_enrollment_reset_at INTEGER;
                -- Whether the user has an active factor; kept by the triggers below so that lists
                -- and counts by status read one row per user.
                ALTER TABLE users ADD COLUMN mfa_enrolled INTEGER NOT NULL DEFAULT 0;
                UPDATE users SET mfa_enrolled = EXISTS (
                    SELECT 1 FROM mfa_factors f WHERE f.user_id = users.id AND f.state = 'active');

                CREATE TRIGGER mfa_factors_enroll_insert AFTER INSERT ON mfa_factors
                BEGIN
                    UPDATE users SET mfa_enrolled = EXISTS (
                        SELECT 1 FROM mfa_factors f WHERE f.user_id = NEW.user_id AND f.state = 'active')
                    WHERE id = NEW.user_id;
                END;
                CREATE TRIGGER mfa_factors_enroll_update AFTER UPDATE OF state ON mfa_factors
                BEGIN
                    UPDATE users SET mfa_enrolled = EXISTS (
                        SELECT 1 FROM mfa_factors f WHERE f.user_id = NEW.user_id AND f.state = 'active')
                    WHERE id = NEW.user_id;
                END;
                CREATE TRIGGER mfa_factors_enroll_delete AFTER DELETE ON mfa_factors
                BEGIN
                    UPDATE users SET mfa_enrolled = EXISTS (
                        SELECT 1 FROM mfa_factors f WHERE f.user_id = OLD.user_id AND f.state = 'active')
                    WHERE id = OLD.user_id;
                END;

                -- Group policies (plan feature mfa.enforce.groups).
                CREATE TABLE mfa_policies (
                    id TEXT PRIMARY KEY,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    enabled INTEGER NOT NULL,
                    include_all INTEGER NOT NULL,
                    enrollment_days INTEGER NOT NULL CHECK (enrollment_days BETWEEN 0 AND 365),
                    -- When the policy was last switched on; its clock starts there.
                    enabled_at INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    UNIQUE (tenant_id, name)
                );
                CREATE TABLE mfa_policy_groups (
                    policy_id TEXT NOT NULL REFERENCES mfa_policies(id) ON DELETE CASCADE,
                    group_id TEXT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL CHECK (kind IN ('include', 'exclude')),
                    PRIMARY KEY (policy_id, group_id)
                );
                CREATE INDEX mfa_policy_groups_by_group ON mfa_policy_groups (group_id);
                CREATE INDEX group_members_by_user_group ON group_members (user_id, group_id, added_at);

                -- Enforcement notices sent: one row per user, kind and deadline, inserted in the
                -- transaction that queues the email, so several schedulers never send one twice.
                CREATE TABLE mfa_notices (
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    deadline INTEGER NOT NULL,
                    sent_at INTEGER NOT NULL,
                    PRIMARY KEY (user_id, kind, deadline)
                );
                """),
        Migration(id: "0301_enforcement_listing", sql: listing),
        // Searching the users list by part of an email or name reads this narrow index once, not
        // every user's row (``UserMFAListing``).
        Migration(id: "0302_users_search", sql: "CREATE INDEX users_search ON users (tenant_id, email, name);"),
        // One pattern match per user instead of two: `search_text` is the lowercased email and name
        // (a virtual column: only the index stores it), kept in email order for the page.
        Migration(
            id: "0303_users_search_text",
            sql: """
                DROP INDEX users_search;
                ALTER TABLE users ADD COLUMN search_text TEXT
                    GENERATED ALWAYS AS (lower(email) || char(31) || lower(name)) VIRTUAL;
                CREATE INDEX users_search ON users (tenant_id, email, search_text);
                """),
        // The overview's enrollment progress counts the users created in its window: without this
        // index every user's row was read for `created_at` (about 0.3 s for 100,000 users).
        Migration(
            id: "0304_users_by_tenant_created",
            sql: "CREATE INDEX users_by_tenant_created ON users (tenant_id, created_at);"),
    ]

    /// Lists and counts of users by MFA status read one index entry per user (``EnforcementStatusQuery``):
    /// a covering index, and three columns of `users` kept by triggers, as `mfa_enrolled` is.
    ///
    /// - `mfa_floor`: `MAX(activated_at, mfa_enrollment_reset_at)`, no source starts earlier; a missing
    ///   time is `Date.distantPast` (-62135769600000 ms), as the Swift decision takes it.
    /// - `mfa_group_bits`: the OR of `1 << user_groups.mfa_bit` of the user's groups. Each group of a
    ///   tenant gets its own bit (the lowest free of 63) while it has at most 63; beyond, bits are
    ///   shared and the query falls back to the exact subqueries for users holding a shared bit.
    /// - `mfa_last_joined_at`: the latest `added_at` of the user's memberships. A user in one group, or
    ///   whose last membership is older than a policy's start, needs no membership row to be read.
    ///
    /// Policies and organization settings are not copied into users: switching one still changes one row.
    private static let listing = """
        ALTER TABLE user_groups ADD COLUMN mfa_bit INTEGER NOT NULL DEFAULT 0 CHECK (mfa_bit BETWEEN 0 AND 62);
        UPDATE user_groups SET mfa_bit = (
            SELECT COUNT(*) FROM user_groups o WHERE o.tenant_id = user_groups.tenant_id
                AND (o.created_at < user_groups.created_at OR (o.created_at = user_groups.created_at AND o.id < user_groups.id))
        ) % 63;
        CREATE INDEX user_groups_by_mfa_bit ON user_groups (tenant_id, mfa_bit);
        -- The lowest bit no other group of the tenant has (one past a used bit, or 0), else one shared.
        CREATE TRIGGER user_groups_mfa_bit AFTER INSERT ON user_groups
        BEGIN
            UPDATE user_groups SET mfa_bit = COALESCE(
                (SELECT MIN(c.bit) FROM (
                    SELECT 0 AS bit
                    UNION ALL SELECT o.mfa_bit + 1 FROM user_groups o WHERE o.tenant_id = NEW.tenant_id AND o.id <> NEW.id
                ) c
                WHERE c.bit < 63 AND NOT EXISTS (
                    SELECT 1 FROM user_groups o WHERE o.tenant_id = NEW.tenant_id AND o.mfa_bit = c.bit AND o.id <> NEW.id)),
                (SELECT COUNT(*) FROM user_groups o WHERE o.tenant_id = NEW.tenant_id) % 63)
            WHERE id = NEW.id;
        END;

        ALTER TABLE users ADD COLUMN mfa_floor INTEGER NOT NULL DEFAULT -62135769600000;
        ALTER TABLE users ADD COLUMN mfa_group_bits INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE users ADD COLUMN mfa_last_joined_at INTEGER;
        UPDATE users SET
            mfa_floor = MAX(COALESCE(activated_at, -62135769600000), COALESCE(mfa_enrollment_reset_at, -62135769600000)),
            mfa_group_bits = COALESCE((
                SELECT SUM(DISTINCT 1 << g.mfa_bit) FROM group_members m JOIN user_groups g ON g.id = m.group_id
                WHERE m.user_id = users.id), 0),
            mfa_last_joined_at = (SELECT MAX(m.added_at) FROM group_members m WHERE m.user_id = users.id);

        CREATE TRIGGER users_mfa_floor_insert AFTER INSERT ON users
        WHEN NEW.activated_at IS NOT NULL OR NEW.mfa_enrollment_reset_at IS NOT NULL
        BEGIN
            UPDATE users SET mfa_floor = MAX(
                COALESCE(NEW.activated_at, -62135769600000), COALESCE(NEW.mfa_enrollment_reset_at, -62135769600000))
            WHERE id = NEW.id;
        END;
        CREATE TRIGGER users_mfa_floor_update AFTER UPDATE OF activated_at, mfa_enrollment_reset_at ON users
        WHEN OLD.activated_at IS NOT NEW.activated_at OR OLD.mfa_enrollment_reset_at IS NOT NEW.mfa_enrollment_reset_at
        BEGIN
            UPDATE users SET mfa_floor = MAX(
                COALESCE(NEW.activated_at, -62135769600000), COALESCE(NEW.mfa_enrollment_reset_at, -62135769600000))
            WHERE id = NEW.id;
        END;

        CREATE TRIGGER group_members_mfa_insert AFTER INSERT ON group_members
        BEGIN
            UPDATE users SET
                mfa_group_bits = mfa_group_bits | COALESCE((SELECT 1 << g.mfa_bit FROM user_groups g WHERE g.id = NEW.group_id), 0),
                mfa_last_joined_at = MAX(COALESCE(mfa_last_joined_at, NEW.added_at), NEW.added_at)
            WHERE id = NEW.user_id;
        END;
        CREATE TRIGGER group_members_mfa_delete AFTER DELETE ON group_members
        BEGIN
            UPDATE users SET
                mfa_group_bits = COALESCE((
                    SELECT SUM(DISTINCT 1 << g.mfa_bit) FROM group_members m JOIN user_groups g ON g.id = m.group_id
                    WHERE m.user_id = OLD.user_id), 0),
                mfa_last_joined_at = (SELECT MAX(m.added_at) FROM group_members m WHERE m.user_id = OLD.user_id)
            WHERE id = OLD.user_id;
        END;
        CREATE TRIGGER group_members_mfa_update AFTER UPDATE ON group_members
        BEGIN
            UPDATE users SET
                mfa_group_bits = COALESCE((
                    SELECT SUM(DISTINCT 1 << g.mfa_bit) FROM group_members m JOIN user_groups g ON g.id = m.group_id
                    WHERE m.user_id = users.id), 0),
                mfa_last_joined_at = (SELECT MAX(m.added_at) FROM group_members m WHERE m.user_id = users.id)
            WHERE id IN (OLD.user_id, NEW.user_id);
        END;

        -- Every column the status needs, after the keys of the users list (tenant, email order).
        CREATE INDEX users_mfa_listing ON users (
            tenant_id, email, mfa_enrolled, mfa_exempt, mfa_floor, auth_source, mfa_required, mfa_group_bits,
            mfa_last_joined_at, status, activated_at, role, mfa_exempt_until, mfa_required_at, mfa_enrollment_days, id);
        """
}
