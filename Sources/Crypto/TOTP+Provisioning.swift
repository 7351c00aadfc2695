extension TOTP {
    /// An `otpauth://` URI for QR codes, in the Key Uri Format that authenticator apps read:
    /// `otpauth://totp/<issuer>:<account>?secret=<BASE32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30`.
    ///
    /// Label parts and parameter values are percent-encoded (RFC 3986 §2.1) except for unreserved
    /// characters, so spaces become `%20`, a `:` inside the issuer or account becomes `%3A`, and
    /// non-ASCII text is encoded as UTF-8 bytes. The secret is base32 without padding (apps reject
    /// `=`). With an empty issuer the label is only the account name and no `issuer` parameter is sent.
    public func provisioningURI(issuer: String, accountName: String) -> String {
        let encodedIssuer = Self.percentEncoded(issuer)
        let label =
            issuer.isEmpty ? Self.percentEncoded(accountName) : "\(encodedIssuer):\(Self.percentEncoded(accountName))"
        var parameters = ["secret=\(Base32.encode(secret, padding: false))"]
        if !issuer.isEmpty {
            parameters.append("issuer=\(encodedIssuer)")
        }
        parameters.append("algorithm=\(algorithm.otpauthName)")
        parameters.append("digits=\(digits)")
        parameters.append("period=\(period)")
        return "otpauth://totp/\(label)?\(parameters.joined(separator: "&"))"
    }

    /// Percent-encodes everything except RFC 3986 §2.3 unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0f)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
