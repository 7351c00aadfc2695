/// The job kinds MandateCore records, with their default priority and attempt budget.
///
/// Kinds are plain strings in the `jobs` table so that a worker of another version can read
/// them; these constants keep the spelling in one place. Lower priorities run first: an SMS
/// code is waited for by a person at a sign-in screen, an email is not, a sweep can wait.
public enum JobKind {
    /// Deliver one SMS through the SMS gateway webhook.
    public static let smsSend = "sms.send"
    /// Deliver one email through the email gateway webhook.
    public static let emailSend = "email.send"
    /// A job that does nothing (benchmarks, tests).
    public static let noop = "noop"
    /// The prefix of periodic maintenance jobs (`sweep.sessions`, …).
    public static let sweepPrefix = "sweep."

    /// Priority of SMS code deliveries.
    public static let smsPriority = 10
    /// Priority of email deliveries.
    public static let emailPriority = 50
    /// Priority of sweeps and anything else.
    public static let defaultPriority = 90

    /// The priority a job of `kind` gets unless its ``NewJob`` says otherwise.
    public static func defaultPriority(for kind: String) -> Int {
        switch kind {
        case smsSend: smsPriority
        case emailSend: emailPriority
        default: defaultPriority
        }
    }

    /// How many attempts a job of `kind` gets unless its ``NewJob`` says otherwise.
    ///
    /// SMS codes live at most 10 minutes, so a few quick attempts are all that is useful (the
    /// deadline stops them anyway). Emails are worth retrying for hours. Sweeps run again next
    /// period, so one retry is enough.
    public static func defaultMaxAttempts(for kind: String) -> Int {
        switch kind {
        case smsSend: 6
        case emailSend: 12
        default: 3
        }
    }
}
