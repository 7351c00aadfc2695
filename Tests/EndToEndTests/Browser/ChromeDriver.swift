import ChildProcess
import Foundation
import Glibc
import HTTPClient
import Synchronization

/// A `chromedriver` child process and the HTTP client that speaks W3C WebDriver to it.
///
/// One driver serves every session of a suite (see ``ChromeDriverTrait``): starting chromedriver
/// costs a little, and each session starts its own Chromium anyway. The child gets a process group
/// of its own (pgid = pid, see ``ChildProcess``), and Chromium inherits that group, so ``stop()``
/// can signal the whole group: chromedriver alone does not stop Chromium on SIGTERM.
final class ChromeDriver: Sendable {
    /// The driver of the running suite, set by ``ChromeDriverTrait``.
    @TaskLocal static var current: ChromeDriver?

    let port: Int
    /// chromedriver's own output, kept under the artifacts folder for post-mortems.
    let logFile: URL
    /// `TMPDIR` of chromedriver and Chromium: Chromium leaves a directory with its singleton socket
    /// in the temporary folder after every session, so it gets a folder that ``stop()`` removes.
    let temporaryFolder: URL

    private let process: ChildProcess
    private let client: HTTPClient
    private let openSessions = Mutex<Set<String>>([])

    private init(process: ChildProcess, port: Int, logFile: URL, temporaryFolder: URL, client: HTTPClient) {
        self.process = process
        self.port = port
        self.logFile = logFile
        self.temporaryFolder = temporaryFolder
        self.client = client
    }

    deinit {
        // Last resort when a suite never reached `stop()`: nothing may outlive the test run.
        if process.isRunning { process.signalGroup(SIGKILL) }
        client.shutdown()
        try? FileManager.default.removeItem(at: temporaryFolder)
    }

    /// Starts chromedriver on a port the kernel picks and waits until `GET /status` says ready.
    static func start(name: String) async throws -> ChromeDriver {
        try Browser.requireAvailable()
        let logFile = Browser.artifactsDirectory.appendingPathComponent("logs/chromedriver-\(name).log")
        try FileManager.default.createDirectory(
            at: logFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporaryFolder = try temporaryDirectory()
        let process = try ChildProcess(
            Browser.chromedriverPath, ["--port=0"], environment: ["TMPDIR": temporaryFolder.path],
            output: .file(logFile.path), error: .sameAsOutput)
        let client = HTTPClient(
            configuration: .init(
                connectTimeout: .seconds(5), totalTimeout: .seconds(90), maximumConcurrentRequests: 8,
                maximumResponseBodySize: 64 << 20, userAgent: "Mandate browser tests"))
        guard let port = await announcedPort(in: logFile, of: process) else {
            process.signalGroup(SIGKILL)
            client.shutdown()
            try? FileManager.default.removeItem(at: temporaryFolder)
            throw WebDriverError(
                reason: .driverDidNotStart,
                message: "chromedriver did not announce its port; its log:\n\(Self.read(logFile))")
        }
        let driver = ChromeDriver(
            process: process, port: port, logFile: logFile, temporaryFolder: temporaryFolder, client: client)
        try await driver.waitUntilReady()
        return driver
    }

    /// Sends one WebDriver command and returns the `value` of its response.
    ///
    /// A W3C error response (any 4xx or 5xx with `{"value": {"error": …}}`) becomes a
    /// ``WebDriverError`` with that `error` code and `message` (W3C WebDriver §6.6).
    @discardableResult
    func command(_ method: String, _ path: String, _ body: WebDriverJSON? = nil) async throws -> WebDriverJSON {
        var request = HTTPClientRequest(method: method, url: "http://127.0.0.1:\(port)\(path)")
        if let body {
            request.headers = [("Content-Type", "application/json; charset=utf-8")]
            request.body = try body.encoded()
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request)
        } catch {
            throw WebDriverError(reason: .transport, message: "\(method) \(path): \(error.message)")
        }
        guard let json = try? WebDriverJSON.decode(response.body), let value = json["value"] else {
            throw WebDriverError(
                reason: .invalidResponse,
                message:
                    "\(method) \(path) answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        }
        if let code = value["error"]?.stringValue {
            let message = value["message"]?.stringValue ?? "(no message)"
            throw WebDriverError(reason: .command(code: code), message: "\(method) \(path): \(message)")
        }
        return value
    }

    /// Starts Chromium with `options` (W3C WebDriver §8.1, "New Session").
    func newSession(_ options: BrowserOptions = BrowserOptions()) async throws -> WebDriverSession {
        let value = try await command("POST", "/session", ["capabilities": ["alwaysMatch": options.capabilities]])
        guard let id = value["sessionId"]?.stringValue else {
            throw WebDriverError(reason: .invalidResponse, message: "New Session returned no sessionId")
        }
        openSessions.withLock { _ = $0.insert(id) }
        return WebDriverSession(id: id, driver: self)
    }

    /// Quits the session's Chromium; errors are ignored because this runs on cleanup paths.
    func deleteSession(_ id: String) async {
        guard openSessions.withLock({ $0.remove(id) }) != nil else { return }
        _ = try? await command("DELETE", "/session/\(id)")
    }

    /// Quits every open session, asks chromedriver to exit, then kills whatever is left of its
    /// process group.
    func stop() async {
        for id in openSessions.withLock({ Array($0) }) { await deleteSession(id) }
        _ = try? await command("GET", "/shutdown")
        let deadline = ContinuousClock.now + .seconds(3)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        process.signalGroup(SIGKILL)  // ESRCH when the group is already gone, the usual case
        client.shutdown()
        try? FileManager.default.removeItem(at: temporaryFolder)
    }

    private func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, process.isRunning {
            if let status = try? await command("GET", "/status"), status["ready"]?.boolValue == true { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
        await stop()
        throw WebDriverError(
            reason: .driverDidNotStart, message: "chromedriver never became ready; its log:\n\(Self.read(logFile))")
    }

    /// The port from chromedriver's "ChromeDriver was started successfully on port 41023." line.
    private static func announcedPort(in logFile: URL, of process: ChildProcess) async -> Int? {
        let marker = "started successfully on port "
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let log = read(logFile)
            if let range = log.range(of: marker) { return Int(log[range.upperBound...].prefix { $0.isNumber }) }
            if !process.isRunning { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    private static func read(_ file: URL) -> String {
        (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    }
}
