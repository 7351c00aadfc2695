// libFuzzer target for HTTPRequestParser, built by Fuzz/fuzz-http-parser.sh together with the parser sources
// alone (one module, no imports) under -sanitize=fuzzer,address.
//
// The oracle is differential: the same input parsed whole, in pseudo-random splits derived from the input, and
// (for short inputs) one byte at a time must give identical events and errors. It also checks the parser's
// contract: `.head` and `.complete` alternate, bodies match their framing and never exceed the limit, and after
// an error the parser yields nothing but that same error. Any violation traps, which libFuzzer reports as a
// crash with the input saved.

/// Limits small enough that random inputs reach every limit path.
private let tightLimits = HTTPParserLimits(
    maxRequestLineLength: 40,
    maxHeadLength: 120,
    maxHeaderCount: 4,
    maxBodyLength: 64
)

@_cdecl("LLVMFuzzerTestOneInput")
public func httpParserFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    for limits in [HTTPParserLimits(), tightLimits] {
        let whole = FuzzParse.run(input, chunkSizes: [input.count], limits: limits)
        let split = FuzzParse.run(input, chunkSizes: FuzzParse.chunkSizes(for: input), limits: limits)
        FuzzParse.require(whole == split, "split parse differs from whole parse")
        if input.count <= 512 {
            let bytewise = FuzzParse.run(input, chunkSizes: Array(repeating: 1, count: input.count), limits: limits)
            FuzzParse.require(whole == bytewise, "byte-by-byte parse differs from whole parse")
        }
    }
    return 0
}

/// One parse of a fuzz input, recorded as comparable text lines.
private enum FuzzParse {
    static func require(_ condition: Bool, _ message: StaticString) {
        if !condition { fatalError("\(message)") }
    }

    /// Chunk sizes from 1 to 64 drawn from a generator seeded by the input's FNV-1a hash, so a crash reproduces.
    static func chunkSizes(for input: [UInt8]) -> [Int] {
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in input { state = (state ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var sizes: [Int] = []
        var remaining = input.count
        while remaining > 0 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            let size = min(remaining, Int(state % 64) + 1)
            sizes.append(size)
            remaining -= size
        }
        return sizes
    }

    static func run(_ input: [UInt8], chunkSizes: [Int], limits: HTTPParserLimits) -> [String] {
        var parser = HTTPRequestParser(limits: limits)
        var record: [String] = []
        var offset = 0
        var expectingHead = true
        var framing = HTTPBodyFraming.none
        for size in chunkSizes {
            input[offset..<(offset + size)].withUnsafeBytes { parser.append($0) }
            offset += size
            require(parser.bufferedByteCount >= 0 && parser.bufferedByteCount <= offset, "buffered count")
            do {
                while let event = try parser.next() {
                    switch event {
                    case .head(let head):
                        require(expectingHead, "two heads in a row")
                        expectingHead = false
                        framing = head.framing
                        record.append(describe(head))
                    case .complete(let body):
                        require(!expectingHead, "body without head")
                        expectingHead = true
                        require(body.count <= limits.maxBodyLength, "body above the limit")
                        if case .contentLength(let length) = framing { require(body.count == length, "length") }
                        if case .none = framing { require(body.isEmpty, "body without framing") }
                        record.append("complete \(body)")
                    }
                    require(!(parser.isIdle && parser.hasPartialRequest), "idle and partial at once")
                }
            } catch {
                record.append("error \(error.status) \(error.kind) \(error.reason)")
                checkPoisoned(&parser, error)
                return record
            }
            require(!(parser.isIdle && parser.hasPartialRequest), "idle and partial at once")
        }
        record.append("end idle=\(parser.isIdle) partial=\(parser.hasPartialRequest)")
        return record
    }

    /// After an error nothing but the same error may come out, whatever arrives next.
    private static func checkPoisoned(_ parser: inout HTTPRequestParser, _ error: HTTPParseError) {
        for _ in 0..<2 {
            do {
                _ = try parser.next()
                require(false, "event after an error")
            } catch let again {
                require(again == error, "different error after an error")
            }
            parser.append(contentsOf: "GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        }
        require(!parser.isIdle && !parser.hasPartialRequest && parser.bufferedByteCount == 0, "poisoned state")
    }

    private static func describe(_ head: HTTPRequestHead) -> String {
        var text = "head \(head.method) \(head.target) \(head.version) \(head.framing)"
        text += " keepAlive=\(head.keepAlive) continue=\(head.expectsContinue)"
        for field in head.headers { text += " [\(field.name): \(field.value)]" }
        return text
    }
}
