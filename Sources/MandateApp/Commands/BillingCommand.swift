import Foundation
import HTTPClient
import MandateCore

/// `mandate billing send-test-event`: posts one signed billing webhook (DESIGN.md §4) to a running
/// server, as the billing provider would, and reports the answer.
///
/// The event is built from flags, or taken from a fixture (`--fixture`) whose timestamp is
/// rewritten to now; either way it is signed now with a fresh `webhook-id` (or `--webhook-id`, to
/// show that a replay is ignored). The secret is never printed.
enum BillingCommand {
    static let defaultURL = "http://127.0.0.1:8080"

    static let usage = """
        usage: mandate billing send-test-event --tenant ID|SLUG [--type TYPE] [--plan PLAN] [--status STATUS]
                 [--trial-ends-at ISO8601] [--url URL] [--secret whsec_…] [--webhook-id ID] [--dry-run]
               mandate billing send-test-event --fixture FILE [--url URL] [--secret whsec_…] [--webhook-id ID]
                 [--dry-run]
        """

    /// Options of `send-test-event`. None reads a `MANDATE_*` variable of its own: the secret comes
    /// from `MANDATE_BILLING_WEBHOOK_SECRET`, the variable `serve` reads.
    static let sendTestEventOptions: [OptionSpec] = [
        OptionSpec(
            "url", default: defaultURL, environment: false,
            help: "Base URL of the server; posts to <url>/webhooks/billing."),
        OptionSpec(
            "type", environment: false,
            help: "subscription.updated (default), subscription.canceled or trial.ended."),
        OptionSpec("tenant", environment: false, help: "Organization id (ten_…) or slug, e.g. acme. Required."),
        OptionSpec(
            "plan", environment: false,
            help: "Plan id: free, team, business, enterprise. Not needed for subscription.canceled."),
        OptionSpec(
            "status", environment: false,
            help: "active, trialing, past_due or canceled (default: active for updated, else canceled)."),
        OptionSpec("trial-ends-at", environment: false, help: "End of the trial, ISO 8601 (2026-12-01T00:00:00Z)."),
        OptionSpec(
            "secret", environment: false,
            help: "whsec_ signing secret (the first of a comma-separated list); "
                + "else \(BillingWebhook.secretVariable), else the demo secret."),
        OptionSpec(
            "fixture", environment: false,
            help: "Send this fixture's body (Fixtures/webhooks/billing/*.json), re-signed now."),
        OptionSpec("webhook-id", environment: false, help: "The webhook-id to send (default: a fresh msg_…)."),
        OptionSpec("dry-run", kind: .flag, environment: false, help: "Print the request; send nothing."),
    ]

    /// Options that describe the event, which `--fixture` replaces.
    private static let eventOptions = ["type", "tenant", "plan", "status", "trial-ends-at"]

    /// Runs a subcommand, printing results to standard output and notes to standard error.
    static func run(_ arguments: [String], environment: [String: String]) async throws(CommandLineError) -> ExitCode {
        try await run(
            arguments, environment: environment, output: { print($0) },
            notice: { FileHandle.standardError.write(Data("mandate: \($0)\n".utf8)) })
    }

    /// Runs a subcommand, handing each line of output to `output` and each note to `notice`.
    static func run(
        _ arguments: [String], environment: [String: String], now: Date = Date(), output: (String) -> Void,
        notice: (String) -> Void
    ) async throws(CommandLineError) -> ExitCode {
        guard arguments.first == "send-test-event" else {
            let problem = arguments.first.map { "unknown billing command '\($0)'" } ?? "missing billing command"
            throw CommandLineError(.usage, "\(problem)\n\(usage)")
        }
        let options = try ParsedOptions(
            arguments: Array(arguments.dropFirst()), specs: sendTestEventOptions, environment: environment)
        if let extra = options.positional.first {
            throw CommandLineError(.usage, "unexpected argument '\(extra)' for 'billing send-test-event'")
        }
        let secret = try signingSecret(options, environment: environment, notice: notice)
        let timestamp = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let summary: String
        let body: [UInt8]
        if let fixture = options.string("fixture") {
            if let clash = eventOptions.first(where: { options.string($0) != nil }) {
                throw CommandLineError(
                    .usage, "--fixture sends the fixture's event; it cannot be combined with --\(clash)")
            }
            (body, summary) = try BillingTestEvent.fixtureBody(path: fixture, timestamp: timestamp)
        } else {
            (body, summary) = try eventBody(options, timestamp: timestamp)
        }
        let event = BillingTestEvent(
            baseURL: options.string("url") ?? defaultURL, summary: summary, body: body,
            id: try webhookID(options), timestamp: timestamp, secret: secret)
        if options.flag("dry-run") {
            output("POST \(event.url)")
            for (name, value) in event.headers { output("\(name): \(value)") }
            output("")
            output(String(decoding: event.body, as: UTF8.self))
            return .success
        }
        return try await send(event, output: output)
    }

