import CLibCrypto

/// The scrypt key-derivation function (RFC 7914) computed by libcrypto's `EVP_PBE_scrypt`.
///
/// This call blocks the calling thread for as long as the parameters demand (about 0.3–0.5 s at
/// `.owasp`): run it on a dedicated thread, never directly on Swift's cooperative thread pool.
public enum Scrypt {
    /// Longest derived key accepted (RFC 7914 allows more, but nothing here needs it).
    public static let maximumKeyLength = 1024

    /// Derives `keyLength` bytes from `password` and `salt`.
    ///
    /// Throws `.unsupportedParameters` for parameters rejected by `ScryptParameters.validate()`,
    /// `.invalidArgument` for a key length outside 1...`maximumKeyLength`, and `.libraryFailure` if
    /// libcrypto fails (for example when the memory cannot be allocated).
    public static func deriveKey(
        password: [UInt8], salt: [UInt8], parameters: ScryptParameters, keyLength: Int
    ) throws(CryptoError) -> [UInt8] {
        try parameters.validate()
        guard keyLength >= 1, keyLength <= maximumKeyLength else {
            throw CryptoError(.invalidArgument, "scrypt key length \(keyLength) is outside 1...\(maximumKeyLength)")
        }
        let n = UInt64(1) << UInt64(parameters.logN)
        let r = UInt64(parameters.r)
        let p = UInt64(parameters.p)
        // libcrypto refuses to run when its working memory would exceed `maxmem`, and its default
        // limit (32 MiB) is far below the 128 MiB that N = 2^17, r = 8 needs. Pass exactly what its own
        // check computes (B: 128·r·p bytes, V: 128·r·(N+2) bytes, see providers/implementations/kdfs/
        // scrypt.c) plus slack. validate() bounded r·p < 2^30 and 128·r·N ≤ 1 GiB, so this cannot overflow.
        let maximumMemory = 128 * r * p + 128 * r * (n + 2) + (1 << 20)

        var key = [UInt8](repeating: 0, count: keyLength)
        ERR_clear_error()
        let status = password.withUnsafeBytes { passwordBytes in
            salt.withUnsafeBufferPointer { saltBytes in
                key.withUnsafeMutableBufferPointer { keyBytes in
                    // NULL password or salt pointers (empty arrays) mean "empty" to libcrypto.
                    EVP_PBE_scrypt(
                        passwordBytes.baseAddress?.assumingMemoryBound(to: CChar.self), passwordBytes.count,
                        saltBytes.baseAddress, saltBytes.count,
                        n, r, p, maximumMemory,
                        keyBytes.baseAddress, keyBytes.count)
                }
            }
        }
        guard status == 1 else {
            throw CryptoError(.libraryFailure, "EVP_PBE_scrypt failed: \(OpenSSLErrors.drain())")
        }
        return key
    }
}
