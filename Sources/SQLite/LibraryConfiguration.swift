import CSQLite

/// Process-wide SQLite settings, applied once before the first connection opens.
enum LibraryConfiguration {
    /// Turns off SQLite's memory statistics: with them on, every allocation takes one global
    /// mutex, which concurrent reader threads contend for (seen in profiles of the API). The
    /// result is ignored on purpose: it fails only when SQLite was already initialised by other
    /// code in the process, and then the default simply stays.
    static let applied: Void = {
        _ = csqlite_disable_memory_statistics()
    }()
}
