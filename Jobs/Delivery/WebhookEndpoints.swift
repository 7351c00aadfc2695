public import Foundation
public import Lifecycle
import SQLite
public import Storage
import Synchronization

/// Which outbound webhook endpoints are disabled (`webhook_endpoints`): a 410 Gone disables one
/// until an operator enables it again.
///
/// Every delivery asks, so answers are cached for `cacheLifetime` (a second by default): a
/// disable by this process is seen at once, one by another process, or an enable, within that
/// time.
public final class WebhookEndpoints: Sendable {
    private struct CachedStatus {
        var disabledReason: String?
        var readAt: ContinuousClock.Instant
    }

    private let database: Database
    private let clock: any WallClock
    private let cacheLifetime: Duration
    private let cache = Mutex<[String: CachedStatus]>([:])

    /// Endpoint states stored in `database`.
    public init(database: Database, clock: any WallClock = SystemClock(), cacheLifetime: Duration = .seconds(1)) {
        self.database = database
        self.clock = clock
        self.cacheLifetime = cacheLifetime
    }

    /// Why `name` is disabled, or nil when it is enabled.
    ///
    /// - Throws: ``JobQueueError`` `storage`.
    public func disabledReason(of name: String) async throws(JobQueueError) -> String? {
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[name] }), cached.readAt.duration(to: now) < cacheLifetime {
            return cached.disabledReason
        }
        let reason: String?
        do {
            reason = try await database.read { connection in
                guard
                    let row = try connection.queryOne(
                        "SELECT disabled_at, disabled_reason FROM webhook_endpoints WHERE name = ?", name),
                    try row.decode(0, as: Date?.self) != nil
                else { return nil }
                return try row.decode(1, as: String?.self) ?? "disabled"
            }
        } catch {
            throw .wrapping(error, while: "cannot read the state of webhook endpoint '\(name)'")
        }
        cache.withLock { $0[name] = CachedStatus(disabledReason: reason, readAt: now) }
        return reason
    }

    /// Disables `name`, keeping the first reason if it already is.
    public func disable(_ name: String, reason: String) async throws(JobQueueError) {
        let clock = self.clock
        do {
            try await database.write { connection in
                _ = try connection.run(
                    """
                    INSERT INTO webhook_endpoints (name, disabled_at, disabled_reason) VALUES (?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET disabled_at = excluded.disabled_at,
                        disabled_reason = excluded.disabled_reason
                    WHERE webhook_endpoints.disabled_at IS NULL
                    """, name, clock.now(), reason)
            }
        } catch {
            throw .wrapping(error, while: "cannot disable webhook endpoint '\(name)'")
        }
        cache.withLock { $0[name] = CachedStatus(disabledReason: reason, readAt: .now) }
    }

    /// Enables `name` again (operators, after the receiver is fixed; then retry its dead jobs).
    public func enable(_ name: String) async throws(JobQueueError) {
        do {
            try await database.write { connection in
                _ = try connection.run(
                    "UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = NULL WHERE name = ?", name)
            }
        } catch {
            throw .wrapping(error, while: "cannot enable webhook endpoint '\(name)'")
        }
        cache.withLock { $0[name] = nil }
    }

    /// The disabled endpoints: name, since when, why.
    public func disabledEndpoints() async throws(JobQueueError) -> [(name: String, since: Date, reason: String)] {
        do {
            return try await database.read { connection in
                try connection.query(
                    """
                    SELECT name, disabled_at, coalesce(disabled_reason, '') FROM webhook_endpoints
                    WHERE disabled_at IS NOT NULL ORDER BY name
                    """
                ).map { row in (try row.decode(0), try row.decode(1), try row.decode(2)) }
            }
        } catch {
            throw .wrapping(error, while: "cannot list disabled webhook endpoints")
        }
    }
}
