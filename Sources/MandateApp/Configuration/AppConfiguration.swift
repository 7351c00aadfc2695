public import Foundation
public import Lifecycle
public import MandateCore
public import Storage

/// Settings for `mandate serve` and `mandate worker`, from flags, `MANDATE_*` variables and defaults.
public struct AppConfiguration: Sendable {
    /// The database path used when none is given; its folder is created on demand.
    public static let defaultDatabasePath = "var/mandate.sqlite"

    public var host = "127.0.0.1"
    public var port = 8080
    public var databasePath = AppConfiguration.defaultDatabasePath
    /// Seeds demo data into an empty database and turns dev mode on.
    public var demo = false
    /// Development conveniences (the dev outbox); never on in production.
    public var dev = false
    public var logLevel: Logger.Level = .info
    public var eventLoops = AppConfiguration.defaultEventLoops
    public var databaseReaders = AppConfiguration.defaultDatabaseReaders
    /// PostgreSQL connections of this process (`--db-pool`).
    public var databasePoolSize = 8
    public var trustedProxies: [String] = []
    /// The folder holding `Fixtures/` and `Templates/` (the repository root by default).
    public var resourcesDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    /// The address people use to reach this service, for links in emails.
    public var publicURL: String?
    /// Threads hashing passwords at once (each needs 128 MiB at the OWASP parameters).
    public var passwordHashThreads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Outbound gateways; unset URLs fall back to the dev outbox in dev mode.
    public var smsWebhookURL: String?
    public var smsWebhookSecret: String?
    public var emailWebhookURL: String?
    public var emailWebhookSecret: String?
    /// Secrets accepted on `/webhooks/sms/status` (several during a rotation).
    public var smsCallbackSecrets: [String] = []
    /// Secrets accepted on `/webhooks/billing` (several during a rotation). Demo mode falls back to
    /// the published `BillingWebhook.demoSecret`.
    public var billingWebhookSecrets: [String] = []
    /// How long `past_due` keeps the plan before the tenant is downgraded.
    public var billingPastDueGraceDays = BillingService.defaultPastDueGraceDays
    /// Concurrent job deliveries; 0 runs `serve` without workers (use `mandate worker`).
    public var workers = 16
    /// How long a claimed job stays leased (longer than the 15 s delivery timeout).
    public var jobLeaseSeconds = 60
    /// SMS code limits (SECURITY.md "SMS abuse").
    public var smsLimits = SMSLimits()

    public init() {}

