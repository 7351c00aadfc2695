import CCurl

/// libcurl's process-wide initialisation.
enum CurlGlobal {
    /// Swift initialises a global `let` exactly once, thread-safely (through `swift_once`), which is
    /// what `curl_global_init` requires; it is never balanced by `curl_global_cleanup` because other
    /// clients may exist until the process ends.
    private static let initializationResult: Int32 = Int32(
        bitPattern: curl_global_init(Int(CURL_GLOBAL_DEFAULT)).rawValue)

    /// Runs `curl_global_init(CURL_GLOBAL_DEFAULT)` on first use.
    static func initializeOnce() {
        _ = initializationResult
    }
}
