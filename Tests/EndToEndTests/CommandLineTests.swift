import DatabaseTestSupport
import Foundation
import Glibc
import Testing

@Suite("The mandate binary", .serialized)
struct CommandLineTests {
    @Test("--version and --help succeed")
    func versionAndHelp() async throws {
        let (status, output) = try await MandateProcess.run(["--version"])
        #expect(status == 0)
        #expect(output.hasPrefix("mandate "))
        let (helpStatus, help) = try await MandateProcess.run(["serve", "--help"])
        #expect(helpStatus == 0)
        #expect(help.contains("[MANDATE_PORT]"))
    }

    @Test("a bad flag exits 64 with a clear message")
    func badFlag() async throws {
        let (status, output) = try await MandateProcess.run(["serve", "--prot", "80"])
        #expect(status == 64)
        #expect(output.contains("unknown option '--prot'"))
        let (valueStatus, valueOutput) = try await MandateProcess.run(["serve"], environment: ["MANDATE_PORT": "http"])
        #expect(valueStatus == 64)
        #expect(valueOutput.contains("MANDATE_PORT must be a whole number"))
    }

    @Test("an unwritable database path exits 73")
    func unwritableDatabase() async throws {
        let directory = try temporaryDirectory()
        let blocker = directory.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        let (status, output) = try await MandateProcess.run([
            "serve", "--port", "0", "--db", blocker.appendingPathComponent("mandate.sqlite").path,
        ])
        #expect(status == 73)
        #expect(output.contains("mandate: error: cannot open database"), "\(output)")
    }

    @Test("an unreachable PostgreSQL server exits 73, names it and keeps the password out of the output")
    func unreachablePostgres() async throws {
        for command in [["serve", "--port", "0"], ["migrate"]] {
            let (status, output) = try await MandateProcess.run(
                command + ["--db", "postgres://mandate:hunter2@127.0.0.1:1/mandate"])
            #expect(status == 73, "\(output)")
            // The operator reads the engine's words, not the Swift type around them.
            #expect(output.contains("mandate: error: cannot connect to PostgreSQL (host 127.0.0.1, port 1"))
            #expect(output.contains("Check the URL given with --db or MANDATE_DB"))
            #expect(!output.contains("hunter2"))
        }
    }

    @Test("a port already in use exits 69")
    func portInUse() async throws {
        let (a, b) = (try ScratchDatabase(label: "porta"), try ScratchDatabase(label: "portb"))
        defer { withExtendedLifetime((a, b)) {} }
        let first = try MandateProcess(["serve", "--port", "0", "--db", a.argument])
        let port = try #require(await first.listeningPort())
        let (status, output) = try await MandateProcess.run(["serve", "--port", String(port), "--db", b.argument])
        #expect(status == 69)
        #expect(output.contains("already in use"))
        first.signal(SIGTERM)
        #expect(await first.waitForExit() == 0)
    }

    @Test("migrate creates the schema and is idempotent")
    func migrate() async throws {
        let database = try ScratchDatabase(label: "migrate")
        defer { withExtendedLifetime(database) {} }
        let (status, output) = try await MandateProcess.run(["migrate", "--db", database.argument])
        #expect(status == 0)
        #expect(output.contains("applied"))
        #expect(output.contains("up to date"))
        let (again, repeated) = try await MandateProcess.run(["migrate", "--db", database.argument])
        #expect(again == 0)
        #expect(!repeated.contains("applied"))
        #expect(repeated.contains("up to date"))
    }

    @Test("SIGTERM drains a request in flight, answers it with Connection: close, then exits 0")
    func sigtermDrains() async throws {
        let database = try ScratchDatabase(label: "drain")
        defer { withExtendedLifetime(database) {} }
        let server = try MandateProcess(["serve", "--port", "0", "--db", database.argument])
        let port = try #require(await server.listeningPort())
        #expect(try Wire.get(port: port, path: "/healthz").contains("200 OK"))
        // A request whose body is still arriving when the signal comes.
        let fd = try Wire.connect(port: port)
        defer { close(fd) }
        Wire.send(fd, "POST /healthz HTTP/1.1\r\nHost: e2e\r\nContent-Length: 10\r\n\r\n12345")
        try await Task.sleep(for: .milliseconds(200))
        server.signal(SIGTERM)
        #expect(await server.waitFor("draining"))
        try await Task.sleep(for: .milliseconds(200))
        Wire.send(fd, "67890")
        let response = Wire.readAll(fd)
        #expect(response.hasPrefix("HTTP/1.1 405"))
        #expect(response.contains("Connection: close"))
        #expect(await server.waitForExit() == 0)
        #expect(server.log.contains("\"msg\":\"stopped\""))
    }
}
