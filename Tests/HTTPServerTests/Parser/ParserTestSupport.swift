import Foundation
import Testing

@testable import HTTPServer

/// A comparable rendering of one parser event.
enum ParsedEvent: Equatable, CustomStringConvertible {
    case head(ParsedHead)
    case complete(body: [UInt8])

    init(_ event: HTTPParserEvent) {
        switch event {
        case .head(let head): self = .head(ParsedHead(head))
        case .complete(let body): self = .complete(body: body)
        }
    }

    var description: String {
        switch self {
        case .head(let head): "head(\(head.method) \(head.target) keepAlive=\(head.keepAlive))"
        case .complete(let body): "complete(\(body.count) bytes)"
        }
    }
}

/// A comparable copy of `HTTPRequestHead`.
struct ParsedHead: Equatable {
    var method: String
    var target: String
    var version: HTTPVersion
    var fields: [String]
    var framing: HTTPBodyFraming
    var keepAlive: Bool
    var expectsContinue: Bool

    init(_ head: HTTPRequestHead) {
        method = head.method
        target = head.target
        version = head.version
        fields = head.headers.map { "\($0.name): \($0.value)" }
        framing = head.framing
        keepAlive = head.keepAlive
        expectsContinue = head.expectsContinue
    }
}

/// Everything a parser produced for some input: its events, and the error it stopped at, if any.
struct ParseOutcome: Equatable {
    var events: [ParsedEvent] = []
    var error: HTTPParseError?

    var heads: [ParsedHead] {
        events.compactMap { if case .head(let head) = $0 { head } else { nil } }
    }

    var bodies: [[UInt8]] {
        events.compactMap { if case .complete(let body) = $0 { body } else { nil } }
    }

    /// Requests a server answers before closing: completed requests up to and including the first one that
    /// does not keep the connection alive.
    var requestsAnswered: Int {
        var answered = 0
        var keepAlive = true
        for event in events {
            switch event {
            case .head(let head): keepAlive = head.keepAlive
            case .complete:
                answered += 1
                if !keepAlive { return answered }
            }
        }
        return answered
    }
}

/// Feeds `chunks` to a fresh parser, draining events after each, and checks the poisoning contract.
func parse(
    _ chunks: [[UInt8]],
    limits: HTTPParserLimits = .init(),
    useRawBuffers: Bool = false
) -> ParseOutcome {
    var parser = HTTPRequestParser(limits: limits)
    var outcome = ParseOutcome()
    for chunk in chunks {
        if useRawBuffers {
            chunk.withUnsafeBytes { parser.append($0) }
        } else {
            parser.append(contentsOf: chunk)
        }
        do {
            while let event = try parser.next() {
                outcome.events.append(ParsedEvent(event))
            }
        } catch {
            outcome.error = error
            // Poisoned: the same error forever, whatever arrives next.
            parser.append(contentsOf: Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            #expect(throws: error) { try parser.next() }
            #expect(!parser.isIdle && !parser.hasPartialRequest)
            return outcome
        }
    }
    return outcome
}

/// Parses `bytes` handed over in one piece.
func parse(_ bytes: [UInt8], limits: HTTPParserLimits = .init()) -> ParseOutcome {
    parse([bytes], limits: limits)
}

/// Parses `text` (use \r\n explicitly) handed over in one piece.
func parse(_ text: String, limits: HTTPParserLimits = .init()) -> ParseOutcome {
    parse([Array(text.utf8)], limits: limits)
}

/// Parses `bytes` handed over one byte at a time.
func parseBytewise(_ bytes: [UInt8], limits: HTTPParserLimits = .init()) -> ParseOutcome {
    parse(bytes.map { [$0] }, limits: limits, useRawBuffers: true)
}

/// Parses `bytes` split in two at `position`.
func parseSplit(_ bytes: [UInt8], at position: Int, limits: HTTPParserLimits = .init()) -> ParseOutcome {
    parse([Array(bytes[..<position]), Array(bytes[position...])], limits: limits)
}

/// Expects `text` to be rejected with `status` (and `kind` when given), whole and byte by byte.
func expectRejected(
    _ text: String,
    status: Int,
    kind: HTTPParseError.Kind? = nil,
    limits: HTTPParserLimits = .init(),
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let bytes = Array(text.utf8)
    let whole = parse(bytes, limits: limits)
    #expect(
        whole.error?.status == status, "\(whole.error.map(\.description) ?? "no error")", sourceLocation: sourceLocation
    )
    if let kind {
        #expect(whole.error?.kind == kind, sourceLocation: sourceLocation)
    }
    #expect(parseBytewise(bytes, limits: limits) == whole, sourceLocation: sourceLocation)
}

/// Expects `text` to parse without error into exactly `requests` requests; returns the outcome.
@discardableResult
func expectAccepted(
    _ text: String,
    requests: Int = 1,
    limits: HTTPParserLimits = .init(),
    sourceLocation: SourceLocation = #_sourceLocation
) -> ParseOutcome {
    let bytes = Array(text.utf8)
    let whole = parse(bytes, limits: limits)
    #expect(whole.error == nil, "\(whole.error.map(\.description) ?? "")", sourceLocation: sourceLocation)
    #expect(whole.bodies.count == requests, sourceLocation: sourceLocation)
    #expect(parseBytewise(bytes, limits: limits) == whole, sourceLocation: sourceLocation)
    return whole
}

/// The directory holding the committed raw-request corpus (`Fixtures/http` at the repository root).
let httpFixturesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Parser
    .deletingLastPathComponent()  // HTTPServerTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // repository root
    .appendingPathComponent("Fixtures/http")
