import MandateCore

extension HelpText {
    /// `mandate billing --help`.
    static var billing: String {
        """
        mandate billing — act as the billing provider, for demos and tests.

        USAGE:
          mandate billing send-test-event --tenant ID|SLUG [--type TYPE] [--plan PLAN] [--status STATUS]
                                   [--trial-ends-at ISO8601] [--url URL] [--webhook-id ID] [--dry-run]
                                   Post one signed billing webhook to <url>\(BillingWebhook.path) and print
                                   the answer. TYPE is subscription.updated (default),
                                   subscription.canceled or trial.ended; --plan is required except for
                                   subscription.canceled; --status defaults to active for
                                   subscription.updated, canceled otherwise.
          mandate billing send-test-event --fixture FILE [--url URL] [--webhook-id ID] [--dry-run]
                                   Send a sample of Fixtures/webhooks/billing/ with its timestamp
                                   rewritten to now, signed now (the files' own signatures are too old
                                   for a live server).

        The event is signed per Standard Webhooks with --secret, else \(BillingWebhook.secretVariable)
        (the first of a comma-separated list), else the demo secret that `mandate serve --demo` accepts.
        Each send has a fresh webhook-id; repeat one with --webhook-id to see a replay ignored.

        EXIT CODES: 0 the server answered 2xx · 1 it answered something else · 64 bad usage
          · 65 unreadable fixture · 69 no server at --url · 78 bad secret in the environment

        OPTIONS:

        """ + describe(BillingCommand.sendTestEventOptions)
    }
}
