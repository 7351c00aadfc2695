import Foundation

/// Helpers for the column lists the stores keep next to their decoders.
enum SQLColumns {
    /// `alias.a, alias.b, …` for a comma-separated column list. Use it to build SQL once (in a
    /// `static let`): statements are cached by their text.
    static func qualified(_ alias: String, _ columns: String) -> String {
        columns.split(separator: ",").map { alias + "." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .joined(separator: ", ")
    }
}
