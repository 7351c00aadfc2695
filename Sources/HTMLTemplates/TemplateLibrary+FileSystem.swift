public import Foundation

extension TemplateLibrary {
    /// Loads every `*.html` and `*.txt` file below `directory`, recursively.
    ///
    /// A file's name is its path relative to `directory`, with or without the extension
    /// (`pages/users`, `partials/banner`, `email/invitation.txt`). `.html` files escape interpolated
    /// values for HTML, `.txt` files (SMS bodies, email text parts) do not. Hidden files and folders
    /// (names starting with `.`, such as editor swap files) are skipped, and a leading UTF-8 byte order
    /// mark is dropped so it never ends up in a page.
    ///
    /// This reads files synchronously: call it at startup, or use ``load(directory:)`` from async code.
    ///
    /// - Throws: ``TemplateError`` with reason `.unreadableFile` when the directory or a file cannot be
    ///   read, and the parse or `.missingPartial` error of the first broken template otherwise.
    public init(directory: URL) throws(TemplateError) {
        try self.init(sources: Self.readTemplateFiles(in: directory), defaultEscaping: .html)
    }

    /// Loads a directory like ``init(directory:)`` on a dedicated thread, so the blocking file reads
    /// never occupy a thread of Swift's cooperative pool.
    public static func load(directory: URL) async throws(TemplateError) -> TemplateLibrary {
        let result: Result<TemplateLibrary, TemplateError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    returning: Result { () throws(TemplateError) in try TemplateLibrary(directory: directory) })
            }
            thread.name = "TemplateLibrary.load"
            thread.start()
        }
        return try result.get()
    }

    /// The relative path and contents of every template file below `directory`.
    private static func readTemplateFiles(in directory: URL) throws(TemplateError) -> [(key: String, source: String)] {
        let fileManager = FileManager.default
        let root = directory.path
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue,
            let enumerator = fileManager.enumerator(atPath: root)
        else {
            throw TemplateError(
                reason: .unreadableFile, message: "template directory '\(root)' does not exist or is not a directory",
                templateName: "")
        }
        var sources: [(key: String, source: String)] = []
        while let relativePath = enumerator.nextObject() as? String {
            let components = relativePath.split(separator: "/")
            guard let last = components.last, !components.contains(where: { $0.hasPrefix(".") }) else { continue }
            guard last.hasSuffix(".html") || last.hasSuffix(".txt") else { continue }
            let fullPath = directory.appendingPathComponent(relativePath).path
            guard fileManager.fileExists(atPath: fullPath, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            sources.append((relativePath, try readUTF8File(atPath: fullPath, relativePath: relativePath)))
        }
        return sources
    }

    private static func readUTF8File(atPath path: String, relativePath: String) throws(TemplateError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TemplateError(
                reason: .unreadableFile, message: "cannot read template file '\(path)'",
                templateName: shortName(of: relativePath), fileName: relativePath)
        }
        // A byte order mark is legal UTF-8 but would be rendered as an invisible character.
        let bytes = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
        guard let source = String(validating: bytes, as: UTF8.self) else {
            throw TemplateError(
                reason: .unreadableFile, message: "template file '\(path)' is not valid UTF-8",
                templateName: shortName(of: relativePath), fileName: relativePath)
        }
        return source
    }

    /// `pages/users` for `pages/users.html`.
    private static func shortName(of relativePath: String) -> String {
        guard let dot = relativePath.lastIndex(of: ".") else { return relativePath }
        return String(relativePath[..<dot])
    }
}
