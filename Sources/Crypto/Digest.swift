import CLibCrypto

/// One-shot message digests (FIPS 180-4) computed by libcrypto.
public enum Digest {
    /// SHA-1 of `bytes` (20 bytes). Legacy interoperability only.
    public static func sha1(_ bytes: [UInt8]) -> [UInt8] {
        hash(bytes, algorithm: .sha1)
    }

    /// SHA-256 of `bytes` (32 bytes).
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        hash(bytes, algorithm: .sha256)
    }

    /// SHA-512 of `bytes` (64 bytes).
    public static func sha512(_ bytes: [UInt8]) -> [UInt8] {
        hash(bytes, algorithm: .sha512)
    }

    /// SHA-256 of the UTF-8 encoding of `text`.
    public static func sha256(_ text: String) -> [UInt8] {
        hash(Array(text.utf8), algorithm: .sha256)
    }

    /// The digest of `bytes` with `algorithm`.
    ///
    /// libcrypto can only fail here when it cannot allocate memory; the result is then random bytes
    /// of the right length (see `OpenSSLErrors.unpredictableSubstitute`) so that comparisons fail closed.
    public static func hash(_ bytes: [UInt8], algorithm: HashAlgorithm) -> [UInt8] {
        let length = algorithm.digestLength
        var output = [UInt8](repeating: 0, count: length)
        var written: UInt32 = 0
        let status = bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { out in
                // A valid (non-null) pointer even for empty input: libcrypto accepts NULL with count 0,
                // but passing a real address avoids relying on that.
                withUnsafeBytes(of: UInt8(0)) { dummy in
                    EVP_Digest(
                        input.baseAddress ?? dummy.baseAddress, input.count, out.baseAddress, &written,
                        algorithm.evpMessageDigest, nil)
                }
            }
        }
        guard status == 1, Int(written) == length else {
            return OpenSSLErrors.unpredictableSubstitute(length: length)
        }
        return output
    }
}
