import Testing

@testable import QRCode

/// The decisive check: what the encoder draws, real decoders read back byte for byte. Each test renders the SVG to
/// PNG with `rsvg-convert` and decodes it with `zbarimg` (see `DecoderTools`).
@Suite("Round trip through rsvg-convert and zbarimg")
struct RoundTripTests {
    /// Encodes `text`, decodes the drawing, and expects the exact same bytes back.
    private func expectRoundTrip(
        _ text: String, errorCorrection: ErrorCorrectionLevel = .medium,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let code = try QRCode(encoding: text, errorCorrection: errorCorrection)
        let decoded = try await DecoderTools.decode(code)
        #expect(
            decoded == Array(text.utf8),
            "version \(code.version)-\(errorCorrection), mask \(code.mask), \(text.utf8.count) bytes",
            sourceLocation: sourceLocation)
        #expect(String(decoding: decoded, as: UTF8.self) == text, sourceLocation: sourceLocation)
    }

    @Test("Short ASCII text")
    func shortASCII() async throws {
        try await expectRoundTrip("Hello, world!")
    }

    @Test("ASCII otpauth URI")
    func asciiOTPAuthURI() async throws {
        try await expectRoundTrip(
            "otpauth://totp/Acme%20Corp:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
                + "&issuer=Acme%20Corp&algorithm=SHA1&digits=6&period=30")
    }

    @Test("otpauth URI with a percent-encoded non-ASCII tenant and email")
    func nonASCIIOTPAuthURI() async throws {
        let uri = Payloads.nonASCIIOTPAuthURI
        #expect(uri.utf8.count > 250)
        #expect(uri.contains("Soci%C3%A9t%C3%A9%20G%C3%A9n%C3%A9rale%20%E2%80%94%20Z%C3%BCrich%20%E6%9D%B1%E4%BA%AC"))
        try await expectRoundTrip(uri)
    }

    @Test("Raw non-ASCII text, not percent-encoded")
    func rawNonASCII() async throws {
        try await expectRoundTrip("Société Générale — Zürich 東京 · jürgen.müller@例え.jp 😀")
    }

    @Test("A long text needs version 10 or more")
    func longText() async throws {
        let text = String(repeating: Payloads.nonASCIIOTPAuthURI, count: 2).prefix(400)
        let code = try QRCode(encoding: String(text))
        #expect(code.version >= 10)
        try await expectRoundTrip(String(text))
    }

    @Test("Lengths from 1 to 700 bytes", arguments: Array(stride(from: 1, through: 700, by: 37)))
    func lengthSweep(byteCount: Int) async throws {
        let text = Payloads.text(byteCount: byteCount)
        #expect(text.utf8.count == byteCount)
        try await expectRoundTrip(text)
    }

    @Test("Every version at level M, filled to capacity", arguments: VersionTable.versions)
    func fullVersion(version: Int) async throws {
        let text = Payloads.text(byteCount: VersionTable.byteCapacity(version: version, level: .medium), seed: 7)
        let code = try QRCode(encoding: text)
        #expect(code.version == version)
        try await expectRoundTrip(text)
    }

    @Test("Every mask pattern decodes", arguments: 0..<8)
    func forcedMask(mask: Int) async throws {
        let bytes = Array(Payloads.text(byteCount: 150, seed: 3).utf8)
        let code = try QRCode(bytes: bytes, errorCorrection: .medium, mask: mask)
        #expect(code.mask == mask)
        #expect(try await DecoderTools.decode(code) == bytes)
    }

    @Test("Every byte value, not only valid UTF-8")
    func allByteValues() async throws {
        let bytes = (0...255).map(UInt8.init)
        let code = try QRCode(bytes: bytes, errorCorrection: .medium, mask: nil)
        #expect(try await DecoderTools.decode(code) == bytes)
    }

    @Test(
        "Levels L, Q and H",
        arguments: [ErrorCorrectionLevel.low, .quartile, .high], [1, 100, 333, 1000])
    func otherLevels(level: ErrorCorrectionLevel, byteCount: Int) async throws {
        try await expectRoundTrip(Payloads.text(byteCount: byteCount, seed: 11), errorCorrection: level)
    }
}
