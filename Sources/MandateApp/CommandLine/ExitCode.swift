/// Process exit codes, after BSD `sysexits.h`, so scripts can tell failures apart.
public enum ExitCode: Int32, Sendable {
    case success = 0
    /// Something failed at run time (a failed job, a refused change).
    case failure = 1
    /// A bad flag, a missing argument, a value of the wrong form.
    case usage = 64
    /// Input data was invalid (a seed file, an import).
    case dataError = 65
    /// The port is already in use, or another resource is busy.
    case unavailable = 69
    /// An internal error: a bug.
    case software = 70
    /// The database file cannot be created or opened for writing.
    case cannotCreate = 73
    /// The configuration is invalid (plan catalog, environment variables).
    case configuration = 78
}
