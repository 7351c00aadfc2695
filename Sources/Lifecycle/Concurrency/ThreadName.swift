import CLinux
import Glibc

/// Names the current thread (shown by `top -H`, gdb and perf), truncated to Linux's 15 bytes.
func setThreadName(_ name: String) {
    var bytes = Array(name.utf8.prefix(15))
    bytes.append(0)
    bytes.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { _ = pthread_setname_np(pthread_self(), $0.baseAddress!) }
    }
}
