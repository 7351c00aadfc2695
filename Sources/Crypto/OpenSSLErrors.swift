import CLibCrypto

/// Helpers for turning libcrypto's per-thread error queue into readable text.
enum OpenSSLErrors {
    /// Drains the calling thread's OpenSSL error queue and returns its entries joined by "; ".
    ///
    /// The queue is per thread, so draining it after every failed call keeps stale entries from
    /// being blamed on a later, unrelated failure on the same thread.
    static func drain() -> String {
        var entries: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            buffer.withUnsafeMutableBufferPointer { pointer in
                ERR_error_string_n(code, pointer.baseAddress, pointer.count)
            }
            let terminated = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            entries.append(String(decoding: terminated, as: UTF8.self))
        }
        return entries.isEmpty ? "no OpenSSL error recorded" : entries.joined(separator: "; ")
    }

    /// The value returned in place of a digest or MAC when libcrypto fails (only possible when it
    /// cannot allocate memory).
    ///
    /// The public digest and HMAC functions do not throw, so they must return *something*. Returning
    /// an empty or all-zero array would be dangerous: two failed computations would compare equal and a
    /// MAC check could pass. Fresh random bytes of the right length fail closed instead: they match
    /// nothing an attacker can predict, so verification fails and a produced tag is simply invalid.
    static func unpredictableSubstitute(length: Int) -> [UInt8] {
        _ = drain()
        return SecureRandom.bytes(count: length)
    }
}
