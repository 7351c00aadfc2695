import CLinux
import Glibc

/// The file actions and attributes of one `posix_spawn`, and the pipes made for it.
final class SpawnPlan {
    /// The parent's end of each standard stream that is a pipe, by child descriptor (0, 1, 2).
    private(set) var parentEnds: [Int32?] = [nil, nil, nil]
    /// The child's ends, closed in the parent once the child has them.
    private var childEnds: [Int32] = []
    private var actions = posix_spawn_file_actions_t()
    private var attributes = posix_spawnattr_t()

    init() {
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
    }

    deinit {
        posix_spawn_file_actions_destroy(&actions)
        posix_spawnattr_destroy(&attributes)
    }

    /// Connects the child's descriptor `target` (0, 1 or 2).
    func redirect(_ input: ChildInput, to target: Int32) throws(ChildProcessError) {
        switch input {
        case .null: try open("/dev/null", O_RDONLY, as: target)
        case .file(let path): try open(path, O_RDONLY, as: target)
        case .pipe: try pipe(childReads: true, as: target)
        }
    }

    /// Connects the child's descriptor `target` (1 or 2).
    func redirect(_ output: ChildOutput, to target: Int32) throws(ChildProcessError) {
        switch output {
        case .null: try open("/dev/null", O_WRONLY, as: target)
        case .file(let path): try open(path, O_WRONLY | O_CREAT | O_TRUNC, as: target)
        case .collect: try pipe(childReads: false, as: target)
        case .sameAsOutput: try check(posix_spawn_file_actions_adddup2(&actions, 1, target), "dup2")
        }
    }

    private func open(_ path: String, _ flags: Int32, as target: Int32) throws(ChildProcessError) {
        try check(posix_spawn_file_actions_addopen(&actions, target, path, flags, 0o644), "open \(path)")
    }

    private func pipe(childReads: Bool, as target: Int32) throws(ChildProcessError) {
        var fds: [Int32] = [-1, -1]
        // Close-on-exec on both ends: no other child started meanwhile may inherit them. dup2 in
        // the child clears the flag on the copy it keeps.
        guard pipe2(&fds, O_CLOEXEC) == 0 else { throw ChildProcessError("pipe2 failed: \(errnoText())") }
        let (childEnd, parentEnd) = childReads ? (fds[0], fds[1]) : (fds[1], fds[0])
        childEnds.append(childEnd)
        parentEnds[Int(target)] = parentEnd
        try check(posix_spawn_file_actions_adddup2(&actions, childEnd, target), "dup2")
    }

    /// Starts the child; returns its pid.
    func spawn(
        _ executable: String, arguments: [String], environment: [String: String]
    ) throws(ChildProcessError) -> pid_t {
        // Everything from descriptor 3 on is closed in the child, whatever its close-on-exec flag.
        try check(posix_spawn_file_actions_addclosefrom_np(&actions, 3), "closefrom")
        try check(
            posix_spawnattr_setflags(
                &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)),
            "setflags")
        try check(posix_spawnattr_setpgroup(&attributes, 0), "setpgroup")
        var mask = sigset_t()
        sigemptyset(&mask)
        try check(posix_spawnattr_setsigmask(&attributes, &mask), "setsigmask")
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        try check(posix_spawnattr_setsigdefault(&attributes, &defaults), "setsigdefault")

        let argv = CStringArray(arguments)
        let envp = CStringArray(environment.map { "\($0.key)=\($0.value)" })
        var pid: pid_t = 0
        let code = withExtendedLifetime((argv, envp)) {
            executable.contains("/")
                ? posix_spawn(&pid, executable, &actions, &attributes, argv.pointers, envp.pointers)
                : posix_spawnp(&pid, executable, &actions, &attributes, argv.pointers, envp.pointers)
        }
        guard code == 0 else { throw ChildProcessError("cannot start \(executable): \(errnoText(code))") }
        return pid
    }

    /// The parent's copies of the child's ends: closed once the child has them (or failed).
    func closeChildEnds() {
        for fd in childEnds { Glibc.close(fd) }
        childEnds = []
    }

    /// The parent's ends, when the child could not be started.
    func closeParentEnds() {
        for case let fd? in parentEnds { Glibc.close(fd) }
        parentEnds = [nil, nil, nil]
    }

    private func check(_ code: Int32, _ what: String) throws(ChildProcessError) {
        guard code == 0 else { throw ChildProcessError("posix_spawn \(what) failed: \(errnoText(code))") }
    }
}

/// A NULL-terminated array of C strings, freed with the value.
private final class CStringArray {
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count
        pointers = .allocate(capacity: count + 1)
        for (index, string) in strings.enumerated() { pointers[index] = strdup(string) }
        pointers[count] = nil
    }

    deinit {
        for index in 0..<count { free(pointers[index]) }
        pointers.deallocate()
    }
}
