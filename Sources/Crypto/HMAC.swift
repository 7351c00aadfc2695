import CLibCrypto

/// Keyed-hash message authentication codes (RFC 2104) computed by libcrypto's one-shot `HMAC()`.
///
/// The deprecated `HMAC_CTX_*` interface is deliberately not used.
public enum HMAC {
    /// The HMAC of `message` under `key` with `algorithm` (full length: 20, 32 or 64 bytes).
    ///
    /// Keys of any length are accepted: RFC 2104 §3 hashes keys longer than the block size, and
    /// libcrypto does the same. libcrypto can only fail here when it cannot allocate memory; the result
    /// is then random bytes of the right length so that any verification fails closed.
    public static func authenticationCode(for message: [UInt8], key: [UInt8], algorithm: HashAlgorithm) -> [UInt8] {
        // HMAC() takes the key length as a C int. A key that long is first hashed anyway (RFC 2104 §3:
        // "Applications that use keys longer than B bytes will first hash the key"), so hashing it here
        // gives exactly the same MAC.
        let usableKey = key.count > Int(Int32.max) ? Digest.hash(key, algorithm: algorithm) : key
        let length = algorithm.digestLength
        var output = [UInt8](repeating: 0, count: length)
        var written: UInt32 = 0
        let result = usableKey.withUnsafeBytes { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                output.withUnsafeMutableBufferPointer { out in
                    // Empty arrays have no base address; hand libcrypto a real pointer with length 0
                    // rather than relying on how each OpenSSL release treats a NULL key or message.
                    withUnsafeBytes(of: UInt8(0)) { dummy in
                        CLibCrypto.HMAC(
                            algorithm.evpMessageDigest,
                            keyBytes.baseAddress ?? dummy.baseAddress, Int32(keyBytes.count),
                            messageBytes.baseAddress ?? dummy.baseAddress?.assumingMemoryBound(to: UInt8.self),
                            messageBytes.count,
                            out.baseAddress, &written)
                    }
                }
            }
        }
        guard result != nil, Int(written) == length else {
            return OpenSSLErrors.unpredictableSubstitute(length: length)
        }
        return output
    }

    /// The HMAC of the UTF-8 encoding of `message` under `key`.
    public static func authenticationCode(for message: String, key: [UInt8], algorithm: HashAlgorithm) -> [UInt8] {
        authenticationCode(for: Array(message.utf8), key: key, algorithm: algorithm)
    }

    /// Whether `code` is the full-length HMAC of `message` under `key`, compared in constant time.
    ///
    /// Use this rather than `==` when checking a MAC received from a client, so that the time taken
    /// does not reveal how many leading bytes were right.
    public static func isValid(
        _ code: [UInt8], for message: [UInt8], key: [UInt8], algorithm: HashAlgorithm
    ) -> Bool {
        constantTimeEquals(authenticationCode(for: message, key: key, algorithm: algorithm), code)
    }
}