    /// One event loop per two cores (at least one): the loops only move bytes, while SQLite reads,
    /// password hashing and webhook deliveries run on their own threads and need the other cores.
    public static var defaultEventLoops: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
    }

    /// One SQLite reader thread per two cores (at least one): reads are short, and on a small
    /// machine more reader threads only add context switches (measured: 4 readers gave half the
    /// `/api/v1/me` throughput of 1 on 2 cores).
    public static var defaultDatabaseReaders: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
    }

    /// The SQLite file or PostgreSQL server `databasePath` names.
    public var databaseLocation: DatabaseLocation { DatabaseLocation(databasePath) }

    /// SQLite reader connections, or PostgreSQL pool connections, depending on the database.
    public var databaseConnections: Int {
        switch databaseLocation {
        case .sqlite: databaseReaders
        case .postgres: databasePoolSize
        }
    }

    /// The options `serve` and `worker` accept.
    public static let options: [OptionSpec] = [
        OptionSpec("host", default: "127.0.0.1", help: "Address to listen on (0.0.0.0 for every interface)."),
        OptionSpec("port", kind: .integer(0...65535), default: "8080", help: "TCP port to listen on."),
        OptionSpec(
            "db", default: defaultDatabasePath,
            help: "SQLite database file (created if missing), or a postgres:// URL for several instances."),
        OptionSpec("demo", kind: .flag, help: "Seed demo tenants into an empty database and enable dev mode."),
        OptionSpec("dev", kind: .flag, help: "Development mode: dev outbox for SMS and email."),
        OptionSpec(
            "log-level", default: "info", help: "trace, debug, info, notice, warning, error or critical."),
        OptionSpec(
            "event-loops", kind: .integer(1...256), default: String(defaultEventLoops),
            help: "HTTP event loop threads."),
        OptionSpec(
            "db-readers", kind: .integer(1...64), default: String(defaultDatabaseReaders),
            help: "SQLite reader connections (threads)."),
        OptionSpec(
            "db-pool", kind: .integer(1...256), default: "8", help: "PostgreSQL connections of this process."),
        OptionSpec("trusted-proxies", help: "Comma-separated proxy addresses whose X-Forwarded-* headers are trusted."),
        OptionSpec("resources", help: "Folder holding Fixtures/ and Templates/ (default: the current directory)."),
        OptionSpec("public-url", help: "Public address for links in emails (default: http://HOST:PORT)."),
        OptionSpec("sms-webhook-url", help: "SMS gateway webhook (http or https)."),
        OptionSpec("sms-webhook-secret", help: "Signing secret for the SMS gateway (whsec_…)."),
        OptionSpec("email-webhook-url", help: "Email gateway webhook (http or https)."),
        OptionSpec("email-webhook-secret", help: "Signing secret for the email gateway (whsec_…)."),
        OptionSpec("sms-callback-secret", help: "Secrets (comma-separated) for /webhooks/sms/status."),
        OptionSpec(
            "billing-webhook-secret",
            help: "Secrets (comma-separated, whsec_…) for /webhooks/billing; --demo uses the published demo secret."),
        OptionSpec(
            "billing-past-due-grace-days", kind: .integer(0...90), default: "7",
            help: "Days a past_due subscription keeps its plan before enforcement it pays for is lifted."),
        OptionSpec(
            "workers", kind: .integer(0...256), default: "16", help: "Concurrent job deliveries (0: none in serve)."),
        OptionSpec(
            "job-lease-seconds", kind: .integer(1...3600), default: "60",
            help: "How long a worker holds a claimed job before another may take it."),
        OptionSpec(
            "password-hash-threads", kind: .integer(1...64),
            default: String(max(1, ProcessInfo.processInfo.activeProcessorCount)),
            help: "Passwords hashed at once (128 MiB each)."),
        OptionSpec(
            "sms-resend-delay", kind: .integer(1...3600), default: "30",
            help: "Seconds a user waits before a second SMS code; doubles with each further code."),
        OptionSpec(
            "sms-per-number", kind: .integer(1...1000), default: "3",
            help: "SMS codes one phone number may receive per 10 minutes."),
        OptionSpec(
            "sms-tenant-hourly", kind: .integer(1...10_000_000), default: "1000",
            help: "SMS codes one organization may send per hour."),
        OptionSpec(
            "sms-global-hourly", kind: .integer(1...100_000_000), default: "10000",
            help: "SMS codes the whole service may send per hour."),
    ]

    /// Reads the options of `serve`/`worker`.
    public init(options: ParsedOptions) throws(CommandLineError) {
        host = options.string("host") ?? host
        port = options.integer("port") ?? port
        databasePath = options.string("db") ?? databasePath
        demo = options.flag("demo")
        dev = options.flag("dev") || demo
        if let name = options.string("log-level") {
            guard let level = Logger.Level(name: name) else {
                throw CommandLineError(
                    .usage, "--log-level must be one of trace, debug, info, notice, warning, error, critical")
            }
            logLevel = level
        }
        eventLoops = options.integer("event-loops") ?? eventLoops
        databaseReaders = options.integer("db-readers") ?? databaseReaders
        databasePoolSize = options.integer("db-pool") ?? databasePoolSize
        trustedProxies = options.list("trusted-proxies")
        if let resources = options.string("resources") {
            resourcesDirectory = URL(fileURLWithPath: resources, isDirectory: true)
        }
        publicURL = options.string("public-url")
        passwordHashThreads = options.integer("password-hash-threads") ?? passwordHashThreads
        smsWebhookURL = options.string("sms-webhook-url")
        smsWebhookSecret = options.string("sms-webhook-secret")
        emailWebhookURL = options.string("email-webhook-url")
        emailWebhookSecret = options.string("email-webhook-secret")
        smsCallbackSecrets = options.list("sms-callback-secret")
        billingWebhookSecrets = options.list("billing-webhook-secret")
        if billingWebhookSecrets.isEmpty, demo { billingWebhookSecrets = [BillingWebhook.demoSecret] }
        billingPastDueGraceDays = options.integer("billing-past-due-grace-days") ?? billingPastDueGraceDays
        workers = options.integer("workers") ?? workers
        jobLeaseSeconds = options.integer("job-lease-seconds") ?? jobLeaseSeconds
        if let seconds = options.integer("sms-resend-delay") { smsLimits.firstResendDelay = Double(seconds) }
        smsLimits.perNumberLimit = options.integer("sms-per-number") ?? smsLimits.perNumberLimit
        smsLimits.perTenantHourly = options.integer("sms-tenant-hourly") ?? smsLimits.perTenantHourly
        smsLimits.globalHourly = options.integer("sms-global-hourly") ?? smsLimits.globalHourly
    }

    /// The base of links in emails.
    public var effectivePublicURL: String {
        if let publicURL { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        let shownHost = host == "0.0.0.0" || host == "::" ? "localhost" : host
        return "http://\(shownHost):\(port)"
    }

    var fixturesDirectory: URL { resourcesDirectory.appendingPathComponent("Fixtures", isDirectory: true) }
    var templatesDirectory: URL { resourcesDirectory.appendingPathComponent("Templates", isDirectory: true) }
}
