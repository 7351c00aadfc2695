import Foundation
import MandateCore
import SQLite
import Storage
import Testing

@Suite("Messages: recording, forward-only status, provider callbacks")
struct MessageStoreTests {
    let now = Date(timeIntervalSince1970: 1_767_225_600)

    func queueSMS(_ temp: TemporaryDatabase, at time: Date? = nil) async throws -> QueuedMessage {
        let time = time ?? now
        return try await temp.database.write { connection in
            try MessageStore.queueSMS(
                SMSMessageRequest(
                    tenantID: "t1", userID: "u1", to: "+15550100", body: "Your code is 123456",
                    expiresAt: time.addingTimeInterval(600)), on: connection, now: time)
        }
    }

    func message(_ temp: TemporaryDatabase, _ id: String) async throws -> Message {
        try #require(try await temp.database.read { try MessageStore.message(id: id, on: $0) })
    }

    func apply(_ temp: TemporaryDatabase, _ id: String, _ status: ProviderMessageStatus) async throws
        -> ProviderStatusResult
    {
        let now = self.now
        return try await temp.database.write { connection in
            try MessageStore.applyProviderStatus(
                messageID: id, status: status, errorCode: status == .failed ? "30008" : nil, on: connection, now: now)
        }
    }

    @Test("an SMS is recorded with its job: priority 10, the code's expiry as deadline, no text stored")
    func queueSMSWithJob() async throws {
        let temp = try TemporaryDatabase()
        let queued = try await queueSMS(temp)
        #expect(queued.messageID.hasPrefix("msg_") && queued.messageID.count == 28)
        let message = try await message(temp, queued.messageID)
        #expect(message.status == .queued && message.channel == .sms && message.jobID == queued.jobID)
        #expect(message.recipient == "+15550100" && message.tenantID == "t1" && message.userID == "u1")
        let job = try #require(
            try await temp.database.read { connection in
                try connection.queryOne(
                    "SELECT kind, priority, not_after, payload FROM jobs WHERE id = ?", queued.jobID)
            })
        #expect(try job.decode(0, as: String.self) == "sms.send")
        #expect(try job.decode(1, as: Int.self) == 10)
        #expect(try job.decode(2, as: Date.self) == now.addingTimeInterval(600))
        let payload = try JSONDecoder().decode(SMSSendPayload.self, from: Data(try job.decode(3, as: String.self).utf8))
        #expect(
            payload
                == SMSSendPayload(
                    messageId: queued.messageID, to: "+15550100", body: "Your code is 123456", tenantId: "t1"))
        let columns = try await temp.database.read { connection in
            let sql =
                switch connection.dialect {
                case .sqlite: "SELECT name FROM pragma_table_info('messages')"
                case .postgres:
                    "SELECT column_name FROM information_schema.columns WHERE table_name = 'messages' "
                        + "AND table_schema = current_schema()"
                }
            return try connection.query(sql).map {
                try $0.decode(0, as: String.self)
            }
        }
        #expect(!columns.contains("body"))
    }

    @Test("an email is recorded with its job at priority 50")
    func queueEmailWithJob() async throws {
        let temp = try TemporaryDatabase()
        let now = self.now
        let queued = try await temp.database.write { connection in
            try MessageStore.queueEmail(
                EmailMessageRequest(tenantID: "t1", to: "a@example.com", subject: "Hi", text: "t", html: "<p>h</p>"),
                on: connection, now: now)
        }
        let message = try await message(temp, queued.messageID)
        #expect(message.channel == .email && message.subject == "Hi")
        let priority = try await temp.database.read { connection in
            try connection.queryOne("SELECT priority FROM jobs WHERE id = ?", queued.jobID)?.decode(0, as: Int.self)
        }
        #expect(priority == 50)
    }

    @Test("status moves forward only; a late 'sent' never overrides 'delivered'")
    func forwardOnly() async throws {
        let temp = try TemporaryDatabase()
        let id = try await queueSMS(temp).messageID
        #expect(try await apply(temp, id, .sent) == .applied)
        #expect(try await apply(temp, id, .sent) == .ignoredStale)
        #expect(try await apply(temp, id, .delivered) == .applied)
        #expect(try await apply(temp, id, .sent) == .ignoredStale)
        #expect(try await apply(temp, id, .failed) == .ignoredStale)
        let message = try await message(temp, id)
        #expect(message.status == .delivered)
        #expect(message.deliveredAt == now)
    }

    @Test("a final provider status skips 'sent' and cannot be replaced by another final one")
    func finalStatuses() async throws {
        let temp = try TemporaryDatabase()
        let id = try await queueSMS(temp).messageID
        #expect(try await apply(temp, id, .failed) == .applied)
        #expect(try await apply(temp, id, .delivered) == .ignoredStale)
        let message = try await message(temp, id)
        #expect(message.status == .failed && message.errorCode == "30008" && message.deliveredAt == nil)
    }

    @Test("delivery outcomes: accepted → sent; expired and dead do not override sent; provider truth beats dead")
    func deliveryOutcomes() async throws {
        let temp = try TemporaryDatabase()
        let now = self.now
        let first = try await queueSMS(temp)
        let second = try await queueSMS(temp)
        let results = try await temp.database.write { connection in
            [
                try MessageStore.recordDeliveryOutcome(
                    jobID: first.jobID, outcome: .accepted, on: connection, now: now),
                try MessageStore.recordDeliveryOutcome(jobID: first.jobID, outcome: .expired, on: connection, now: now),
                try MessageStore.recordDeliveryOutcome(
                    jobID: second.jobID, outcome: .dead(errorCode: "http_400"), on: connection, now: now),
                try MessageStore.recordDeliveryOutcome(jobID: 999_999, outcome: .accepted, on: connection, now: now),
            ]
        }
        #expect(results == [true, false, true, false])
        #expect(try await message(temp, first.messageID).status == .sent)
        let dead = try await message(temp, second.messageID)
        #expect(dead.status == .dead && dead.errorCode == "http_400")
        #expect(try await apply(temp, second.messageID, .delivered) == .applied)
    }

    @Test("a callback for an unknown message says so")
    func unknownMessage() async throws {
        let temp = try TemporaryDatabase()
        #expect(try await apply(temp, "msg_doesnotexist", .delivered) == .unknownMessage)
    }

    @Test("lists newest first, per tenant when asked")
    func listing() async throws {
        let temp = try TemporaryDatabase()
        var ids: [String] = []
        for offset in 0..<3 {
            ids.append(try await queueSMS(temp, at: now.addingTimeInterval(Double(offset))).messageID)
        }
        let now = self.now
        _ = try await temp.database.write { connection in
            try MessageStore.queueEmail(
                EmailMessageRequest(tenantID: "t2", to: "b@example.com", subject: "S", text: "", html: ""),
                on: connection, now: now.addingTimeInterval(10))
        }
        let all = try await temp.database.read { try MessageStore.listNewestFirst(limit: 10, on: $0) }
        #expect(all.count == 4)
        #expect(all.first?.tenantID == "t2")
        #expect(Array(all.dropFirst().map(\.id)) == ids.reversed())
        let tenant = try await temp.database.read { try MessageStore.listNewestFirst(limit: 2, tenantID: "t1", on: $0) }
        #expect(tenant.map(\.id) == [ids[2], ids[1]])
    }

    @Test("empty recipients and texts are refused")
    func invalidRequests() async throws {
        let temp = try TemporaryDatabase()
        let now = self.now
        await #expect {
            try await temp.database.write { connection in
                try MessageStore.queueSMS(SMSMessageRequest(tenantID: nil, to: "", body: "x"), on: connection, now: now)
            }
        } throws: { ($0 as? OutboxError)?.reason == .invalidMessage }
        await #expect {
            try await temp.database.write { connection in
                try MessageStore.queueEmail(
                    EmailMessageRequest(tenantID: nil, to: "a@b", subject: "", text: "", html: ""), on: connection,
                    now: now)
            }
        } throws: { ($0 as? OutboxError)?.reason == .invalidMessage }
    }
}
