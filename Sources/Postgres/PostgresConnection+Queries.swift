import CLibPQ

/// Single statements with `$1`, `$2`, … parameters (`PQexecParams`): values travel apart from the
/// SQL text, so quotes in them can never change the statement.
///
/// Results come back in PostgreSQL's binary format and are decoded by column type (see
/// ``PostgresValue``); every row is copied out before the call returns.
extension PostgresConnection {
    /// Runs one query and returns all its rows.
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) throws(PostgresError) -> [PostgresRow] {
        try withResult(sql, parameters) { result throws(PostgresError) in try Self.rows(of: result, sql: sql) }
    }

    /// Runs one query and returns its first row, or `nil` when it has none.
    public func queryOne(_ sql: String, _ parameters: [PostgresValue] = []) throws(PostgresError) -> PostgresRow? {
        try query(sql, parameters).first
    }

    /// Runs one statement and returns the number of rows it inserted, updated, deleted or selected
    /// (`PQcmdTuples`; 0 for statements without a count, such as DDL).
    @discardableResult
    public func run(_ sql: String, _ parameters: [PostgresValue] = []) throws(PostgresError) -> Int {
        try withResult(sql, parameters) { result in
            PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
        }
    }

    /// Executes `sql` with `parameters` and passes the successful `PGresult*` to `body`, clearing
    /// it afterwards.
    private func withResult<T>(
        _ sql: String, _ parameters: [PostgresValue], _ body: (OpaquePointer) throws(PostgresError) -> T
    ) throws(PostgresError) -> T {
        let handle = try openHandle(sql: sql)
        guard parameters.count <= Int(UInt16.max) else {
            throw .misuse("\(parameters.count) parameters; PostgreSQL accepts at most 65535", sql: sql)
        }
        var encoded: [EncodedParameter] = []
        encoded.reserveCapacity(parameters.count)
        defer { for parameter in encoded { parameter.deallocate() } }
        for (index, parameter) in parameters.enumerated() {
            do throws(PostgresError) {
                encoded.append(try EncodedParameter(parameter))
            } catch {
                throw .misuse("parameter $\(index + 1): \(error.message)", sql: sql)
            }
        }
        let result: OpaquePointer?
        if usesPreparedStatements && !encoded.isEmpty {
            let name = try preparedStatement(for: sql, types: encoded.map(\.typeOID), on: handle)
            result = PQexecPrepared(
                handle, name, Int32(encoded.count), encoded.map { UnsafePointer($0.bytes) }, encoded.map(\.length),
                encoded.map(\.format), 1)
        } else {
            result = PQexecParams(
                handle, sql, Int32(encoded.count), encoded.map(\.typeOID), encoded.map { UnsafePointer($0.bytes) },
                encoded.map(\.length), encoded.map(\.format), 1)
        }
        defer { PQclear(result) }
        return try body(try checked(result, sql: sql))
    }

    /// The name of the statement prepared for `sql` with these parameter types, preparing it first
    /// when this connection has not yet. A NULL's type is left to the server (0), so the same SQL
    /// with NULLs in other places is a different statement.
    private func preparedStatement(for sql: String, types: [Oid], on handle: OpaquePointer) throws(PostgresError)
        -> String
    {
        var key = sql
        for type in types {
            key += ",\(type)"
        }
        if let name = preparedStatements[key] { return name }
        if preparedStatements.count >= Self.preparedStatementCapacity {
            let cleared = PQexec(handle, "DEALLOCATE ALL")
            PQclear(cleared)
            preparedStatements.removeAll(keepingCapacity: true)
        }
        let name = "mandate_\(preparedStatements.count + 1)"
        let result = PQprepare(handle, name, sql, Int32(types.count), types)
        defer { PQclear(result) }
        try checked(result, sql: sql)
        preparedStatements[key] = name
        return name
    }

    private static func rows(of result: OpaquePointer, sql: String) throws(PostgresError) -> [PostgresRow] {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        let names = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        let types = (0..<columnCount).map { PQftype(result, $0) }
        var rows: [PostgresRow] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [PostgresValue] = []
            values.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) != 0 {
                    values.append(.null)
                    continue
                }
                let bytes = UnsafeRawBufferPointer(
                    start: PQgetvalue(result, row, column), count: Int(PQgetlength(result, row, column)))
                do throws(PostgresError) {
                    values.append(try BinaryDecoding.value(of: types[Int(column)], from: bytes))
                } catch {
                    throw .decoding("column '\(names[Int(column)])': \(error.message)", sql: sql)
                }
            }
            rows.append(PostgresRow(columnNames: names, values: values))
        }
        return rows
    }
}