    /// The body described by `--type`, `--tenant`, `--plan`, `--status` and `--trial-ends-at`.
    private static func eventBody(_ options: ParsedOptions, timestamp: Date) throws(CommandLineError) -> (
        [UInt8], String
    ) {
        let typeName = options.string("type") ?? BillingWebhook.EventType.subscriptionUpdated.rawValue
        guard let type = BillingWebhook.EventType(rawValue: typeName) else {
            let names = BillingWebhook.EventType.allCases.map(\.rawValue).joined(separator: ", ")
            throw CommandLineError(.usage, "--type must be one of \(names), not '\(typeName)'")
        }
        let tenant = try options.require("tenant")
        let plan = options.string("plan")
        if type != .subscriptionCanceled, plan?.isEmpty ?? true {
            throw CommandLineError(
                .usage, "option '--plan' is required for \(type.rawValue)",
                hint: "Plans of the demo: free, team, business, enterprise.")
        }
        let status: SubscriptionStatus
        if let statusName = options.string("status") {
            guard let parsed = SubscriptionStatus(rawValue: statusName) else {
                let names = SubscriptionStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw CommandLineError(.usage, "--status must be one of \(names), not '\(statusName)'")
            }
            status = parsed
        } else {
            status = type == .subscriptionUpdated ? .active : .canceled
        }
        var trialEndsAt: Date?
        if let text = options.string("trial-ends-at") {
            guard let date = BillingTestEvent.parseISO(text) else {
                throw CommandLineError(
                    .usage,
                    "--trial-ends-at must be an ISO 8601 date and time such as 2026-12-01T00:00:00Z, not '\(text)'")
            }
            trialEndsAt = date
        }
        let body = BillingTestEvent.body(
            type: type, timestamp: timestamp, tenant: tenant, plan: plan, status: status, trialEndsAt: trialEndsAt)
        return (body, "\(type.rawValue) for \(tenant)")
    }

    /// `--secret`, else `MANDATE_BILLING_WEBHOOK_SECRET` (the first of a list), else the demo secret.
    private static func signingSecret(
        _ options: ParsedOptions, environment: [String: String], notice: (String) -> Void
    ) throws(CommandLineError) -> WebhookSecret {
        let source: String
        let list: String
        if let flag = options.string("secret") {
            (source, list) = ("--secret", flag)
        } else if let variable = environment[BillingWebhook.secretVariable] {
            (source, list) = (BillingWebhook.secretVariable, variable)
        } else {
            (source, list) = ("", "")
        }
        let first = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        guard let first else {
            notice(
                "no --secret or \(BillingWebhook.secretVariable) given: signing with the demo secret, "
                    + "which only `mandate serve --demo` accepts")
            return try! WebhookSecret(BillingWebhook.demoSecret)  // A constant, checked by the tests.
        }
        do {
            return try WebhookSecret(first)
        } catch {
            // The message names the problem, never the secret.
            throw CommandLineError(
                source == "--secret" ? .usage : .configuration, "\(source) is not a usable secret: \(error.message)")
        }
    }

    private static func webhookID(_ options: ParsedOptions) throws(CommandLineError) -> String {
        guard let id = options.string("webhook-id") else {
            return "msg_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        }
        // The id goes into a header and into the signed content, whose "." separates it.
        guard !id.isEmpty, id.utf8.count <= 200, id.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else {
            throw CommandLineError(.usage, "--webhook-id must be 1 to 200 printable ASCII characters without spaces")
        }
        return id
    }

    /// Posts the event and prints the answer; any status but 2xx is an error.
    private static func send(_ event: BillingTestEvent, output: (String) -> Void) async throws(CommandLineError)
        -> ExitCode
    {
        let client = HTTPClient(
            configuration: HTTPClient.Configuration(
                connectTimeout: .seconds(5), totalTimeout: .seconds(15), maximumConcurrentRequests: 1,
                maximumResponseBodySize: 1 << 20, userAgent: "mandate/\(MandateCommand.version) billing"))
        defer { client.shutdown() }
        let webhookID = event.headers.first { $0.name == "webhook-id" }?.value ?? ""
        output("POST \(event.url): \(event.summary), webhook-id \(webhookID)")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(
                HTTPClientRequest(method: "POST", url: event.url, headers: event.headers, body: event.body))
        } catch {
            throw failure(error, url: event.url)
        }
        output("HTTP \(response.status)")
        if !response.body.isEmpty { output(String(decoding: response.body, as: UTF8.self)) }
        guard (200..<300).contains(response.status) else {
            throw CommandLineError(.failure, "the server answered \(response.status)", hint: hint(for: response.status))
        }
        return .success
    }

    private static func failure(_ error: HTTPClientError, url: String) -> CommandLineError {
        let startServer = "Is `mandate serve` running there? Start one with `mandate serve --demo`, or pass --url."
        switch error.reason {
        case .connectionFailed:
            return CommandLineError(
                .unavailable, "cannot connect to \(url) (\(error.message))", hint: startServer)
        case .couldNotResolveHost:
            return CommandLineError(.unavailable, "cannot resolve the host of \(url): \(error.message)")
        case .timedOut:
            return CommandLineError(.unavailable, "no answer from \(url) in time: \(error.message)", hint: startServer)
        case .invalidURL, .unsupportedScheme:
            return CommandLineError(.usage, "--url must be an http:// or https:// URL (\(error.message))")
        default:
            return CommandLineError(.failure, "sending to \(url) failed: \(error.message)")
        }
    }

    private static func hint(for status: Int) -> String? {
        switch status {
        case 401:
            "The signature or its timestamp was refused: sign with a secret the server accepts "
                + "(--secret or \(BillingWebhook.secretVariable)); `serve --demo` accepts the demo secret."
        case 404:
            "Does the server handle POST \(BillingWebhook.path), and does the organization exist?"
        case 400, 422:
            "The server refused the event's content; its answer is above."
        default:
            nil
        }
    }
}
