import CLibCrypto

/// Compares two byte arrays without the time taken depending on where they differ.
///
/// Uses libcrypto's `CRYPTO_memcmp`. Lengths are not secret (a MAC or code has a public, fixed
/// length), so arrays of different lengths are unequal; even then a full-length constant-time pass
/// over `a` is made, so that the function never exits early based on content.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    let sameLength = a.count == b.count
    let other = sameLength ? b : a
    if a.isEmpty { return sameLength }
    let difference = a.withUnsafeBytes { left in
        other.withUnsafeBytes { right in
            CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count)
        }
    }
    return sameLength && difference == 0
}

/// Compares the UTF-8 encodings of two strings in constant time (see the byte-array overload).
public func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    constantTimeEquals(Array(a.utf8), Array(b.utf8))
}
