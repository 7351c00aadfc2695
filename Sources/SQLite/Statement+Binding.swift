import CSQLite

/// `SQLITE_TRANSIENT`: tells SQLite to copy bound text and blobs before the bind call returns.
/// sqlite3.h defines it as the cast `((sqlite3_destructor_type)-1)`, which Swift cannot import.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Statement {
    /// Binds `value` to the parameter slot `index` (1-based, as in SQLite).
    public func bind(_ value: some SQLBindable, at index: Int) throws(SQLiteError) {
        try bind(value.sqlValue, atSlot: Int32(truncatingIfNeeded: index))
    }

    /// Binds positional parameters; their number must match ``parameterCount``.
    public func bind<each Parameter: SQLBindable>(_ parameters: repeat each Parameter) throws(SQLiteError) {
        var count = 0
        for _ in repeat each parameters {
            count += 1
        }
        try checkParameterCount(count)
        var slot: Int32 = 0
        for parameter in repeat each parameters {
            slot += 1
            try bind(parameter.sqlValue, atSlot: slot)
        }
    }

    /// Binds positional parameters from an array; their number must match ``parameterCount``.
    public func bind(parameters: [any SQLBindable]) throws(SQLiteError) {
        try checkParameterCount(parameters.count)
        for (offset, parameter) in parameters.enumerated() {
            try bind(parameter.sqlValue, atSlot: Int32(offset + 1))
        }
    }

    /// Binds named parameters. Keys may be written with or without their prefix: `"id"` matches
    /// `:id`, `@id` and `$id`. Every parameter of the SQL must get a value and every key must name
    /// a parameter.
    public func bind(named parameters: [String: any SQLBindable]) throws(SQLiteError) {
        let slotCount = sqlite3_bind_parameter_count(handle)
        var usedKeys = 0
        for slot in stride(from: Int32(1), through: slotCount, by: 1) {
            guard let namePointer = sqlite3_bind_parameter_name(handle, slot) else {
                throw .misuse("parameter \(slot) is positional; named binding needs every parameter named", sql: sql)
            }
            let fullName = String(cString: namePointer)
            guard let value = parameters[String(fullName.dropFirst())] ?? parameters[fullName] else {
                throw .misuse("no value for parameter \(fullName)", sql: sql)
            }
            usedKeys += 1
            try bind(value.sqlValue, atSlot: slot)
        }
        guard usedKeys == parameters.count else {
            throw .misuse(
                "some keys of \(parameters.keys.sorted()) name no parameter of the SQL, or name one twice", sql: sql)
        }
    }

    private func checkParameterCount(_ count: Int) throws(SQLiteError) {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard count == expected else {
            throw .misuse("the SQL has \(expected) parameter(s) but \(count) value(s) were given", sql: sql)
        }
    }

    /// Binds one value; text and blobs are copied by SQLite (`SQLITE_TRANSIENT`).
    func bind(_ value: SQLValue, atSlot slot: Int32) throws(SQLiteError) {
        let code: Int32
        switch value {
        case .null:
            code = sqlite3_bind_null(handle, slot)
        case .integer(let integer):
            code = sqlite3_bind_int64(handle, slot, integer)
        case .real(let real):
            code = sqlite3_bind_double(handle, slot, real)
        case .text(var text):
            code = text.withUTF8 { utf8 -> Int32 in
                // A nil base address would bind NULL, so an empty string gets a real (empty) pointer.
                guard let base = utf8.baseAddress, !utf8.isEmpty else {
                    return sqlite3_bind_text(handle, slot, "", 0, sqliteTransient)
                }
                return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { chars in
                    sqlite3_bind_text64(handle, slot, chars, UInt64(utf8.count), sqliteTransient, UInt8(SQLITE_UTF8))
                }
            }
        case .blob(let bytes):
            code = bytes.withUnsafeBytes { raw -> Int32 in
                // A nil pointer would bind NULL; an empty blob must stay a zero-length BLOB.
                guard let base = raw.baseAddress, !raw.isEmpty else {
                    return sqlite3_bind_zeroblob(handle, slot, 0)
                }
                return sqlite3_bind_blob64(handle, slot, base, UInt64(raw.count), sqliteTransient)
            }
        }
        guard code == SQLITE_OK else {
            throw SQLiteError(code: code, connection: sqlite3_db_handle(handle), sql: sql)
        }
    }
}
