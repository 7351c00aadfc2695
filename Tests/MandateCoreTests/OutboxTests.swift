import Foundation
import MandateCore
import SQLite
import Storage
import Testing

@Suite("Outbox: enqueueing in the caller's transaction")
struct OutboxTests {
    let now = Date(timeIntervalSince1970: 1_767_225_600)

    struct Payload: Codable, Equatable {
        var userId: String
        var count: Int
    }

    @Test("a job commits with the caller's transaction and carries every field")
    func enqueueInTransaction() async throws {
        let temp = try TemporaryDatabase()
        let now = self.now
        let job = try NewJob(
            kind: "email.send", payload: Payload(userId: "u1", count: 2), runAt: now.addingTimeInterval(5),
            notAfter: now.addingTimeInterval(60), maxAttempts: 4, idempotencyKey: "key-1", tenantID: "t1")
        let id = try await temp.database.write { connection in
            try connection.run("CREATE TABLE IF NOT EXISTS widgets (name TEXT)")
            try connection.run("INSERT INTO widgets VALUES ('a')")
            return try Outbox.enqueue(job, on: connection, now: now)
        }
        let jobID = try #require(id)
        let row = try #require(
            try await temp.database.read { connection in
                try connection.queryOne(
                    """
                    SELECT kind, payload, priority, state, attempts, max_attempts, run_at, not_after, idempotency_key,
                        tenant_id, created_at FROM jobs WHERE id = ?
                    """, jobID)
            })
        #expect(try row.decode(0, as: String.self) == "email.send")
        #expect(try row.decode(1, as: String.self) == #"{"count":2,"userId":"u1"}"#)
        #expect(try row.decode(2, as: Int.self) == JobKind.emailPriority)
        #expect(try row.decode(3, as: String.self) == "queued")
        #expect(try row.decode(4, as: Int.self) == 0)
        #expect(try row.decode(5, as: Int.self) == 4)
        #expect(try row.decode(6, as: Date.self) == now.addingTimeInterval(5))
        #expect(try row.decode(7, as: Date.self) == now.addingTimeInterval(60))
        #expect(try row.decode(8, as: String.self) == "key-1")
        #expect(try row.decode(9, as: String.self) == "t1")
        #expect(try row.decode(10, as: Date.self) == now)
    }

    @Test("a rolled-back transaction leaves no job behind")
    func rollback() async throws {
        let temp = try TemporaryDatabase()
        let now = self.now
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await temp.database.write { connection in
                try Outbox.enqueue(try NewJob(kind: "noop", payloadJSON: Array("{}".utf8)), on: connection, now: now)
                throw Abort()
            }
        }
        let count = try await temp.database.read {
            try $0.queryOne("SELECT count(*) FROM jobs")?.decode(0, as: Int.self)
        }
        #expect(count == 0)
    }

    @Test("an existing idempotency key makes enqueue a no-op that returns nil")
    func idempotency() async throws {
        let temp = try TemporaryDatabase()
        let now = self.now
        let job = try NewJob(kind: "noop", payloadJSON: Array("{}".utf8), idempotencyKey: "once")
        let (first, second, unkeyed) = try await temp.database.write { connection in
            (
                try Outbox.enqueue(job, on: connection, now: now),
                try Outbox.enqueue(job, on: connection, now: now),
                try Outbox.enqueue(try NewJob(kind: "noop", payloadJSON: Array("{}".utf8)), on: connection, now: now)
            )
        }
        #expect(first != nil)
        #expect(second == nil)
        #expect(unkeyed != nil)
        let count = try await temp.database.read {
            try $0.queryOne("SELECT count(*) FROM jobs")?.decode(0, as: Int.self)
        }
        #expect(count == 2)
    }

    @Test("bad payloads and bad jobs are refused with a reason", arguments: ["", "{", "not json", "{\"a\":}"])
    func invalidPayload(text: String) {
        #expect {
            try NewJob(kind: "noop", payloadJSON: Array(text.utf8))
        } throws: { error in
            (error as? OutboxError)?.reason == .invalidPayload
        }
    }

    @Test("kind, attempts, deadline and key are validated at enqueue")
    func invalidJobs() async throws {
        let temp = try TemporaryDatabase()
        let now = self.now
        let jobs = [
            try NewJob(kind: "", payloadJSON: Array("{}".utf8)),
            try NewJob(kind: "noop", payloadJSON: Array("{}".utf8), maxAttempts: 0),
            try NewJob(kind: "noop", payloadJSON: Array("{}".utf8), notAfter: now),
            try NewJob(kind: "noop", payloadJSON: Array("{}".utf8), idempotencyKey: ""),
        ]
        for job in jobs {
            await #expect {
                try await temp.database.write { connection in try Outbox.enqueue(job, on: connection, now: now) }
            } throws: { error in
                (error as? OutboxError)?.reason == .invalidJob
            }
        }
    }

    @Test("the notifier calls observers until they are removed")
    func notifier() {
        let notifier = JobNotifier()
        final class Counter: @unchecked Sendable {
            // @unchecked: only touched from this test's thread (notify runs observers synchronously).
            var value = 0
        }
        let counter = Counter()
        let observation = notifier.addObserver { counter.value += 1 }
        notifier.notify()
        notifier.notify()
        notifier.removeObserver(observation)
        notifier.notify()
        #expect(counter.value == 2)
    }
}
