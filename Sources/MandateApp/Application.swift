public import Crypto
import Foundation
public import HTTPServer
public import Lifecycle
public import MandateCore
public import MandateJobs
public import MandateWeb
import SQLite
public import Storage
import Synchronization

/// The composition root: opens the database, applies migrations and wires the services.
public final class Application: Sendable {
    public let configuration: AppConfiguration
    public let database: Database
    public let logger: Logger
    public let metrics: MetricsRegistry
    public let clock: any WallClock
    public let environment: CoreEnvironment
    /// The job queue of the database, and its metrics (queue depth, oldest age, deliveries).
    public let jobQueue: JobQueue
    let jobMetrics: JobMetrics

    private init(
        configuration: AppConfiguration, database: Database, logger: Logger, metrics: MetricsRegistry,
        clock: any WallClock, environment: CoreEnvironment
    ) {
        self.configuration = configuration
        self.database = database
        self.logger = logger
        self.metrics = metrics
        self.clock = clock
        self.environment = environment
        jobQueue = JobQueue(database: database, clock: clock)
        jobMetrics = JobMetrics(registry: metrics, queue: jobQueue)
    }

    /// Opens (creating if needed) and migrates the database.
    public static func open(
        _ configuration: AppConfiguration, clock: any WallClock = SystemClock(),
        logSink: any LogSink = StandardErrorLogSink.shared, passwordParameters: ScryptParameters = .owasp
    ) async throws(CommandLineError) -> Application {
        let logger = Logger(label: "mandate", level: configuration.logLevel, sink: logSink, clock: clock)
        let resources = try await runOffPool { () throws(CommandLineError) -> Resources in
            try Resources.load(configuration)
        }
        let database = try openDatabase(configuration)
        do {
            let applied = try await Schema.migrator(for: database.dialect).migrate(database)
            if !applied.isEmpty {
                logger.info("migrations applied", ["migrations": .string(applied.joined(separator: ","))])
            }
        } catch {
            database.close()
            throw CommandLineError(
                .cannotCreate,
                "cannot migrate the database at \(configuration.databaseLocation): \(StorageError.operatorMessage(error))",
                hint: "Is it a Mandate database written by this or an older version?")
        }
        let metrics = MetricsRegistry()
        ProcessMetrics.register(in: metrics, startTime: Date().timeIntervalSince1970)
        let hasher = PasswordHasher(
            parameters: passwordParameters, threads: configuration.passwordHashThreads, metrics: metrics)
        let environment = CoreEnvironment(
            database: database, clock: clock, catalog: resources.catalog, hasher: hasher,
            blocklist: resources.blocklist, logger: logger.labelled("core"),
            publicBaseURL: configuration.effectivePublicURL, templates: resources.templates,
            smsLimits: configuration.smsLimits)
        return Application(
            configuration: configuration, database: database, logger: logger, metrics: metrics, clock: clock,
            environment: environment)
    }

    /// Opens the database: the SQLite file (creating the default folder; explicit paths must
    /// already have theirs), or the PostgreSQL server of a `postgres://` URL.
    static func openDatabase(_ configuration: AppConfiguration) throws(CommandLineError) -> Database {
        let location = configuration.databaseLocation
        if case .sqlite(let path) = location, path == AppConfiguration.defaultDatabasePath {
            try? FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        do {
            return try Database.open(location, connections: configuration.databaseConnections)
        } catch {
            switch location {
            case .sqlite:
                throw CommandLineError(
                    .cannotCreate, StorageError.operatorMessage(error),
                    hint:
                        "Check that the folder exists and is writable, or choose another file with --db or MANDATE_DB.")
            case .postgres:
                throw CommandLineError(
                    .cannotCreate, StorageError.operatorMessage(error),
                    hint: "Check the URL given with --db or MANDATE_DB, and that the server accepts connections.")
            }
        }
    }

    /// Stops the hashing threads and closes the database.
    public func close() {
        environment.hasher.shutdown()
        database.close()
    }

    /// The HTTP routes of the whole service, frozen.
    public func makeResponder() -> RouterResponder<MandateContext> {
        makeRouter().makeResponder(logger: logger.labelled("http"))
    }

    /// The HTTP server, not yet started; `/readyz` reports its drain.
    public func makeHTTPServer() -> HTTPServer {
        let configuration = HTTPServerConfiguration(
            host: self.configuration.host, port: self.configuration.port,
            eventLoopCount: self.configuration.eventLoops, trustedProxies: self.configuration.trustedProxies)
        let handle = ServerHandle()
        let responder = makeRouter(isDraining: { handle.server?.isDraining ?? false })
            .makeResponder(logger: logger.labelled("http"))
        let server = HTTPServer(configuration: configuration, responder: responder, logger: logger.labelled("http"))
        handle.server = server
        return server
    }

    /// Serves until SIGTERM or SIGINT, with the job workers and the scheduler in the same process
    /// (unless `--workers 0`). Shutdown runs in reverse: the HTTP server drains first, then the
    /// workers finish or release their jobs, then the database closes.
    public func serve() async throws(CommandLineError) {
        let server = makeHTTPServer()
        let port: Int
        do {
            port = try server.start()
        } catch {
            close()
            switch error.reason {
            case .addressInUse:
                throw CommandLineError(
                    .unavailable, error.message, hint: "Stop the other process or choose another port with --port.")
            case .permissionDenied:
                throw CommandLineError(.unavailable, error.message, hint: "Ports below 1024 need privileges.")
            default:
                throw CommandLineError(.configuration, error.message)
            }
        }
        var jobs: JobsRuntime?
        if configuration.workers > 0 {
            do {
                jobs = try await JobsRuntime.make(application: self, devOutboxBase: ownAddress(port: port))
            } catch {
                await server.shutdown()
                close()
                throw error
            }
        }
        try await run(services: (jobs?.services ?? []) + [server])
        jobs?.close()
        close()
    }

    /// Runs the job workers and the scheduler only (`mandate worker`), next to a `serve` elsewhere.
    public func work() async throws(CommandLineError) {
        let jobs: JobsRuntime
        do {
            jobs = try await JobsRuntime.make(application: self, devOutboxBase: configuration.effectivePublicURL)
        } catch {
            close()
            throw error
        }
        try await run(services: jobs.services)
        jobs.close()
        close()
    }

    private func run(services: [any Service]) async throws(CommandLineError) {
        do {
            try await ServiceGroup(services: services, logger: logger.labelled("lifecycle")).run()
        } catch {
            close()
            throw CommandLineError(.software, "a service failed: \(error)")
        }
    }

    /// How this process reaches itself (the dev outbox): the public URL when set, else loopback.
    private func ownAddress(port: Int) -> String {
        if configuration.publicURL != nil { return configuration.effectivePublicURL }
        let host = configuration.host
        let reachable = host == "0.0.0.0" || host == "::" || host.contains(":") ? "127.0.0.1" : host
        return "http://\(reachable):\(port)"
    }
}

/// Lets routes built before the server ask it whether it is draining.
private final class ServerHandle: Sendable {
    private let stored = Mutex<HTTPServer?>(nil)

    var server: HTTPServer? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
