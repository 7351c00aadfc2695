import Foundation
import Glibc
import Synchronization

/// Reads one pipe on a thread of its own until end-of-file, keeping what arrives.
final class OutputCollector: Sendable {
    private let collected = Mutex<[UInt8]>([])
    private let discarding = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    init(fd: Int32, name: String) {
        let thread = Thread { [self] in
            self.read(fd)
        }
        thread.name = name
        thread.start()
    }

    var bytes: [UInt8] { collected.withLock { $0 } }
    var isFinished: Bool { finished.load(ordering: .acquiring) }

    func discard() {
        discarding.store(true, ordering: .relaxed)
        collected.withLock { $0 = [] }
    }

    private func read(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            if !discarding.load(ordering: .relaxed) {
                collected.withLock { $0.append(contentsOf: buffer[0..<count]) }
            }
        }
        Glibc.close(fd)
        finished.store(true, ordering: .releasing)
    }
}
