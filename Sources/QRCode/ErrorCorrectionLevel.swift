/// How much of a QR code may be damaged and still be read (ISO/IEC 18004, 7.5.1).
///
/// Higher levels spend more codewords on Reed–Solomon error correction, so fewer bytes fit in each version.
public enum ErrorCorrectionLevel: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Recovers about 7 % of the codewords.
    case low
    /// Recovers about 15 % of the codewords. The default.
    case medium
    /// Recovers about 25 % of the codewords.
    case quartile
    /// Recovers about 30 % of the codewords.
    case high

    /// The letter the standard uses for this level: L, M, Q or H.
    public var description: String {
        switch self {
        case .low: "L"
        case .medium: "M"
        case .quartile: "Q"
        case .high: "H"
        }
    }

    /// The two bits that stand for this level in the format information (Table 12): L 01, M 00, Q 11, H 10.
    var formatBits: Int {
        switch self {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
    }

    /// The row of this level in the tables of `VersionTable`.
    var tableIndex: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .quartile: 2
        case .high: 3
        }
    }
}
