/// Decodes a non-NULL column value in PostgreSQL's binary format (the `typsend` functions of each
/// type) into a ``PostgresValue``, chosen by the column's type OID.
enum BinaryDecoding {
    static func value(of type: UInt32, from bytes: UnsafeRawBufferPointer) throws(PostgresError) -> PostgresValue {
        switch type {
        case PostgresTypeOID.bool:
            return .bool(try integer(UInt8.self, bytes) != 0)
        case PostgresTypeOID.int2:
            return .int64(Int64(try integer(Int16.self, bytes)))
        case PostgresTypeOID.int4:
            return .int64(Int64(try integer(Int32.self, bytes)))
        case PostgresTypeOID.int8:
            return .int64(try integer(Int64.self, bytes))
        case PostgresTypeOID.oid:
            return .int64(Int64(try integer(UInt32.self, bytes)))
        case PostgresTypeOID.float4:
            return .double(Double(Float(bitPattern: try integer(UInt32.self, bytes))))
        case PostgresTypeOID.float8:
            return .double(Double(bitPattern: try integer(UInt64.self, bytes)))
        case PostgresTypeOID.text, PostgresTypeOID.varchar, PostgresTypeOID.bpchar, PostgresTypeOID.name,
            PostgresTypeOID.char, PostgresTypeOID.json, PostgresTypeOID.unknown:
            return .text(String(decoding: bytes, as: UTF8.self))
        case PostgresTypeOID.jsonb:
            // A version byte (1), then the JSON text.
            guard bytes.first == 1 else { throw .decoding("unknown jsonb binary version") }
            return .text(String(decoding: bytes.dropFirst(), as: UTF8.self))
        case PostgresTypeOID.bytea:
            return .bytea(Array(bytes))
        case PostgresTypeOID.timestamptz, PostgresTypeOID.timestamp:
            return .timestamp(milliseconds: unixMilliseconds(sinceY2KMicroseconds: try integer(Int64.self, bytes)))
        default:
            throw .decoding(
                "PostgreSQL type OID \(type) is not supported; cast the column in SQL (::text, ::float8, ::bigint)")
        }
    }

    /// A big-endian integer filling `bytes` exactly.
    private static func integer<T: FixedWidthInteger>(
        _ type: T.Type, _ bytes: UnsafeRawBufferPointer
    ) throws(PostgresError) -> T {
        guard bytes.count == MemoryLayout<T>.size else {
            throw .decoding("expected \(MemoryLayout<T>.size) bytes for \(T.self), got \(bytes.count)")
        }
        return T(bigEndian: bytes.loadUnaligned(as: T.self))
    }

    /// Microseconds since 2000 to whole milliseconds since 1970, rounding towards the past;
    /// ±infinity stay `Int64.max` and `Int64.min`.
    static func unixMilliseconds(sinceY2KMicroseconds microseconds: Int64) -> Int64 {
        if microseconds == .max || microseconds == .min { return microseconds }
        let (sinceUnix, overflow) = microseconds.addingReportingOverflow(PostgresEpoch.unixOffsetMicroseconds)
        if overflow { return .max }
        let (quotient, remainder) = sinceUnix.quotientAndRemainder(dividingBy: 1000)
        return remainder < 0 ? quotient - 1 : quotient
    }
}
