import ChildProcess
import Foundation
import HTTPServer
import MandateCore
import Testing

/// The QR code of a TOTP enrollment decodes, with real tools, to exactly the `otpauth://` URI the
/// API returned: `rsvg-convert` (Debian librsvg2-bin) draws the SVG, `zbarimg` (zbar-tools) reads it.
@Suite("MFA: the enrollment QR code")
struct MFAQRCodeTests {
    @Test(
        "the API's QR code decodes to its otpauth URI",
        arguments: [
            ("Acme Inc", "alice@acme.test"),
            ("Société Générale — Zürich 東京 & Co", "jürgen.müller@例え.jp"),
        ])
    func decodes(_ organization: String, _ email: String) async throws {
        let app = try await TestApp()
        _ = try await TenantService(environment: app.environment).create(
            slug: "qr", name: organization, planID: "free", status: .active, trialDays: nil)
        _ = try await OperatorService(environment: app.environment).createUser(
            tenantSlug: "qr", email: email, name: "", role: .owner, password: TestApp.password)
        let token = try await app.login("qr", email)
        let started = await app.request(.post, "/api/v1/me/mfa/totp", token: token)
        #expect(started.status == 201)
        let uri = try #require(started.string("otpauthUri"))
        let svg = try #require(started.string("qrSvg"))
        #expect(uri.hasPrefix("otpauth://totp/"))
        #expect(uri.unicodeScalars.allSatisfy { $0.isASCII })
        let decoded = try await Self.decode(svg: svg)
        #expect(decoded == uri)
    }

    static func decode(svg: String) async throws -> String {
        let hint = "install librsvg2-bin and zbar-tools (make test-deps does)"
        let tools = ["/usr/bin/rsvg-convert", "/usr/bin/zbarimg"]
        for tool in tools where !FileManager.default.isExecutableFile(atPath: tool) {
            throw TestFailure("\(tool) is missing: \(hint)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svgFile = directory.appendingPathComponent("code.svg").path
        let pngFile = directory.appendingPathComponent("code.png").path
        try svg.write(toFile: svgFile, atomically: true, encoding: .utf8)
        _ = try await run(tools[0], ["--background-color", "white", svgFile, "--output", pngFile])
        return try await run(
            tools[1], ["--quiet", "--raw", "--nodbus", "-Sdisable", "-Sqrcode.enable", "-Sbinary", pngFile])
    }

    private static func run(_ tool: String, _ arguments: [String]) async throws -> String {
        let result = try await ChildProcess.run(tool, arguments)
        guard result.status == .exited(0) else { throw TestFailure("\(tool) exited with \(result.status)") }
        return result.outputText
    }
}
