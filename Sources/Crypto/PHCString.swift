/// The PHC string format for scrypt hashes
/// (https://github.com/P-H-C/phc-string-format): `$scrypt$ln=<logN>,r=<r>,p=<p>$<salt>$<key>`, with
/// salt and key in standard base64 without padding.
///
/// Parsing is strict: a stored hash is either exactly what `PasswordHash.make` writes (parameters in
/// any order) or it is rejected with an error. That turns a corrupted row into a clear error instead
/// of a silently different hash or an absurd scrypt run.
struct PHCString {
    static let identifier = "scrypt"
    /// Longer input cannot be a hash this module wrote (ours are about 100 characters).
    static let maximumLength = 512

    let parameters: ScryptParameters
    let salt: [UInt8]
    let key: [UInt8]

    init(parameters: ScryptParameters, salt: [UInt8], key: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.key = key
    }

    var encoded: String {
        let fields = "ln=\(parameters.logN),r=\(parameters.r),p=\(parameters.p)"
        let encodedSalt = Base64Text.encodeUnpadded(salt, urlSafe: false)
        let encodedKey = Base64Text.encodeUnpadded(key, urlSafe: false)
        return "$\(Self.identifier)$\(fields)$\(encodedSalt)$\(encodedKey)"
    }

    init(parsing text: String) throws(CryptoError) {
        guard text.utf8.count <= Self.maximumLength else {
            throw Self.malformed("longer than \(Self.maximumLength) bytes")
        }
        let sections = text.split(separator: "$", omittingEmptySubsequences: false)
        guard sections.count == 5, sections[0].isEmpty else {
            throw Self.malformed("expected $scrypt$<parameters>$<salt>$<key>")
        }
        guard sections[1] == Self.identifier else {
            throw Self.malformed("algorithm is not scrypt")
        }
        let parameters = try Self.parseParameters(sections[2])
        try parameters.validate()
        guard let salt = Base64Text.decode(String(sections[3]), urlSafe: false, allowPadding: false),
            PasswordHash.saltLengths.contains(salt.count)
        else {
            throw Self.malformed("salt is not unpadded base64 of \(PasswordHash.saltLengths) bytes")
        }
        guard let key = Base64Text.decode(String(sections[4]), urlSafe: false, allowPadding: false),
            key.count == PasswordHash.keyLength
        else {
            throw Self.malformed("key is not unpadded base64 of \(PasswordHash.keyLength) bytes")
        }
        self.init(parameters: parameters, salt: salt, key: key)
    }

    /// Parses `ln=…,r=…,p=…`: each name exactly once, values plain decimal without leading zeros
    /// (PHC format rule for decimal values).
    private static func parseParameters(_ field: Substring) throws(CryptoError) -> ScryptParameters {
        var values: [Substring: UInt64] = [:]
        for pair in field.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, ["ln", "r", "p"].contains(parts[0]), values[parts[0]] == nil,
                let value = parseDecimal(parts[1])
            else {
                throw malformed("parameters must be ln=<n>,r=<n>,p=<n>")
            }
            values[parts[0]] = value
        }
        guard let logN = values["ln"], let r = values["r"], let p = values["p"] else {
            throw malformed("parameters must be ln=<n>,r=<n>,p=<n>")
        }
        guard let logN = UInt8(exactly: logN), let r = UInt32(exactly: r), let p = UInt32(exactly: p) else {
            throw CryptoError(.unsupportedParameters, "scrypt parameters out of range")
        }
        return ScryptParameters(logN: logN, r: r, p: p)
    }

    /// A decimal number of at most 10 digits, without sign or leading zeros.
    private static func parseDecimal(_ text: Substring) -> UInt64? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count <= 10,
            digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            digits.count == 1 || digits[0] != UInt8(ascii: "0")
        else { return nil }
        return digits.reduce(0) { $0 * 10 + UInt64($1 - UInt8(ascii: "0")) }
    }

    private static func malformed(_ detail: String) -> CryptoError {
        CryptoError(.malformedPasswordHash, "malformed scrypt PHC string: \(detail)")
    }
}
