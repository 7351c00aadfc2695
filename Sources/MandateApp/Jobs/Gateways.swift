import Foundation
import MandateCore
import MandateJobs
import SQLite
import Storage

/// The SMS and email gateways of this process.
///
/// An explicit URL (flag or `MANDATE_*_WEBHOOK_URL`) always wins and needs its secret. Without one,
/// dev and demo mode deliver to the server's own `/dev/outbox`, signed with secrets kept in the
/// database (so `serve` and a separate `worker` agree); otherwise the gateway is unconfigured.
struct Gateways {
    var sms: WebhookGateway?
    var email: WebhookGateway?

    static func resolve(configuration: AppConfiguration, database: Database, devOutboxBase: String)
        async throws(CommandLineError) -> Gateways
    {
        var gateways = Gateways()
        var devSecrets: (sms: WebhookSecret, email: WebhookSecret)?
        func dev() async throws(CommandLineError) -> (sms: WebhookSecret, email: WebhookSecret) {
            if let devSecrets { return devSecrets }
            do {
                let loaded = try await DevOutboxSecrets.load(database: database)
                devSecrets = loaded
                return loaded
            } catch {
                throw CommandLineError(.cannotCreate, "cannot read the dev outbox secrets: \(error)")
            }
        }
        if let url = configuration.smsWebhookURL {
            gateways.sms = try explicit("sms", url: url, secret: configuration.smsWebhookSecret, variable: "SMS")
        } else if configuration.dev {
            gateways.sms = try gateway("sms", url: devOutboxBase + "/dev/outbox/sms", secret: try await dev().sms)
        }
        if let url = configuration.emailWebhookURL {
            gateways.email = try explicit(
                "email", url: url, secret: configuration.emailWebhookSecret, variable: "EMAIL")
        } else if configuration.dev {
            gateways.email = try gateway(
                "email", url: devOutboxBase + "/dev/outbox/email", secret: try await dev().email)
        }
        return gateways
    }

    private static func explicit(_ name: String, url: String, secret: String?, variable: String)
        throws(CommandLineError) -> WebhookGateway
    {
        guard let secret, !secret.isEmpty else {
            throw CommandLineError(
                .configuration, "MANDATE_\(variable)_WEBHOOK_URL is set but MANDATE_\(variable)_WEBHOOK_SECRET is not",
                hint: "Every outbound webhook is signed; give the gateway's whsec_ secret.")
        }
        do {
            return try WebhookGateway(name: name, url: url, secret: secret)
        } catch {
            throw CommandLineError(.configuration, "the \(name) gateway is not usable: \(error)")
        }
    }

    private static func gateway(_ name: String, url: String, secret: WebhookSecret) throws(CommandLineError)
        -> WebhookGateway
    {
        do {
            return try WebhookGateway(name: name, url: url, secret: secret)
        } catch {
            throw CommandLineError(.configuration, "the \(name) dev outbox gateway is not usable: \(error)")
        }
    }
}
