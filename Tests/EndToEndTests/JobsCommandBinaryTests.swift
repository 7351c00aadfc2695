import DatabaseTestSupport
import Foundation
import Testing

/// `mandate jobs …` through the real binary: exit codes and output on a fresh database. The
/// in-process suite of MandateAppTests (`mandate jobs`) covers listing, showing, retrying and
/// purging real jobs.
@Suite("mandate jobs (binary)", .serialized)
struct JobsCommandBinaryTests {
    /// A migrated, empty database (SQLite, or PostgreSQL under `MANDATE_TEST_DATABASE`), dropped
    /// when the value goes away.
    static func freshDatabase() async throws -> ScratchDatabase {
        let database = try ScratchDatabase(label: "jobsbinary")
        let (status, output) = try await MandateProcess.run(["migrate", "--db", database.argument])
        #expect(status == 0, "\(output)")
        return database
    }

    @Test("list on an empty queue prints the counts table and exits 0")
    func listEmpty() async throws {
        let database = try await Self.freshDatabase()
        defer { withExtendedLifetime(database) {} }
        let path = database.argument
        let (status, output) = try await MandateProcess.run(["jobs", "list", "--db", path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("STATE"))
        #expect(output.contains("dead"))
        #expect(output.contains("No jobs match."))
    }

    @Test("an unknown job id exits 65 with a clear message")
    func unknownID() async throws {
        let database = try await Self.freshDatabase()
        defer { withExtendedLifetime(database) {} }
        let path = database.argument
        let (status, output) = try await MandateProcess.run(["jobs", "show", "4242", "--db", path])
        #expect(status == 65)
        #expect(output.contains("no job has id 4242"))
        let (retryStatus, _) = try await MandateProcess.run(["jobs", "retry", "4242", "--db", path])
        #expect(retryStatus == 65)
    }

    @Test("a bad state name or subcommand exits 64")
    func usage() async throws {
        let database = try await Self.freshDatabase()
        defer { withExtendedLifetime(database) {} }
        let path = database.argument
        let (status, output) = try await MandateProcess.run(["jobs", "list", "--state", "finished", "--db", path])
        #expect(status == 64)
        #expect(output.contains("--state must be one of queued, running, succeeded, dead"))
        let (unknownStatus, _) = try await MandateProcess.run(["jobs", "frobnicate", "--db", path])
        #expect(unknownStatus == 64)
    }

    @Test("endpoints and purge-dead run on an empty database")
    func operations() async throws {
        let database = try await Self.freshDatabase()
        defer { withExtendedLifetime(database) {} }
        let path = database.argument
        let (status, output) = try await MandateProcess.run(["jobs", "endpoints", "--db", path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("sms"))
        let (purgeStatus, purged) = try await MandateProcess.run(["jobs", "purge-dead", "--db", path])
        #expect(purgeStatus == 0)
        #expect(purged.contains("Deleted 0 dead jobs"))
    }

    @Test("--help describes the subcommands")
    func help() async throws {
        let (status, output) = try await MandateProcess.run(["jobs", "--help"])
        #expect(status == 0)
        #expect(output.contains("--reveal"))
        #expect(output.contains("purge-dead"))
    }
}
