import Foundation

/// What the enforcement sweep tells a user, or records about them, once per deadline: the kinds of
/// `mfa_notices` rows (DESIGN.md §3 "Enforcement": an email when the enrollment period starts,
/// reminders 3 days and 1 day before the deadline; an audit event when a `lock_out` deadline passes).
///
/// Each notice is claimed in `mfa_notices` (primary key user, kind, deadline) in the transaction that
/// queues its email, so several sweepers racing send it once; a new deadline (an enrollment reset, a
/// new requirement) starts a new series.
enum EnforcementNotice: String, Sendable, CaseIterable {
    /// The enrollment period started: "set up MFA by …".
    case periodStarted = "period_started"
    case reminder3Days = "reminder_3d"
    case reminder1Day = "reminder_1d"
    /// The deadline passed under `lock_out` (an audit event, no email).
    case expired

    /// Reminders, the most urgent first.
    static let reminders: [EnforcementNotice] = [.reminder1Day, .reminder3Days]

    /// How long before the deadline a reminder is due.
    var offset: TimeInterval {
        switch self {
        case .reminder1Day: 86_400
        case .reminder3Days: 3 * 86_400
        case .periodStarted, .expired: 0
        }
    }

    /// A reminder is not sent when the user got an email about the same deadline less than this
    /// long before the reminder was due: that email named the deadline already, and a second one
    /// minutes or hours later is noise (a 2-day period gets the start email and, a day later, the
    /// 1-day reminder; never the 3-day one).
    static let freshness: TimeInterval = 12 * 3600

    /// The email notice due for a user in their enrollment period, given the notices already sent
    /// for this deadline (kind → when), or nil.
    ///
    /// - The start notice comes first, whenever the period is noticed.
    /// - Then only the most urgent reminder whose time has come: when the 1-day reminder is due the
    ///   3-day one is skipped (a sweeper that was down does not send both).
    /// - A reminder is skipped when the last email about this deadline is fresher than
    ///   ``freshness`` at the reminder's due time (a period shorter than the reminder's offset
    ///   starts with the start notice alone).
    static func due(deadline: Date, now: Date, sent: [EnforcementNotice: Date]) -> EnforcementNotice? {
        guard now < deadline else { return nil }
        guard sent[.periodStarted] != nil else { return .periodStarted }
        let latest = EnforcementNotice.allCases.filter { $0 != .expired }.compactMap { sent[$0] }.max() ?? .distantPast
        for reminder in reminders {
            let dueAt = deadline.addingTimeInterval(-reminder.offset)
            if now >= dueAt {
                return latest < dueAt.addingTimeInterval(-freshness) ? reminder : nil
            }
        }
        return nil
    }

    /// ``due(deadline:now:sent:)`` in SQL, for user `c.id` in their enrollment period with the key
    /// `c.k` (the deadline is `c.k >> 1`, see ``EnforcementSQL``); binds `:now` and `:fresh`.
    static let dueSQL = """
        (NOT EXISTS (
            SELECT 1 FROM mfa_notices n
            WHERE n.user_id = c.id AND n.deadline = c.k >> 1 AND n.kind = 'period_started')
        OR (SELECT MAX(n.sent_at) FROM mfa_notices n
            WHERE n.user_id = c.id AND n.deadline = c.k >> 1
                AND n.kind IN ('period_started', 'reminder_3d', 'reminder_1d'))
            < CASE
                WHEN :now >= (c.k >> 1) - 86400000 THEN (c.k >> 1) - 86400000 - :fresh
                WHEN :now >= (c.k >> 1) - 259200000 THEN (c.k >> 1) - 259200000 - :fresh
                ELSE -9223372036854775807 END)
        """

    /// ``freshness`` in milliseconds, for `:fresh`.
    static let freshnessMilliseconds = Int64(freshness * 1000)
}
