extension [UInt8] {
    /// These bytes as lower-case hexadecimal text.
    public func hexEncodedString() -> String {
        Hex.encode(self)
    }
}
