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
        case PostgresTypeOID.void:
            return .null
        case PostgresTypeOID.numeric:
            return try numeric(bytes)
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
    /// `numeric` (what `SUM` and `AVG` of integers give): an integer when it has no fraction and
    /// fits `Int64`, otherwise the nearest double. The binary form is a count of base-10000 digits,
    /// the weight of the first one, a sign and the display scale, then the digits.
    private static func numeric(_ bytes: UnsafeRawBufferPointer) throws(PostgresError) -> PostgresValue {
        guard bytes.count >= 8 else { throw .decoding("numeric value too short (\(bytes.count) bytes)") }
        func word(_ index: Int) -> Int16 {
            Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: index * 2, as: Int16.self))
        }
        let digitCount = Int(word(0))
        let weight = Int(word(1))
        let sign = UInt16(bitPattern: word(2))
        guard bytes.count == 8 + 2 * digitCount else { throw .decoding("numeric value of the wrong length") }
        if sign == 0xC000 { return .double(.nan) }
        if sign == 0xD000 { return .double(.infinity) }
        if sign == 0xF000 { return .double(-.infinity) }
        let negative = sign == 0x4000
        let digits = (0..<digitCount).map { Int64(word(4 + $0)) }
        // Digits past the decimal point have an index above `weight`.
        let isIntegral = digits.indices.allSatisfy { $0 <= weight || digits[$0] == 0 }
        if isIntegral, weight < 5 {
            var value: Int64 = 0
            var overflow = false
            for position in 0...max(weight, 0) where weight >= 0 {
                let digit = position < digits.count ? digits[position] : 0
                let (shifted, o1) = value.multipliedReportingOverflow(by: 10_000)
                let (sum, o2) = shifted.addingReportingOverflow(digit)
                overflow = overflow || o1 || o2
                value = sum
            }
            if !overflow { return .int64(negative ? -value : value) }
        }
        var value = 0.0
        for (index, digit) in digits.enumerated() {
            value += Double(digit) * pow10000(weight - index)
        }
        return .double(negative ? -value : value)
    }

    private static func pow10000(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= 10_000 }
        return exponent < 0 ? 1 / result : result
    }

    static func unixMilliseconds(sinceY2KMicroseconds microseconds: Int64) -> Int64 {
        if microseconds == .max || microseconds == .min { return microseconds }
        let (sinceUnix, overflow) = microseconds.addingReportingOverflow(PostgresEpoch.unixOffsetMicroseconds)
        if overflow { return .max }
        let (quotient, remainder) = sinceUnix.quotientAndRemainder(dividingBy: 1000)
        return remainder < 0 ? quotient - 1 : quotient
    }
}
