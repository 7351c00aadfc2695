import Crypto
public import Foundation
public import HTTPServer

/// The dashboard's static files (`Templates/static/`: the stylesheet and the small script that only
/// enhances), read once when the routes are built and served from memory.
///
/// Pages link them as `/static/app.css?v=<hash of the content>`: a URL that changes whenever the
/// file does, so the browser may keep it a year (`immutable`). A request without the current
/// version (an old page, a hand-typed URL) is answered with `no-cache` and an `ETag`, so the
/// browser revalidates it cheaply (304).
public struct StaticAssets: Sendable {
    struct Asset: Sendable {
        let name: String
        let contentType: String
        let body: [UInt8]
        /// The first 16 hex digits of the SHA-256 of `body`.
        let version: String

        var path: String { "/static/" + name }
        var url: String { path + "?v=" + version }
        var entityTag: String { "\"" + version + "\"" }
    }

    /// The file types served, by extension. Anything else in the folder is left alone.
    static let contentTypes: [String: String] = [
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "svg": "image/svg+xml",
        "png": "image/png",
        "ico": "image/x-icon",
        "txt": "text/plain; charset=utf-8",
        "woff2": "font/woff2",
    ]

    private let assets: [String: Asset]

    /// No files: pages still render, without their stylesheet.
    public static let empty = StaticAssets(assets: [:])

    private init(assets: [String: Asset]) {
        self.assets = assets
    }

    /// Reads the files of known types directly in `directory` (not below it; hidden files skipped).
    /// A missing folder gives no files; call this at start-up, it reads synchronously.
    public static func load(directory: URL) -> StaticAssets {
        let fileManager = FileManager.default
        guard let names = try? fileManager.contentsOfDirectory(atPath: directory.path) else { return .empty }
        var assets: [String: Asset] = [:]
        for name in names where !name.hasPrefix(".") {
            guard let dot = name.lastIndex(of: "."),
                let contentType = contentTypes[String(name[name.index(after: dot)...]).lowercased()],
                let data = fileManager.contents(atPath: directory.appendingPathComponent(name).path)
            else { continue }
            let body = Array(data)
            let version = String(Digest.sha256(body).hexEncodedString().prefix(16))
            assets[name] = Asset(name: name, contentType: contentType, body: body, version: version)
        }
        return StaticAssets(assets: assets)
    }

    /// The versioned URL of the file `name` (`/static/app.css?v=…`), nil when there is no such file.
    public func url(for name: String) -> String? {
        assets[name]?.url
    }

    /// Registers `GET /static/<name>` for every file (one fixed route each: no path parameter, so
    /// no way to ask for anything but these files).
    public func register<Context: RequestContext>(on router: Router<Context>) {
        for asset in assets.values.sorted(by: { $0.name < $1.name }) {
            router.get(asset.path) { request, _ in Self.response(for: asset, request: request) }
        }
    }

    static func response(for asset: Asset, request: HTTPRequest) -> HTTPResponse {
        let isCurrentVersion = request.queryParameters["v"] == asset.version
        let headers = HTTPHeaders([
            ("Content-Type", asset.contentType),
            ("ETag", asset.entityTag),
            ("Cache-Control", isCurrentVersion ? "public, max-age=31536000, immutable" : "no-cache"),
        ])
        if let match = request.headers["If-None-Match"],
            match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == asset.entityTag })
        {
            return HTTPResponse(status: .notModified, headers: headers)
        }
        return HTTPResponse(status: .ok, headers: headers, body: asset.body)
    }
}
