import Foundation
public import HTMLTemplates
public import Lifecycle
public import SQLite
public import Storage

/// What every service needs: the database, the clock, the plan catalog, the password machinery.
public struct CoreEnvironment: Sendable {
    public let database: Database
    public let clock: any WallClock
    public let catalog: PlanCatalog
    public let hasher: PasswordHasher
    public let blocklist: PasswordBlocklist
    public let logger: Logger
    /// The public address of the service, for links in emails (`https://mandate.example.com`).
    public let publicBaseURL: String
    /// Email and SMS message templates (`Templates/email`, `Templates/sms`).
    public let templates: TemplateLibrary
    /// Wakes in-process job workers after a transaction that queued jobs has committed.
    public let jobNotifier: JobNotifier
    /// SMS code lifetime and anti-abuse limits.
    public let smsLimits: SMSLimits

    public init(
        database: Database, clock: any WallClock, catalog: PlanCatalog, hasher: PasswordHasher,
        blocklist: PasswordBlocklist, logger: Logger, publicBaseURL: String, templates: TemplateLibrary,
        jobNotifier: JobNotifier = JobNotifier(), smsLimits: SMSLimits = SMSLimits()
    ) {
        self.database = database
        self.clock = clock
        self.catalog = catalog
        self.hasher = hasher
        self.blocklist = blocklist
        self.logger = logger
        self.publicBaseURL = publicBaseURL
        self.templates = templates
        self.jobNotifier = jobNotifier
        self.smsLimits = smsLimits
    }

    /// Runs `body` in a write transaction, mapping failures to `CoreError` (unique violations
    /// become conflicts; anything unexpected is logged and becomes an internal failure).
    func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws(CoreError) -> T {
        do {
            return try await database.write(body)
        } catch {
            throw map(error)
        }
    }

    /// Runs `body` on a reader connection.
    func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws(CoreError) -> T {
        do {
            return try await database.read(body)
        } catch {
            throw map(error)
        }
    }

    private func map(_ error: any Error) -> CoreError {
        if let error = error as? CoreError { return error }
        if DatabaseErrors.isUniqueViolation(error) {
            return CoreError(.conflict, "That already exists.")
        }
        logger.error("storage failure", ["error": .string(String(describing: error))])
        return CoreError(.internalFailure, "A storage error occurred.")
    }
}
