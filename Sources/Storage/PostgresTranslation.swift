/// Rewrites the stores' SQL (SQLite's parameter syntax) for PostgreSQL: `?` becomes `$1`, `$2`, …
/// in order, `:name` becomes one `$n` per distinct name, and the keyword `LIKE` becomes `ILIKE`
/// (SQLite's `LIKE` ignores ASCII case; PostgreSQL's does not).
///
/// String literals, quoted identifiers, comments and `::` casts are copied unchanged.
struct PostgresTranslation: Sendable {
    /// The statement for PostgreSQL.
    let sql: String
    /// For `:name` parameters, the names (with their colon) in `$n` order; empty for `?`.
    let names: [String]
    /// The number of `?` placeholders.
    let positionalCount: Int

    init(_ source: String) {
        var output = ""
        output.reserveCapacity(source.utf8.count + 16)
        var names: [String] = []
        var positional = 0
        let scalars = Array(source.unicodeScalars)
        var index = 0
        func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || (scalar.isASCII && scalar.properties.isAlphabetic)
        }
        func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
            isIdentifierStart(scalar) || ("0"..."9").contains(scalar)
        }
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "'", "\"":
                // A literal or quoted identifier; a doubled quote inside it is an escaped quote.
                output.unicodeScalars.append(scalar)
                index += 1
                while index < scalars.count {
                    output.unicodeScalars.append(scalars[index])
                    if scalars[index] == scalar {
                        if index + 1 < scalars.count, scalars[index + 1] == scalar {
                            output.unicodeScalars.append(scalar)
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    index += 1
                }
            case "-" where index + 1 < scalars.count && scalars[index + 1] == "-":
                while index < scalars.count, scalars[index] != "\n" {
                    output.unicodeScalars.append(scalars[index])
                    index += 1
                }
            case "/" where index + 1 < scalars.count && scalars[index + 1] == "*":
                output += "/*"
                index += 2
                while index < scalars.count {
                    if scalars[index] == "*", index + 1 < scalars.count, scalars[index + 1] == "/" {
                        output += "*/"
                        index += 2
                        break
                    }
                    output.unicodeScalars.append(scalars[index])
                    index += 1
                }
            case "?":
                positional += 1
                output += "$\(positional)"
                index += 1
            case ":" where index + 1 < scalars.count && scalars[index + 1] == ":":
                output += "::"
                index += 2
            case ":" where index + 1 < scalars.count && isIdentifierStart(scalars[index + 1]):
                var end = index + 1
                while end < scalars.count, isIdentifierPart(scalars[end]) { end += 1 }
                var name = ":"
                name.unicodeScalars.append(contentsOf: scalars[(index + 1)..<end])
                if let existing = names.firstIndex(of: name) {
                    output += "$\(existing + 1)"
                } else {
                    names.append(name)
                    output += "$\(names.count)"
                }
                index = end
            case _ where isIdentifierStart(scalar):
                var end = index + 1
                while end < scalars.count, isIdentifierPart(scalars[end]) { end += 1 }
                var word = ""
                word.unicodeScalars.append(contentsOf: scalars[index..<end])
                let previous = index > 0 ? scalars[index - 1] : " "
                if word.uppercased() == "LIKE", previous != ".", previous != "\"" {
                    output += "ILIKE"
                } else {
                    output += word
                }
                index = end
            default:
                output.unicodeScalars.append(scalar)
                index += 1
            }
        }
        self.sql = output
        self.names = names
        self.positionalCount = positional
    }
}
