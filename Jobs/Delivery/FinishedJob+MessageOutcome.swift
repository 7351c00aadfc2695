import Foundation
import MandateCore

extension FinishedJob {
    /// The message status this job's end implies. A dead job's error code is `http_<status>`
    /// when the gateway answered, otherwise the dead reason (`failed`, `exhausted`, …).
    var messageDeliveryOutcome: MessageDeliveryOutcome {
        switch (state, deadReason) {
        case (.succeeded, _): return .accepted
        case (_, .expired): return .expired
        default:
            return .dead(errorCode: Self.httpStatusCode(in: error) ?? deadReason?.rawValue ?? "failed")
        }
    }

    /// `http_400` from an error that starts with `HTTP 400 …` (or holds it after "last error: ").
    private static func httpStatusCode(in error: String?) -> String? {
        guard let error, let range = error.range(of: "HTTP ") else { return nil }
        let digits = error[range.upperBound...].prefix(3)
        guard digits.count == 3, digits.allSatisfy(\.isNumber) else { return nil }
        return "http_" + digits
    }
}
