import CLibPQ

/// Type OIDs of the built-in types this module reads and writes (`pg_type.oid`, fixed since
/// PostgreSQL 7; see `src/include/catalog/pg_type.dat`).
enum PostgresTypeOID {
    /// Lets the server infer the type from the context (used for text and `NULL` parameters).
    static let unspecified: Oid = 0
    static let bool: Oid = 16
    static let bytea: Oid = 17
    static let char: Oid = 18
    static let name: Oid = 19
    static let int8: Oid = 20
    static let int2: Oid = 21
    static let int4: Oid = 23
    static let text: Oid = 25
    static let oid: Oid = 26
    static let json: Oid = 114
    static let float4: Oid = 700
    static let float8: Oid = 701
    static let numeric: Oid = 1700
    static let void: Oid = 2278
    static let unknown: Oid = 705
    static let bpchar: Oid = 1042
    static let varchar: Oid = 1043
    static let timestamp: Oid = 1114
    static let timestamptz: Oid = 1184
    static let jsonb: Oid = 3802
}

/// PostgreSQL's binary timestamps count microseconds from 2000-01-01 00:00:00 UTC; `infinity` and
/// `-infinity` are `Int64.max` and `Int64.min`.
enum PostgresEpoch {
    /// 2000-01-01 00:00:00 UTC in microseconds since the Unix epoch.
    static let unixOffsetMicroseconds: Int64 = 946_684_800_000_000
}
