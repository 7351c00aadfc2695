import Foundation
import Lifecycle
import Testing

@Suite("JSON logging")
struct LoggerTests {
    @Test("one JSON object per line with time, level, label, message and metadata")
    func jsonLines() throws {
        let sink = CapturingLogSink()
        let clock = ManualClock(Date(timeIntervalSince1970: 1_767_225_600.123))
        let logger = Logger(label: "http", sink: sink, clock: clock).with(["requestId": "r1"])
        logger.info("served \"quoted\"\nnext", ["status": 200, "ok": true])
        logger.debug("not shown")
        #expect(sink.lines.count == 1)
        let line = try #require(sink.lines.first)
        #expect(line.hasSuffix("}\n"))
        #expect(line.filter { $0 == "\n" }.count == 1)
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["ts"] as? String == "2026-01-01T00:00:00.123Z")
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "http")
        #expect(object["msg"] as? String == "served \"quoted\"\nnext")
        #expect(object["status"] as? Int == 200)
        #expect(object["ok"] as? Bool == true)
        #expect(object["requestId"] as? String == "r1")
    }

    @Test("control characters are escaped")
    func escaping() {
        #expect(JSONText.quoted("a\u{01}b\\") == "\"a\\u0001b\\\\\"")
    }

    @Test("RFC 3339 timestamps parse, with offsets and fractions, and reject impossible dates")
    func timestamps() {
        #expect(Timestamp.parse("2026-01-01T00:00:00Z") == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(Timestamp.parse("2026-01-01T01:30:00+01:30") == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(Timestamp.parse("2026-01-01T00:00:00.5Z") == Date(timeIntervalSince1970: 1_767_225_600.5))
        #expect(Timestamp.parse("2026-02-30T00:00:00Z") == nil)
        #expect(Timestamp.parse("2026-01-01 00:00:00Z") == nil)
        #expect(Timestamp.parse("yesterday") == nil)
    }
}
