/// A QR code symbol (ISO/IEC 18004, Model 2) that holds the UTF-8 bytes of a string in byte mode.
///
/// The smallest version (1–40) that fits is chosen, and of the eight mask patterns the one with the lowest
/// penalty score. Read the modules with ``isDark(x:y:)`` or draw the symbol with ``svg(moduleSize:quietZone:title:)``.
///
/// ```swift
/// let code = try QRCode(encoding: "otpauth://totp/Acme:alice%40example.com?secret=JBSWY3DPEHPK3PXP")
/// let markup = code.svg(title: "Scan with your authenticator app")
/// ```
public struct QRCode: Sendable {
    /// The version, 1 to 40: the symbol is 17 + 4 × version modules wide.
    public let version: Int
    /// The number of modules on each side, without the quiet zone.
    public let size: Int
    /// The error-correction level the symbol was made with.
    let errorCorrection: ErrorCorrectionLevel
    /// The mask pattern, 0 to 7, applied to the data modules.
    let mask: Int
    /// Dark (`true`) or light for every module, row after row.
    private let modules: [Bool]

    /// Encodes the UTF-8 bytes of `text` in byte mode, in the smallest version that holds them at
    /// `errorCorrection`.
    ///
    /// - Throws: ``QRCodeError/dataTooLong(byteCount:capacity:errorCorrection:)`` when even version 40 is too
    ///   small (more than 2,331 bytes at level M).
    public init(encoding text: String, errorCorrection: ErrorCorrectionLevel = .medium) throws(QRCodeError) {
        try self.init(bytes: Array(text.utf8), errorCorrection: errorCorrection, mask: nil)
    }

    /// Encodes `bytes` in byte mode; `mask` forces a mask pattern (0–7) instead of the one with the lowest
    /// penalty score.
    init(bytes: [UInt8], errorCorrection: ErrorCorrectionLevel, mask forcedMask: Int?) throws(QRCodeError) {
        let fits = { (version: Int) in
            VersionTable.byteCapacity(version: version, level: errorCorrection) >= bytes.count
        }
        guard let version = VersionTable.versions.first(where: fits) else {
            throw .dataTooLong(
                byteCount: bytes.count,
                capacity: VersionTable.byteCapacity(version: VersionTable.versions.upperBound, level: errorCorrection),
                errorCorrection: errorCorrection)
        }
        let data = Codewords.data(for: bytes, version: version, level: errorCorrection)
        var grid = ModuleGrid(version: version)
        grid.place(Codewords.interleaved(data: data, version: version, level: errorCorrection))

        let mask: Int
        if let forcedMask {
            mask = min(max(forcedMask, 0), 7)
        } else {
            let evaluator = MaskEvaluator(grid: grid)
            let scores = (0..<8).map { evaluator.score(mask: $0, level: errorCorrection) }
            mask = scores.indices.min { scores[$0] < scores[$1] } ?? 0
        }
        grid.applyMask(mask)
        grid.drawFormatInformation(level: errorCorrection, mask: mask)

        self.version = version
        self.size = grid.size
        self.errorCorrection = errorCorrection
        self.mask = mask
        self.modules = grid.modules
    }

    /// Whether the module in column `x` and row `y` (both from 0 at the top left) is dark. Coordinates outside
    /// the symbol, such as the quiet zone, are light.
    public func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }
}
