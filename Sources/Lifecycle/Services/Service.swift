/// A long-running part of the process (the HTTP server, the job workers, the scheduler).
///
/// `run()` does the work and returns once the service has stopped; `shutdown()` asks it to stop
/// gracefully (finish in-flight work, release resources) and may be called before, during or after
/// `run()`, any number of times.
public protocol Service: Sendable {
    /// A short name for logs, e.g. `http`, `workers`.
    var name: String { get }
    /// Runs until the service stops on its own or after `shutdown()`.
    func run() async throws
    /// Requests a graceful stop. Returns promptly; `run()` returns when draining is done.
    func shutdown() async
}
