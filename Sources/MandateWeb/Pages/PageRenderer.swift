import HTMLTemplates
import HTTPServer

/// One page to answer with: a template of `Templates/pages/`, its view model, and the chrome.
struct Page: Sendable {
    /// The template's name below `pages/` (`sign-in` renders `Templates/pages/sign-in.html`).
    var template: String
    /// The page title, before ` · Mandate`.
    var title: String
    var status: HTTPStatus = .ok
    var chrome: PageChrome
    /// The view model: escaped by the template like everything else.
    var content: [String: TemplateValue]
}

/// Renders pages inside `Templates/pages/layout.html`.
///
/// The page's own template is rendered first, from its view model, with every value escaped; the
/// layout then places that output with its one raw tag, `{{{content}}}`. That tag only ever
/// receives this renderer's output (``TrustedHTML``), never data, so escaping holds end to end.
struct PageRenderer: Sendable {
    static let layoutTemplate = "pages/layout"

    let templates: TemplateLibrary
    let assets: StaticAssets

    /// The page as a `text/html; charset=utf-8` response that no cache keeps (pages carry CSRF
    /// tokens and personal data). A flash message waiting in `request`'s cookie is shown and
    /// cleared.
    func respond(_ page: Page, to request: HTTPRequest) throws -> HTTPResponse {
        var page = page
        var clearFlash = false
        if let code = WebCookie.flash.value(in: request) {
            clearFlash = true
            if let flash = Flash(rawValue: code), !page.chrome.flash.contains(flash) {
                page.chrome.flash.append(flash)
            }
        }
        var response = HTTPResponse.html(try render(page), status: page.status)
        response.headers.add(name: "Cache-Control", value: "no-store")
        if clearFlash { response.setCookie(WebCookie.flash.expired(for: request)) }
        return response
    }

    /// The whole document.
    func render(_ page: Page) throws -> String {
        let body = try templates.render("pages/" + page.template, .object(page.content))
        guard case .object(var layout) = page.chrome.templateValue else { return body }
        layout["title"] = .string(page.title)
        layout["template"] = .string(page.template)
        layout["content"] = .html(TrustedHTML(unsafeRawHTML: body))
        var assetURLs: [String: TemplateValue] = [:]
        if let css = assets.url(for: "app.css") { assetURLs["css"] = .string(css) }
        if let script = assets.url(for: "app.js") { assetURLs["js"] = .string(script) }
        if let icon = assets.url(for: "favicon.svg") { assetURLs["icon"] = .string(icon) }
        layout["assets"] = .object(assetURLs)
        return try templates.render(Self.layoutTemplate, .object(layout))
    }
}

extension HTTPResponse {
    /// A 303 to `location` (a path on this site), optionally with a flash message for the next page.
    static func seeOther(_ location: String, flash: Flash? = nil, request: HTTPRequest) -> HTTPResponse {
        var response = HTTPResponse.redirect(to: location, status: .seeOther)
        response.headers.add(name: "Cache-Control", value: "no-store")
        if let flash {
            response.setCookie(WebCookie.flash.make(flash.rawValue, for: request, maxAge: WebCookie.flashMaxAge))
        }
        return response
    }
}
