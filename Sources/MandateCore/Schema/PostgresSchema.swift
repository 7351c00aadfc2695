import Storage

/// The schema on PostgreSQL (DESIGN.md §6), in PostgreSQL's dialect.
///
/// PostgreSQL support began when the SQLite schema stood at `0900_user_manage_users`; its
/// baseline is that schema, table for table and column for column (`SchemaParityTests` compares
/// them). From here on, a schema change adds a migration to both lists.
///
/// The translation: times and counts are `BIGINT` milliseconds and integers as on SQLite (flags
/// stay 0/1 integers, so the stores' SQL is the same); `BLOB` is `BYTEA`; text compares and sorts
/// byte-wise (`COLLATE "C"`), like SQLite's default, whatever the database's locale; row ids are
/// identity columns; the virtual `search_text` is stored; SQLite's triggers are PL/pgSQL functions.
enum PostgresSchema {
    static let migrations: [Migration] = [
        Migration(
            id: "pg_0001_baseline",
            sql: """
                CREATE TABLE tenants (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    slug TEXT COLLATE "C" NOT NULL UNIQUE,
                    name TEXT COLLATE "C" NOT NULL,
                    plan TEXT COLLATE "C" NOT NULL,
                    subscription_status TEXT COLLATE "C" NOT NULL
                        CHECK (subscription_status IN ('active', 'trialing', 'past_due', 'canceled')),
                    trial_ends_at BIGINT,
                    time_zone TEXT COLLATE "C" NOT NULL DEFAULT 'UTC',
                    password_min_length BIGINT NOT NULL DEFAULT 8 CHECK (password_min_length BETWEEN 8 AND 128),
                    lockout_threshold BIGINT NOT NULL DEFAULT 10 CHECK (lockout_threshold BETWEEN 3 AND 100),
                    session_idle_minutes BIGINT NOT NULL DEFAULT 30 CHECK (session_idle_minutes BETWEEN 5 AND 1440),
                    session_absolute_hours BIGINT NOT NULL DEFAULT 12 CHECK (session_absolute_hours BETWEEN 1 AND 720),
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    sms_country_codes TEXT COLLATE "C" NOT NULL DEFAULT '',
                    mfa_required BIGINT NOT NULL DEFAULT 0,
                    mfa_enrollment_days BIGINT NOT NULL DEFAULT 7 CHECK (mfa_enrollment_days BETWEEN 0 AND 365),
                    mfa_enabled_at BIGINT,
                    mfa_expiry_action TEXT COLLATE "C" NOT NULL DEFAULT 'force_setup'
                        CHECK (mfa_expiry_action IN ('force_setup', 'lock_out')),
                    mfa_applies_to TEXT COLLATE "C" NOT NULL DEFAULT 'all'
                        CHECK (mfa_applies_to IN ('all', 'local_only')),
                    mfa_sign_out_policy TEXT COLLATE "C" NOT NULL DEFAULT 'none'
                        CHECK (mfa_sign_out_policy IN ('none', 'midnight', 'immediately')),
                    mfa_midnight_swept_at BIGINT,
                    billing_event_at BIGINT,
                    past_due_grace_ends_at BIGINT,
                    mfa_user_lifted_at BIGINT
                );

                CREATE TABLE users (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    email TEXT COLLATE "C" NOT NULL,
                    name TEXT COLLATE "C" NOT NULL DEFAULT '',
                    role TEXT COLLATE "C" NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
                    status TEXT COLLATE "C" NOT NULL CHECK (status IN ('invited', 'active', 'suspended')),
                    auth_source TEXT COLLATE "C" NOT NULL DEFAULT 'local' CHECK (auth_source IN ('local', 'sso')),
                    password_hash TEXT COLLATE "C",
                    password_changed_at BIGINT,
                    failed_attempts BIGINT NOT NULL DEFAULT 0,
                    locked_until BIGINT,
                    last_sign_in_at BIGINT,
                    activated_at BIGINT,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    mfa_required BIGINT NOT NULL DEFAULT 0,
                    mfa_enrollment_days BIGINT NOT NULL DEFAULT 0 CHECK (mfa_enrollment_days BETWEEN 0 AND 365),
                    mfa_required_at BIGINT,
                    mfa_exempt BIGINT NOT NULL DEFAULT 0,
                    mfa_exempt_until BIGINT,
                    mfa_enrollment_reset_at BIGINT,
                    mfa_enrolled BIGINT NOT NULL DEFAULT 0,
                    mfa_floor BIGINT NOT NULL DEFAULT -62135769600000,
                    mfa_group_bits BIGINT NOT NULL DEFAULT 0,
                    mfa_last_joined_at BIGINT,
                    search_text TEXT COLLATE "C" GENERATED ALWAYS AS (lower(email) || chr(31) || lower(name)) STORED,
                    manage_users BIGINT NOT NULL DEFAULT 1 CHECK (manage_users IN (0, 1)),
                    UNIQUE (tenant_id, email)
                );

                CREATE INDEX users_by_tenant_status ON users (tenant_id, status);

                CREATE TABLE user_groups (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    name TEXT COLLATE "C" NOT NULL,
                    description TEXT COLLATE "C" NOT NULL DEFAULT '',
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL, mfa_bit BIGINT NOT NULL DEFAULT 0 CHECK (mfa_bit BETWEEN 0 AND 62),
                    UNIQUE (tenant_id, name)
                );

                CREATE TABLE group_members (
                    group_id TEXT COLLATE "C" NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
                    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    added_at BIGINT NOT NULL,
                    PRIMARY KEY (group_id, user_id)
                );

                CREATE INDEX group_members_by_user ON group_members (user_id);

                CREATE TABLE sessions (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    token_hash BYTEA NOT NULL UNIQUE,
                    tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('browser', 'api')),
                    scope TEXT COLLATE "C" NOT NULL CHECK (scope IN ('full', 'mfa_setup')),
                    csrf_token TEXT COLLATE "C" NOT NULL,
                    created_at BIGINT NOT NULL,
                    last_seen_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    authenticated_at BIGINT NOT NULL,
                    ip TEXT COLLATE "C",
                    user_agent TEXT COLLATE "C"
                );

                CREATE INDEX sessions_by_user ON sessions (user_id);

                CREATE TABLE invitations (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    token_hash BYTEA NOT NULL UNIQUE,
                    invited_by TEXT COLLATE "C",
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    accepted_at BIGINT,
                    revoked_at BIGINT
                );

                CREATE INDEX invitations_by_user ON invitations (user_id);

                CREATE TABLE api_keys (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    name TEXT COLLATE "C" NOT NULL,
                    token_hash BYTEA NOT NULL UNIQUE,
                    display_prefix TEXT COLLATE "C" NOT NULL,
                    created_by TEXT COLLATE "C",
                    created_at BIGINT NOT NULL,
                    last_used_at BIGINT,
                    revoked_at BIGINT
                );

                CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id);

                CREATE TABLE audit_events (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    tenant_id TEXT COLLATE "C",
                    occurred_at BIGINT NOT NULL,
                    actor_type TEXT COLLATE "C" NOT NULL
                        CHECK (actor_type IN ('user', 'api_key', 'system', 'billing', 'anonymous')),
                    actor_id TEXT COLLATE "C",
                    actor_label TEXT COLLATE "C",
                    action TEXT COLLATE "C" NOT NULL,
                    target_type TEXT COLLATE "C",
                    target_id TEXT COLLATE "C",
                    target_label TEXT COLLATE "C",
                    outcome TEXT COLLATE "C" NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
                    details TEXT COLLATE "C" NOT NULL DEFAULT '{}',
                    ip TEXT COLLATE "C"
                );

                CREATE INDEX audit_events_by_tenant ON audit_events (tenant_id, id);

                CREATE INDEX audit_events_by_tenant_action ON audit_events (tenant_id, action, id);

                CREATE INDEX audit_events_by_tenant_target ON audit_events (tenant_id, target_id, id);

                CREATE INDEX audit_events_by_tenant_actor ON audit_events (tenant_id, actor_id, id);

                CREATE TABLE jobs (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    kind TEXT COLLATE "C" NOT NULL,
                    payload TEXT COLLATE "C" NOT NULL,
                    priority BIGINT NOT NULL,
                    state TEXT COLLATE "C" NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'dead')),
                    attempts BIGINT NOT NULL DEFAULT 0,
                    max_attempts BIGINT NOT NULL CHECK (max_attempts >= 1),
                    run_at BIGINT NOT NULL,
                    not_after BIGINT,
                    lease_owner TEXT COLLATE "C",
                    lease_expires_at BIGINT,
                    idempotency_key TEXT COLLATE "C",
                    tenant_id TEXT COLLATE "C",
                    last_error TEXT COLLATE "C",
                    dead_reason TEXT COLLATE "C",
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    finished_at BIGINT
                );

                CREATE UNIQUE INDEX jobs_idempotency_key ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;

                CREATE INDEX jobs_claim ON jobs (priority, run_at, id, not_after) WHERE state = 'queued';

                CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE state = 'running';

                CREATE INDEX jobs_deadlines ON jobs (not_after) WHERE state = 'queued' AND not_after IS NOT NULL;

                CREATE INDEX jobs_dead ON jobs (finished_at) WHERE state = 'dead';

                CREATE TABLE messages (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    channel TEXT COLLATE "C" NOT NULL CHECK (channel IN ('sms', 'email')),
                    tenant_id TEXT COLLATE "C",
                    user_id TEXT COLLATE "C",
                    recipient TEXT COLLATE "C" NOT NULL,
                    subject TEXT COLLATE "C",
                    status TEXT COLLATE "C" NOT NULL
                        CHECK (status IN ('queued', 'sent', 'delivered', 'undelivered', 'failed', 'expired', 'dead')),
                    error_code TEXT COLLATE "C",
                    job_id BIGINT REFERENCES jobs (id) ON DELETE SET NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    delivered_at BIGINT
                );

                CREATE INDEX messages_job ON messages (job_id);

                CREATE INDEX messages_newest ON messages (created_at, id);

                CREATE INDEX messages_tenant_newest ON messages (tenant_id, created_at, id);

                CREATE TABLE scheduler_runs (
                    task TEXT COLLATE "C" NOT NULL,
                    period_start BIGINT NOT NULL,
                    claimed_by TEXT COLLATE "C" NOT NULL,
                    claimed_at BIGINT NOT NULL,
                    finished_at BIGINT,
                    error TEXT COLLATE "C",
                    PRIMARY KEY (task, period_start)
                );

                CREATE TABLE webhook_endpoints (
                    name TEXT COLLATE "C" PRIMARY KEY,
                    disabled_at BIGINT,
                    disabled_reason TEXT COLLATE "C"
                );

                CREATE INDEX messages_user_newest ON messages (tenant_id, user_id, created_at, id)
                    WHERE user_id IS NOT NULL;

                CREATE TABLE inbound_webhooks (
                    webhook_id TEXT COLLATE "C" PRIMARY KEY,
                    source TEXT COLLATE "C" NOT NULL,
                    received_at BIGINT NOT NULL,
                    outcome TEXT COLLATE "C" NOT NULL
                );

                CREATE INDEX inbound_webhooks_received ON inbound_webhooks (received_at);

                CREATE TABLE dev_outbox (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    channel TEXT COLLATE "C" NOT NULL CHECK (channel IN ('sms', 'email')),
                    webhook_id TEXT COLLATE "C",
                    received_at BIGINT NOT NULL,
                    signature_valid BIGINT NOT NULL CHECK (signature_valid IN (0, 1)),
                    signature_error TEXT COLLATE "C",
                    payload TEXT COLLATE "C" NOT NULL
                );

                CREATE TABLE dev_outbox_secrets (
                    channel TEXT COLLATE "C" PRIMARY KEY,
                    secret TEXT COLLATE "C" NOT NULL
                );

                CREATE TABLE mfa_factors (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('totp', 'sms')),
                    state TEXT COLLATE "C" NOT NULL CHECK (state IN ('pending', 'active')),
                    totp_secret BYTEA,
                    phone_number TEXT COLLATE "C",
                    last_used_step BIGINT,
                    created_at BIGINT NOT NULL,
                    activated_at BIGINT,
                    last_used_at BIGINT,
                    UNIQUE (user_id, kind, state)
                );

                CREATE INDEX mfa_factors_by_tenant ON mfa_factors (tenant_id, user_id);

                CREATE TABLE recovery_codes (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    code_hash BYTEA NOT NULL,
                    created_at BIGINT NOT NULL,
                    used_at BIGINT
                );

                CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);

                CREATE TABLE mfa_challenges (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    token_hash BYTEA NOT NULL UNIQUE,
                    tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    session_kind TEXT COLLATE "C" NOT NULL CHECK (session_kind IN ('browser', 'api')),
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    completed_at BIGINT,
                    ip TEXT COLLATE "C",
                    user_agent TEXT COLLATE "C"
                );

                CREATE INDEX mfa_challenges_by_user ON mfa_challenges (user_id);

                CREATE INDEX mfa_challenges_by_expiry ON mfa_challenges (expires_at);

                CREATE TABLE sms_codes (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    purpose TEXT COLLATE "C" NOT NULL CHECK (purpose IN ('sign_in', 'enrollment')),
                    binding TEXT COLLATE "C" NOT NULL,
                    phone_number TEXT COLLATE "C" NOT NULL,
                    salt BYTEA NOT NULL,
                    code_hash BYTEA NOT NULL,
                    message_id TEXT COLLATE "C",
                    failed_attempts BIGINT NOT NULL DEFAULT 0,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    consumed_at BIGINT,
                    superseded_at BIGINT
                );

                CREATE INDEX sms_codes_by_binding ON sms_codes (binding, created_at);

                CREATE INDEX sms_codes_by_user ON sms_codes (user_id, created_at);

                CREATE INDEX sms_codes_by_phone ON sms_codes (phone_number, created_at);

                CREATE INDEX sms_codes_by_tenant ON sms_codes (tenant_id, created_at);

                CREATE INDEX sms_codes_by_time ON sms_codes (created_at);

                CREATE TABLE mfa_policies (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    name TEXT COLLATE "C" NOT NULL,
                    enabled BIGINT NOT NULL,
                    include_all BIGINT NOT NULL,
                    enrollment_days BIGINT NOT NULL CHECK (enrollment_days BETWEEN 0 AND 365),
                    -- When the policy was last switched on; its clock starts there.
                    enabled_at BIGINT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    UNIQUE (tenant_id, name)
                );

                CREATE TABLE mfa_policy_groups (
                    policy_id TEXT COLLATE "C" NOT NULL REFERENCES mfa_policies(id) ON DELETE CASCADE,
                    group_id TEXT COLLATE "C" NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
                    kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('include', 'exclude')),
                    PRIMARY KEY (policy_id, group_id)
                );

                CREATE INDEX mfa_policy_groups_by_group ON mfa_policy_groups (group_id);

                CREATE INDEX group_members_by_user_group ON group_members (user_id, group_id, added_at);

                CREATE TABLE mfa_notices (
                    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    kind TEXT COLLATE "C" NOT NULL,
                    deadline BIGINT NOT NULL,
                    sent_at BIGINT NOT NULL,
                    PRIMARY KEY (user_id, kind, deadline)
                );

                CREATE INDEX user_groups_by_mfa_bit ON user_groups (tenant_id, mfa_bit);

                CREATE INDEX users_mfa_listing ON users (
                    tenant_id, email, mfa_enrolled, mfa_exempt, mfa_floor, auth_source, mfa_required, mfa_group_bits,
                    mfa_last_joined_at, status, activated_at, role, mfa_exempt_until, mfa_required_at,
                    mfa_enrollment_days, id);

                CREATE INDEX users_search ON users (tenant_id, email, search_text);

                CREATE INDEX users_by_tenant_created ON users (tenant_id, created_at);

                CREATE TABLE billing_events (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    webhook_id TEXT COLLATE "C",
                    tenant_id TEXT COLLATE "C" REFERENCES tenants(id) ON DELETE CASCADE,
                    type TEXT COLLATE "C",
                    occurred_at BIGINT,
                    received_at BIGINT NOT NULL,
                    outcome TEXT COLLATE "C" NOT NULL
                        CHECK (outcome IN ('applied', 'duplicate', 'stale', 'rejected')),
                    reason TEXT COLLATE "C",
                    plan TEXT COLLATE "C",
                    status TEXT COLLATE "C",
                    detail TEXT COLLATE "C"
                );

                CREATE INDEX billing_events_by_tenant ON billing_events (tenant_id, id);

                CREATE INDEX billing_events_received ON billing_events (received_at);

                CREATE TABLE mfa_enforcement_snapshots (
                    tenant_id TEXT COLLATE "C" PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
                    taken_at BIGINT NOT NULL,
                    reason TEXT COLLATE "C" NOT NULL,
                    from_plan TEXT COLLATE "C" NOT NULL,
                    to_plan TEXT COLLATE "C" NOT NULL,
                    config TEXT COLLATE "C" NOT NULL
                );

                CREATE INDEX users_mfa_required ON users (tenant_id, mfa_required_at, mfa_required)
                    WHERE mfa_required = 1;

                CREATE INDEX users_admins ON users (tenant_id, role) WHERE role IN ('owner', 'admin');

                CREATE TABLE web_secrets (
                    name TEXT COLLATE "C" PRIMARY KEY,
                    secret BYTEA NOT NULL CHECK (length(secret) >= 32),
                    created_at BIGINT NOT NULL
                );

                -- Audit events are append-only.
                CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit events are append-only';
                END $$;
                CREATE TRIGGER audit_events_are_immutable BEFORE UPDATE ON audit_events
                    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
                CREATE TRIGGER audit_events_are_permanent BEFORE DELETE ON audit_events
                    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

                -- An SMS job forgets its text once it has succeeded or died.
                CREATE FUNCTION jobs_forget_sms_text() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.payload := jsonb_set(NEW.payload::jsonb, '{body}', '"[erased]"')::text;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER jobs_forget_sms_text BEFORE UPDATE OF state ON jobs
                    FOR EACH ROW WHEN (NEW.kind = 'sms.send' AND NEW.state IN ('succeeded', 'dead'))
                    EXECUTE FUNCTION jobs_forget_sms_text();

                -- users.mfa_enrolled: whether the user has an active factor.
                CREATE FUNCTION mfa_factors_enroll() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    affected TEXT := CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END;
                BEGIN
                    UPDATE users SET mfa_enrolled = (EXISTS (
                        SELECT 1 FROM mfa_factors f WHERE f.user_id = affected AND f.state = 'active'))::int
                    WHERE id = affected;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER mfa_factors_enroll_insert AFTER INSERT ON mfa_factors
                    FOR EACH ROW EXECUTE FUNCTION mfa_factors_enroll();
                CREATE TRIGGER mfa_factors_enroll_update AFTER UPDATE OF state ON mfa_factors
                    FOR EACH ROW EXECUTE FUNCTION mfa_factors_enroll();
                CREATE TRIGGER mfa_factors_enroll_delete AFTER DELETE ON mfa_factors
                    FOR EACH ROW EXECUTE FUNCTION mfa_factors_enroll();

                -- user_groups.mfa_bit: the lowest bit (0-62) no other group of the tenant holds.
                CREATE FUNCTION user_groups_mfa_bit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE user_groups SET mfa_bit = COALESCE(
                        (SELECT MIN(c.bit) FROM (
                            SELECT 0 AS bit
                            UNION ALL SELECT o.mfa_bit + 1 FROM user_groups o
                                WHERE o.tenant_id = NEW.tenant_id AND o.id <> NEW.id
                        ) c
                        WHERE c.bit < 63 AND NOT EXISTS (
                            SELECT 1 FROM user_groups o
                            WHERE o.tenant_id = NEW.tenant_id AND o.mfa_bit = c.bit AND o.id <> NEW.id)),
                        (SELECT COUNT(*) FROM user_groups o WHERE o.tenant_id = NEW.tenant_id) % 63)
                    WHERE id = NEW.id;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER user_groups_mfa_bit AFTER INSERT ON user_groups
                    FOR EACH ROW EXECUTE FUNCTION user_groups_mfa_bit();

                -- users.mfa_floor: the later of activation and the last enrollment reset.
                CREATE FUNCTION users_mfa_floor() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.mfa_floor := GREATEST(
                        COALESCE(NEW.activated_at, -62135769600000),
                        COALESCE(NEW.mfa_enrollment_reset_at, -62135769600000));
                    RETURN NEW;
                END $$;
                CREATE TRIGGER users_mfa_floor_insert BEFORE INSERT ON users
                    FOR EACH ROW WHEN (NEW.activated_at IS NOT NULL OR NEW.mfa_enrollment_reset_at IS NOT NULL)
                    EXECUTE FUNCTION users_mfa_floor();
                CREATE TRIGGER users_mfa_floor_update BEFORE UPDATE OF activated_at, mfa_enrollment_reset_at ON users
                    FOR EACH ROW WHEN (OLD.activated_at IS DISTINCT FROM NEW.activated_at
                        OR OLD.mfa_enrollment_reset_at IS DISTINCT FROM NEW.mfa_enrollment_reset_at)
                    EXECUTE FUNCTION users_mfa_floor();

                -- users.mfa_group_bits and mfa_last_joined_at follow group membership.
                CREATE FUNCTION group_members_mfa_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE users SET
                        mfa_group_bits = mfa_group_bits
                            | COALESCE((
                                SELECT CAST(1 AS BIGINT) << g.mfa_bit::int FROM user_groups g
                                WHERE g.id = NEW.group_id), 0),
                        mfa_last_joined_at = GREATEST(COALESCE(mfa_last_joined_at, NEW.added_at), NEW.added_at)
                    WHERE id = NEW.user_id;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER group_members_mfa_insert AFTER INSERT ON group_members
                    FOR EACH ROW EXECUTE FUNCTION group_members_mfa_insert();

                CREATE FUNCTION group_members_mfa_recompute() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE users SET
                        mfa_group_bits = COALESCE((
                            SELECT SUM(DISTINCT CAST(1 AS BIGINT) << g.mfa_bit::int) FROM group_members m
                            JOIN user_groups g ON g.id = m.group_id WHERE m.user_id = users.id), 0)::bigint,
                        mfa_last_joined_at = (SELECT MAX(m.added_at) FROM group_members m WHERE m.user_id = users.id)
                    WHERE id IN (OLD.user_id, CASE WHEN TG_OP = 'UPDATE' THEN NEW.user_id END);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER group_members_mfa_delete AFTER DELETE ON group_members
                    FOR EACH ROW EXECUTE FUNCTION group_members_mfa_recompute();
                CREATE TRIGGER group_members_mfa_update AFTER UPDATE ON group_members
                    FOR EACH ROW EXECUTE FUNCTION group_members_mfa_recompute();
                """)
    ]
}
