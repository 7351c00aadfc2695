/// How a session's Chromium is started.
struct BrowserOptions: Sendable {
    /// Off to check that a page works without JavaScript (the dashboard must, issue 8).
    var javaScriptEnabled = true
    var windowWidth = 1280
    var windowHeight = 900
    /// More Chromium switches, such as `--lang=de`.
    var extraArguments: [String] = []

    /// The `alwaysMatch` capabilities of New Session, with Chromium's options under
    /// `goog:chromeOptions`.
    var capabilities: WebDriverJSON {
        var arguments: [WebDriverJSON] = [
            // The new headless mode is the real browser without a window.
            "--headless=new",
            // Chromium refuses to sandbox as root, which is how tests run in containers and CI.
            "--no-sandbox",
            "--disable-gpu",
            // /dev/shm is tiny in containers; shared memory there makes renderers crash.
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            .string("--window-size=\(windowWidth),\(windowHeight)"),
        ]
        if !javaScriptEnabled { arguments.append("--blink-settings=scriptEnabled=false") }
        arguments += extraArguments.map(WebDriverJSON.string)
        return [
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": ["implicit": 0, "pageLoad": 60_000, "script": 30_000],
            "goog:chromeOptions": ["binary": .string(Browser.chromiumPath), "args": .array(arguments)],
        ]
    }
}
