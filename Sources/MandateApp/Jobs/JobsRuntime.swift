import Foundation
import HTTPClient
import Lifecycle
import MandateCore
import MandateJobs
import SQLite
import Storage

/// The job workers and the scheduler of one process (`mandate serve` or `mandate worker`).
struct JobsRuntime {
    let services: [any Service]
    private let client: HTTPClient

    /// Stops the HTTP client's threads once the services have stopped.
    func close() { client.shutdown() }

    /// Builds the workers: gateways from the configuration (or the dev outbox at `devOutboxBase`
    /// in dev mode), one handler per message kind, the scheduler with its sweeps.
    static func make(application: Application, devOutboxBase: String) async throws(CommandLineError) -> JobsRuntime {
        let configuration = application.configuration
        let logger = application.logger.labelled("jobs")
        let queue = application.jobQueue
        let metrics = application.jobMetrics
        let client = HTTPClient(
            configuration: HTTPClient.Configuration(maximumConcurrentRequests: max(1, configuration.workers)))
        let endpoints = WebhookEndpoints(database: application.database, clock: application.clock)
        let deliverer = WebhookDeliverer(client: client, endpoints: endpoints, clock: application.clock)
        let gateways = try await Gateways.resolve(
            configuration: configuration, database: application.database, devOutboxBase: devOutboxBase)
        var handlers: [any JobHandler] = []
        if let sms = gateways.sms {
            handlers.append(SMSDeliveryHandler(gateway: sms, deliverer: deliverer))
        } else {
            logger.warning(
                "no SMS gateway: SMS jobs will be dead-lettered until MANDATE_SMS_WEBHOOK_URL and _SECRET are set")
            handlers.append(
                UnconfiguredGatewayHandler(kind: JobKind.smsSend, gateway: "SMS", variable: "MANDATE_SMS_WEBHOOK"))
        }
        if let email = gateways.email {
            handlers.append(EmailDeliveryHandler(gateway: email, deliverer: deliverer))
        } else {
            logger.warning(
                "no email gateway: emails will be dead-lettered until MANDATE_EMAIL_WEBHOOK_URL and _SECRET are set")
            handlers.append(
                UnconfiguredGatewayHandler(kind: JobKind.emailSend, gateway: "email", variable: "MANDATE_EMAIL_WEBHOOK")
            )
        }
        do {
            let registry = try JobHandlerRegistry(handlers)
            let pool = try WorkerPool(
                queue: queue, handlers: registry, notifier: application.environment.jobNotifier,
                configuration: WorkerPool.Configuration(
                    concurrency: max(1, configuration.workers),
                    leaseDuration: .seconds(configuration.jobLeaseSeconds)),
                logger: logger, metrics: metrics)
            let scheduler = Scheduler(database: application.database, clock: application.clock, logger: logger)
            let housekeeping = Housekeeping(environment: application.environment)
            try scheduler.register(task: "sessions.purge-expired", every: .seconds(3600)) { _ in
                try await housekeeping.purgeExpiredSessions()
            }
            // Exemption ends, lock-outs, sign-out policies (incl. each tenant's local midnight) and
            // enrollment emails; every 5 minutes, so a midnight is acted on at most 5 minutes late.
            let enforcementSweeper = EnforcementSweeper(environment: application.environment)
            try scheduler.register(task: "mfa.enforcement-sweep", every: .seconds(300)) { _ in
                _ = try await enforcementSweeper.sweep()
            }
            // Trials that ended and past-due grace periods that ran out without a billing webhook
            // saying so: lift the enforcement the tenant no longer pays for, once.
            let billing = BillingService(
                environment: application.environment, pastDueGraceDays: configuration.billingPastDueGraceDays)
            try scheduler.register(task: "billing.lapse-sweep", every: .seconds(60)) { _ in
                _ = try await billing.sweepLapsed()
            }
            try scheduler.register(task: "webhooks.prune-records", every: .seconds(6 * 3600)) { _ in
                try await housekeeping.pruneWebhookRecords()
            }
            try scheduler.register(task: "jobs.purge-succeeded", every: .seconds(6 * 3600)) { _ in
                _ = try await queue.purgeSucceeded(olderThan: .seconds(7 * 86_400))
            }
            if let sms = gateways.sms { logger.info("SMS gateway", ["url": .string(sms.url)]) }
            if let email = gateways.email { logger.info("email gateway", ["url": .string(email.url)]) }
            return JobsRuntime(services: [pool, scheduler], client: client)
        } catch {
            client.shutdown()
            throw CommandLineError(.configuration, "cannot start the job workers: \(error)")
        }
    }
}

/// A message kind whose gateway is not configured: the job is dead-lettered with an error that
/// says what to set, so nothing is silently dropped and `mandate jobs retry` can resend it later.
struct UnconfiguredGatewayHandler: JobHandler {
    let kind: String
    let gateway: String
    let variable: String

    var retryPolicy: RetryPolicy { .standard }

    func handle(_ job: ClaimedJob) async -> JobOutcome {
        .failed(error: "no \(gateway) gateway is configured: set \(variable)_URL and \(variable)_SECRET, then retry")
    }
}
