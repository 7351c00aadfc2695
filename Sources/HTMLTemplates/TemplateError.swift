/// The one error type of this module: why a template could not be parsed, loaded or found.
///
/// `description` reads like a compiler diagnostic so it can be logged as-is, for example
/// `pages/users.html:12:5: section 'users' opened here is never closed`.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    /// The machine-readable cause.
    public enum Reason: Sendable, Equatable {
        /// A `{{#name}}` or `{{^name}}` section has no closing `{{/name}}`.
        case unclosedSection
        /// A `{{/name}}` closes a different section than the one that is open, or none at all.
        case mismatchedSection
        /// A tag has no closing `}}` (or `}}}` for a triple mustache).
        case unclosedTag
        /// A tag this engine does not support (set delimiters, inheritance, dynamic partials) or an
        /// invalid name inside a tag.
        case unsupportedTag
        /// A `{{> name}}` partial refers to a template that is not in the library.
        case missingPartial
        /// `TemplateLibrary.render` was asked for a template the library does not have.
        case unknownTemplate
        /// A template file or directory could not be read, or is not UTF-8.
        case unreadableFile
    }

    /// The machine-readable cause.
    public let reason: Reason
    /// What went wrong, in words a template author can act on (without the location prefix).
    public let message: String
    /// The template's name, such as `pages/users`.
    public let templateName: String
    /// The file the template came from, relative to the library directory (`pages/users.html`), or
    /// `nil` when the template was not loaded from a file.
    public let fileName: String?
    /// The 1-based line of the offending tag, or 0 when the error is not about a position.
    public let line: Int
    /// The 1-based column (in characters) of the offending tag, or 0 when the error has no position.
    public let column: Int

    /// Creates an error; `line` and `column` are 0 when the error is not about a position.
    public init(
        reason: Reason, message: String, templateName: String, fileName: String? = nil, line: Int = 0,
        column: Int = 0
    ) {
        self.reason = reason
        self.message = message
        self.templateName = templateName
        self.fileName = fileName
        self.line = line
        self.column = column
    }

    /// `file:line:column: message`, or `file: message` when there is no position.
    public var description: String {
        let file = fileName ?? templateName
        if line > 0 {
            return "\(file):\(line):\(column): \(message)"
        }
        return file.isEmpty ? message : "\(file): \(message)"
    }
}
