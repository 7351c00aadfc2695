import Glibc

/// Readings about this process for `/metrics`.
public enum ProcessMetrics {
    /// Resident set size in bytes, from `/proc/self/statm` (0 when unavailable).
    public static func residentMemoryBytes() -> Int {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var size = 0
        var resident = 0
        guard readStatm(file, &size, &resident) else { return 0 }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Open file descriptors, counted in `/proc/self/fd`.
    public static func openFileDescriptors() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while readdir(directory) != nil { count += 1 }
        return max(0, count - 3)  // ".", ".." and the directory stream itself
    }

    /// Registers RSS, open descriptors and start time as scrape-time gauges.
    public static func register(in registry: MetricsRegistry, startTime: Double) {
        registry.addCollector {
            [
                .gauge(
                    "process_resident_memory_bytes", help: "Resident memory size in bytes.",
                    value: Double(residentMemoryBytes())),
                .gauge(
                    "process_open_fds", help: "Number of open file descriptors.", value: Double(openFileDescriptors())),
                .gauge(
                    "process_start_time_seconds", help: "Start time of the process since the Unix epoch in seconds.",
                    value: startTime),
            ]
        }
    }

    private static func readStatm(_ file: UnsafeMutablePointer<FILE>, _ size: inout Int, _ resident: inout Int) -> Bool
    {
        var buffer = [CChar](repeating: 0, count: 128)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return false }
        let length = buffer.firstIndex(of: 0) ?? buffer.count
        let text = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let first = Int(fields[0]), let second = Int(fields[1]) else { return false }
        size = first
        resident = second
        return true
    }
}
