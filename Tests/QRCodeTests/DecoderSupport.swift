import ChildProcess
import Foundation
import Testing

@testable import QRCode

/// The command-line tools of the round-trip tests: `rsvg-convert` (Debian librsvg2-bin) draws the SVG into a PNG
/// and `zbarimg` (Debian zbar-tools) decodes it. Both are test dependencies of the project; when one is missing the
/// tests fail and say what to install.
enum DecoderTools {
    /// What to do when a tool is missing.
    static let installHint = "install the QR code test dependencies: apt-get install librsvg2-bin zbar-tools"

    /// The first executable `name` on PATH, or in /usr/bin.
    static func locate(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin"]
        for directory in directories where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Draws `code` as SVG (with a title full of characters that need escaping), renders it with `rsvg-convert`,
    /// decodes it with `zbarimg`, and returns the bytes of the one symbol found.
    ///
    /// `zbarimg` options: `--raw` prints the data alone, with no "QR-Code:" prefix; `-Sbinary` hands back the bytes
    /// of the symbol as they are, with no guess at their character set and no newline added; `-Sdisable
    /// -Sqrcode.enable` looks for QR codes only; `--nodbus` keeps it from reaching for the system bus.
    static func decode(_ code: QRCode) async throws -> [UInt8] {
        let rsvgConvert = try #require(locate("rsvg-convert"), "rsvg-convert not found on PATH: \(installHint)")
        let zbarimg = try #require(locate("zbarimg"), "zbarimg not found on PATH: \(installHint)")

        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("qrcode-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svgFile = directory.appendingPathComponent("code.svg")
        let pngFile = directory.appendingPathComponent("code.png")
        try Data(code.svg(title: "QR <code> & \"friends\" 'n' stuff").utf8).write(to: svgFile)

        let render = try await ChildProcess.run(
            rsvgConvert, ["--background-color", "white", svgFile.path, "--output", pngFile.path])
        try #require(render.status == .exited(0), "rsvg-convert failed (\(render.status)): \(render.errorText)")

        let scan = try await ChildProcess.run(
            zbarimg, ["--quiet", "--raw", "--nodbus", "-Sdisable", "-Sqrcode.enable", "-Sbinary", pngFile.path])
        try #require(
            scan.status == .exited(0),
            "zbarimg found no QR code (\(scan.status), version \(code.version)): \(scan.errorText)")
        return scan.output
    }
}

/// Test payloads.
enum Payloads {
    /// `text` percent-encoded as UTF-8 bytes, leaving only the unreserved characters of RFC 3986 as they are.
    static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if ("0"..."9").contains(scalar) || ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar)
                || "-._~".unicodeScalars.contains(scalar)
            {
                result.unicodeScalars.append(scalar)
            } else {
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }

    /// An otpauth URI whose tenant and account hold accents, a dash, CJK characters and an internationalised
    /// domain, percent-encoded as UTF-8 the way an authenticator app expects.
    static let nonASCIIOTPAuthURI: String = {
        let tenant = percentEncoded("Société Générale — Zürich 東京")
        let account = percentEncoded("jürgen.müller@例え.jp")
        return "otpauth://totp/\(tenant):\(account)?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=\(tenant)"
            + "&algorithm=SHA1&digits=6&period=30"
    }()

    /// A string of exactly `byteCount` UTF-8 bytes mixing ASCII with two-, three- and four-byte characters, the
    /// same for the same `byteCount` and `seed`.
    static func text(byteCount: Int, seed: UInt64 = 1) -> String {
        let alphabet: [Character] = ["a", "Z", "7", " ", "%", "/", "é", "ß", "—", "東", "€", "😀", "\u{0}", "~"]
        var state = seed &* 6_364_136_223_846_793_005 &+ UInt64(byteCount)
        var result = ""
        var remaining = byteCount
        while remaining > 0 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let character = alphabet[Int(state >> 33) % alphabet.count]
            let length = character.utf8.count
            if length <= remaining {
                result.append(character)
                remaining -= length
            } else {
                result.append("x")
                remaining -= 1
            }
        }
        return result
    }
}
