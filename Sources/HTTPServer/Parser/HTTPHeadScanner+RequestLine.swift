extension HTTPHeadScanner {
    /// Checks the version and the form of the target once the request line's CR arrived (RFC 9112 §3).
    mutating func validateRequestLine(_ bytes: UnsafeBufferPointer<UInt8>, versionEnd: Int) throws(HTTPParseError) {
        version = try Self.parseVersion(bytes, versionStart..<versionEnd)
        try validateTargetForm(bytes)
    }

    /// `HTTP-version = "HTTP/" DIGIT "." DIGIT`, case-sensitive (RFC 9112 §2.3). Only 1.0 and 1.1 are served;
    /// other well-formed versions get 505, anything else 400.
    private static func parseVersion(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ range: Range<Int>
    ) throws(HTTPParseError) -> HTTPVersion {
        let start = range.lowerBound
        guard range.count == 8,
            bytes[start] == UInt8(ascii: "H"), bytes[start + 1] == UInt8(ascii: "T"),
            bytes[start + 2] == UInt8(ascii: "T"), bytes[start + 3] == UInt8(ascii: "P"),
            bytes[start + 4] == HTTPParserBytes.slash, HTTPParserBytes.isDigit(bytes[start + 5]),
            bytes[start + 6] == UInt8(ascii: "."), HTTPParserBytes.isDigit(bytes[start + 7])
        else {
            throw HTTPParseError(.invalidVersion, "malformed HTTP version")
        }
        switch (bytes[start + 5], bytes[start + 7]) {
        case (UInt8(ascii: "1"), UInt8(ascii: "1")): return .http1_1
        case (UInt8(ascii: "1"), UInt8(ascii: "0")): return .http1_0
        default: throw HTTPParseError(.unsupportedVersion, "HTTP version not supported")
        }
    }

    /// request-target forms (RFC 9112 §3.2): origin-form `/...`; asterisk-form `*` only for OPTIONS;
    /// authority-form only for CONNECT; otherwise absolute-form `scheme:...`.
    private func validateTargetForm(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) {
        let target = targetStart..<targetEnd
        let method = requestLineStart..<methodEnd
        let first = bytes[target.lowerBound]
        if first == HTTPParserBytes.slash { return }
        if Self.methodIs(bytes, method, "CONNECT") {
            // authority-form = uri-host ":" port
            var hasColon = false
            for index in target {
                guard HTTPParserBytes.isHostCharacter(bytes[index]) else {
                    throw HTTPParseError(.invalidTarget, "invalid authority-form target")
                }
                if bytes[index] == HTTPParserBytes.colon { hasColon = true }
            }
            guard hasColon else { throw HTTPParseError(.invalidTarget, "authority-form target without port") }
            return
        }
        if first == HTTPParserBytes.asterisk && target.count == 1 {
            guard Self.methodIs(bytes, method, "OPTIONS") else {
                throw HTTPParseError(.invalidTarget, "asterisk-form target is only allowed for OPTIONS")
            }
            return
        }
        // absolute-form: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) followed by ":" (RFC 3986 §3.1).
        guard HTTPParserBytes.isAlpha(first) else {
            throw HTTPParseError(.invalidTarget, "request target is not origin-form or absolute-form")
        }
        for index in (target.lowerBound + 1)..<target.upperBound {
            let byte = bytes[index]
            if byte == HTTPParserBytes.colon { return }
            let isSchemeCharacter =
                HTTPParserBytes.isAlpha(byte) || HTTPParserBytes.isDigit(byte)
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            guard isSchemeCharacter else { break }
        }
        throw HTTPParseError(.invalidTarget, "request target is not origin-form or absolute-form")
    }

    /// Methods are case-sensitive (RFC 9110 §9.1), so this is an exact comparison.
    private static func methodIs(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ name: StaticString) -> Bool
    {
        guard range.count == name.utf8CodeUnitCount else { return false }
        let expected = name.utf8Start
        var index = range.lowerBound
        var offset = 0
        while index < range.upperBound {
            if bytes[index] != expected[offset] { return false }
            index += 1
            offset += 1
        }
        return true
    }
}
