import Foundation

/// Shared unpadded base64 handling for base64url tokens and PHC strings (standard alphabet, no padding).
enum Base64Text {
    static func encodeUnpadded(_ bytes: [UInt8], urlSafe: Bool) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.last == "=" { text.removeLast() }
        guard urlSafe else { return text }
        return String(
            text.map { character -> Character in
                switch character {
                case "+": "-"
                case "/": "_"
                default: character
                }
            })
    }

    /// Strict decoding: alphabet checked, optional correct padding, canonical (zero) trailing bits.
    static func decode(_ text: String, urlSafe: Bool, allowPadding: Bool = true) -> [UInt8]? {
        var characters = Array(text.utf8)
        if allowPadding, characters.last == UInt8(ascii: "=") {
            // Padded input must be a whole number of 4-character groups with at most two "=".
            guard characters.count % 4 == 0 else { return nil }
            var padding = 0
            while characters.last == UInt8(ascii: "=") {
                characters.removeLast()
                padding += 1
            }
            guard padding <= 2 else { return nil }
        }
        guard characters.count % 4 != 1 else { return nil }
        var standard: [UInt8] = []
        standard.reserveCapacity(characters.count + 3)
        for character in characters {
            guard let mapped = standardCharacter(for: character, urlSafe: urlSafe) else { return nil }
            standard.append(mapped)
        }
        while standard.count % 4 != 0 { standard.append(UInt8(ascii: "=")) }
        guard let data = Data(base64Encoded: Data(standard)) else { return nil }
        let bytes = [UInt8](data)
        // Foundation ignores non-zero unused bits in the last character; re-encoding exposes them.
        guard Array(encodeUnpadded(bytes, urlSafe: urlSafe).utf8) == characters else { return nil }
        return bytes
    }

    private static func standardCharacter(for character: UInt8, urlSafe: Bool) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return character
        case UInt8(ascii: "-") where urlSafe: return UInt8(ascii: "+")
        case UInt8(ascii: "_") where urlSafe: return UInt8(ascii: "/")
        case UInt8(ascii: "+") where !urlSafe, UInt8(ascii: "/") where !urlSafe: return character
        default: return nil
        }
    }
}
