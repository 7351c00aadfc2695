import Crypto

/// Recovery codes: 10 codes of 80 random bits each, shown once as `xxxx-xxxx-xxxx-xxxx` (base32),
/// stored as SHA-256 over the user's id and the code, single use (DESIGN.md §3).
///
/// A plain salted hash is enough here, unlike passwords: 80 random bits cannot be guessed offline.
enum RecoveryCodes {
    static let count = 10
    static let byteCount = 10

    /// Fresh codes and the hashes to store.
    static func generate(userID: String) -> (codes: [String], hashes: [[UInt8]]) {
        var codes: [String] = []
        var hashes: [[UInt8]] = []
        for _ in 0..<count {
            let raw = Base32.encode(SecureRandom.bytes(count: byteCount), padding: false).lowercased()
            let chunks = stride(from: 0, to: raw.count, by: 4).map { offset in
                String(raw.dropFirst(offset).prefix(4))
            }
            codes.append(chunks.joined(separator: "-"))
            hashes.append(hash(raw, userID: userID))
        }
        return (codes, hashes)
    }

    /// The stored hash of a presented code, or nil when it cannot be a recovery code at all.
    /// Case, spaces and dashes do not matter (people copy them from paper).
    static func hash(presented: String, userID: String) -> [UInt8]? {
        var normalized = ""
        for character in presented.lowercased() where character != "-" && character != " " {
            normalized.append(character)
            if normalized.count > 16 { return nil }
        }
        guard normalized.count == 16, Base32.decode(normalized.uppercased()) != nil else { return nil }
        return hash(normalized, userID: userID)
    }

    private static func hash(_ normalized: String, userID: String) -> [UInt8] {
        Digest.sha256(Array("mandate-recovery-code\u{0}\(userID)\u{0}\(normalized)".utf8))
    }
}
