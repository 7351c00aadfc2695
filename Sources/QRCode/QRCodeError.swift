/// Why a QR code could not be made.
public enum QRCodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text needs more bytes than the largest symbol (version 40) holds at the requested level.
    ///
    /// - Parameters:
    ///   - byteCount: the length of the text in UTF-8 bytes.
    ///   - capacity: the most bytes a version-40 symbol holds in byte mode at `errorCorrection`.
    ///   - errorCorrection: the requested error-correction level.
    case dataTooLong(byteCount: Int, capacity: Int, errorCorrection: ErrorCorrectionLevel)

    /// A sentence that says what went wrong, for logs and error pages.
    public var description: String {
        switch self {
        case .dataTooLong(let byteCount, let capacity, let errorCorrection):
            "The text is \(byteCount) bytes long in UTF-8, but a QR code at error-correction level "
                + "\(errorCorrection) holds at most \(capacity) bytes (version 40)."
        }
    }
}
