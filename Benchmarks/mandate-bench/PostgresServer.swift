import Foundation

/// The PostgreSQL server of `--db postgres://…` or `MANDATE_BENCH_POSTGRES`, if any: benchmarks
/// that support it then also run on PostgreSQL.
func postgresServer(in arguments: [String]) -> String? {
    if let url = option("--db", in: arguments), url.hasPrefix("postgres") { return url }
    let variable = ProcessInfo.processInfo.environment["MANDATE_BENCH_POSTGRES"] ?? ""
    return variable.isEmpty ? nil : variable
}
