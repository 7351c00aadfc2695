import ChildProcess
import Foundation
import Glibc
import Testing

@Suite("Child processes of the tests: posix_spawn")
struct ChildProcessTests {
    @Test("exit status, output and error output, and input fed through a pipe")
    func roundTrip() async throws {
        let echoed = try await ChildProcess.run(
            "/bin/sh", ["-c", "cat; echo oops >&2; exit 3"], input: Array("hello\n".utf8))
        #expect(echoed.status == .exited(3))
        #expect(echoed.status.code == 3)
        #expect(echoed.outputText == "hello\n")
        #expect(echoed.errorText == "oops\n")

        let merged = try await ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2"], error: .sameAsOutput)
        #expect(merged.status == .exited(0))
        #expect(merged.outputText == "out\nerr\n")
    }

    @Test("a name without a slash is looked up on PATH; the environment is ours with the overrides laid over it")
    func pathAndEnvironment() async throws {
        let result = try await ChildProcess.run(
            "sh", ["-c", "printf '%s|%s' \"$CHILD_TEST\" \"$HOME\""], environment: ["CHILD_TEST": "yes"])
        #expect(result.outputText == "yes|\(ProcessInfo.processInfo.environment["HOME"] ?? "")")
    }

    @Test("a program that does not exist is a thrown error naming it, not a crash")
    func missingProgram() async throws {
        let error = try #require(
            throws: ChildProcessError.self, performing: { try ChildProcess("/nonexistent/program", []) })
        #expect(error.description.contains("/nonexistent/program"))
    }

    @Test("the child inherits only standard input, output and error, however many descriptors are open here")
    func onlyStandardDescriptors() async throws {
        // Descriptors without close-on-exec, as a test process has plenty of (sockets, databases);
        // `$$` is the shell, which opens nothing of its own.
        let open = (0..<50).map { _ in Glibc.open("/dev/null", O_RDONLY) }
        defer { for fd in open { Glibc.close(fd) } }
        let result = try await ChildProcess.run("/bin/sh", ["-c", "ls /proc/$$/fd"])
        #expect(result.outputText.split(separator: "\n").sorted() == ["0", "1", "2"])
    }

    @Test("output to a file, a signal to the process group, and the status a signal leaves")
    func fileOutputAndSignals() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString).log").path
        defer { unlink(path) }
        // The shell waits for a grandchild in its group. Neither ends on its own within any time a
        // starved parallel run may take to come back to this test (once, in CI, over 30 s).
        let child = try ChildProcess(
            "/bin/sh", ["-c", "echo started; sleep 3600 & wait"], output: .file(path), error: .sameAsOutput)
        defer { child.signalGroup(SIGKILL) }
        let deadline = Date().addingTimeInterval(60)
        while (try? String(contentsOfFile: path, encoding: .utf8)) != "started\n", Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "started\n")
        #expect(child.isRunning)
        child.signalGroup(SIGKILL)
        #expect(await child.wait() == .signalled(SIGKILL))
        child.signal(SIGKILL)  // already reaped: nothing is sent
    }

    @Test("a child that exits without reading its input is no error for the writer")
    func brokenPipe() async throws {
        let result = try await ChildProcess.run("/bin/true", [], input: [UInt8](repeating: 65, count: 1 << 20))
        #expect(result.status == .exited(0))
    }
}
