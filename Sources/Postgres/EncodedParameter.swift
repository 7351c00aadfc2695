import CLibPQ

/// One parameter in the form `PQexecParams` takes: a type OID, a buffer, its length and its format
/// (0 text, 1 binary). The buffer is allocated here and freed by ``deallocate()``.
///
/// Text goes in text format with an unspecified type, so the server parses it as whatever the
/// context needs; every other value goes in binary format with its exact type
/// (<https://www.postgresql.org/docs/current/protocol-overview.html#PROTOCOL-FORMAT-CODES>).
struct EncodedParameter {
    let typeOID: Oid
    /// `nil` sends SQL `NULL`.
    let bytes: UnsafeMutablePointer<CChar>?
    let length: Int32
    let format: Int32

    init(_ value: PostgresValue) throws(PostgresError) {
        switch value {
        case .null:
            self.init(typeOID: PostgresTypeOID.unspecified, bytes: nil, format: 0)
        case .bool(let bool):
            self.init(typeOID: PostgresTypeOID.bool, bytes: [bool ? 1 : 0], format: 1)
        case .int64(let integer):
            self.init(typeOID: PostgresTypeOID.int8, bytes: Self.bigEndianBytes(integer), format: 1)
        case .double(let double):
            self.init(typeOID: PostgresTypeOID.float8, bytes: Self.bigEndianBytes(double.bitPattern), format: 1)
        case .text(let text):
            let utf8 = Array(text.utf8)
            guard !utf8.contains(0) else {
                throw .misuse("text contains U+0000, which PostgreSQL text cannot hold")
            }
            // Text format: libpq reads a NUL-terminated string.
            self.init(typeOID: PostgresTypeOID.unspecified, bytes: utf8 + [0], format: 0)
        case .bytea(let bytes):
            self.init(typeOID: PostgresTypeOID.bytea, bytes: bytes, format: 1)
        case .timestamp(let milliseconds):
            let (microseconds, overflow) = milliseconds.multipliedReportingOverflow(by: 1000)
            let (sinceY2K, underflow) = microseconds.subtractingReportingOverflow(PostgresEpoch.unixOffsetMicroseconds)
            guard !overflow, !underflow else {
                throw .misuse("timestamp \(milliseconds) ms is out of PostgreSQL's range")
            }
            self.init(typeOID: PostgresTypeOID.timestamptz, bytes: Self.bigEndianBytes(sinceY2K), format: 1)
        }
    }

    private init(typeOID: Oid, bytes: [UInt8]?, format: Int32) {
        self.typeOID = typeOID
        self.format = format
        guard let bytes else {
            self.bytes = nil
            self.length = 0
            return
        }
        // At least one byte: a nil pointer would mean NULL, and an empty bytea is not NULL.
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, bytes.count))
        bytes.withUnsafeBytes { source in
            UnsafeMutableRawPointer(buffer).copyMemory(
                from: source.baseAddress ?? UnsafeRawPointer(buffer), byteCount: source.count)
        }
        self.bytes = buffer
        // Text is NUL-terminated and its length ignored; binary lengths are exact.
        self.length = Int32(format == 0 ? bytes.count - 1 : bytes.count)
    }

    func deallocate() {
        bytes?.deallocate()
    }

    private static func bigEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}
