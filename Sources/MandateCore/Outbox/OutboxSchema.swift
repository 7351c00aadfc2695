import SQLite
public import Storage

/// The tables of the transactional outbox and of message delivery.
///
/// The integrator appends ``migrations`` to the application's list. Times are `INTEGER`
/// milliseconds since 1970-01-01 UTC, the project-wide convention of the SQLite module.
public enum OutboxSchema {
    /// Ordered, named migrations; never edit one that has shipped, add a new one.
    public static let migrations: [Migration] = [
        Migration(id: "0100_jobs", sql: jobs),
        Migration(id: "0101_messages", sql: messages),
        Migration(id: "0102_scheduler_runs", sql: schedulerRuns),
        Migration(id: "0103_webhook_endpoints", sql: webhookEndpoints),
        Migration(id: "0104_messages_user_newest", sql: messagesUserNewest),
    ]

    /// One row per side effect. `dead_reason` says why a dead job died (`failed`, `expired`,
    /// `exhausted`, `unknown_kind`) so that expired SMS codes are told apart from failures.
    ///
    /// The indexes are partial so that each one only holds the rows its query looks at; the
    /// table keeps finished jobs, which would otherwise make every index grow forever.
    static let jobs = """
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            priority INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0,
            max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
            run_at INTEGER NOT NULL,
            not_after INTEGER,
            lease_owner TEXT,
            lease_expires_at INTEGER,
            idempotency_key TEXT,
            tenant_id TEXT,
            last_error TEXT,
            dead_reason TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            finished_at INTEGER
        );
        -- Idempotency keys are unique. A partial index instead of a column UNIQUE, so that jobs
        -- without a key (most) cost no index entry.
        CREATE UNIQUE INDEX jobs_idempotency_key ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
        -- The claim: due queued jobs in (priority, run_at, id) order; not_after is carried so the
        -- claim's deadline filter is answered from the index.
        CREATE INDEX jobs_claim ON jobs (priority, run_at, id, not_after) WHERE state = 'queued';
        -- The reaper: running jobs whose lease has expired.
        CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE state = 'running';
        -- Expiry at claim time: queued jobs with a deadline.
        CREATE INDEX jobs_deadlines ON jobs (not_after) WHERE state = 'queued' AND not_after IS NOT NULL;
        -- Operations: the dead-letter list and its purge.
        CREATE INDEX jobs_dead ON jobs (finished_at) WHERE state = 'dead';
        """

    /// SMS and email records and their delivery state. The SMS text is deliberately not here:
    /// the job payload is the only clear copy of a one-time code (SECURITY.md).
    static let messages = """
        CREATE TABLE messages (
            id TEXT PRIMARY KEY,
            channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
            tenant_id TEXT,
            user_id TEXT,
            recipient TEXT NOT NULL,
            subject TEXT,
            status TEXT NOT NULL
                CHECK (status IN ('queued', 'sent', 'delivered', 'undelivered', 'failed', 'expired', 'dead')),
            error_code TEXT,
            job_id INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            delivered_at INTEGER
        );
        CREATE INDEX messages_job ON messages (job_id);
        CREATE INDEX messages_newest ON messages (created_at, id);
        CREATE INDEX messages_tenant_newest ON messages (tenant_id, created_at, id);
        """

    /// One user's messages newest first (the SMS delivery history of the dashboard's user panel,
    /// ``MessageStore/listForUser(tenantID:userID:channel:limit:on:)``).
    static let messagesUserNewest = """
        CREATE INDEX messages_user_newest ON messages (tenant_id, user_id, created_at, id)
            WHERE user_id IS NOT NULL;
        """

    /// One row per (task, period) that some scheduler claimed: the primary key is what makes a
    /// period run exactly once across processes.
    static let schedulerRuns = """
        CREATE TABLE scheduler_runs (
            task TEXT NOT NULL,
            period_start INTEGER NOT NULL,
            claimed_by TEXT NOT NULL,
            claimed_at INTEGER NOT NULL,
            finished_at INTEGER,
            error TEXT,
            PRIMARY KEY (task, period_start)
        ) WITHOUT ROWID;
        """

    /// Outbound webhook endpoints that answered 410 Gone: disabled until an operator enables them.
    static let webhookEndpoints = """
        CREATE TABLE webhook_endpoints (
            name TEXT PRIMARY KEY,
            disabled_at INTEGER,
            disabled_reason TEXT
        ) WITHOUT ROWID;
        """
}
