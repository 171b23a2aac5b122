import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import XCTest

/// chromedriver (Debian's chromium-driver) driving headless Chromium over the W3C WebDriver protocol: plain
/// HTTP and JSON on loopback. Tests never install the browser: `scripts/test` does.
final class WebDriver: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let missing = "chromium and chromedriver are needed for the web UI tests: scripts/test installs them (apt-get install chromium chromium-driver)"

    private let process: Process
    private let port: Int
    private var session = ""
    let downloads: URL

    /// Finds chromedriver and chromium, starts the driver on a loopback port and opens a headless session.
    init(downloads: URL) async throws {
        let paths = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        guard let driver = paths.first(where: FileManager.default.isExecutableFile(atPath:)),
              let browser = ["/usr/bin/chromium", "/usr/lib/chromium/chromium"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw Failure(description: Self.missing)
        }
        let port = try MotoServer.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: driver)
        process.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.port = port
        self.downloads = downloads
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if (try? await call("GET", "/status")) != nil { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": [
                "binary": browser,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
                         "--no-first-run", "--disable-extensions", "--disable-background-networking", "--disable-sync",
                         "--disable-component-update", "--disable-default-apps", "--metrics-recording-only", "--no-default-browser-check"],
                "prefs": ["download.default_directory": downloads.path, "download.prompt_for_download": false],
            ] as [String: Any],
        ] as [String: Any]]]
        let answer = try await call("POST", "/session", capabilities)
        guard let value = answer as? [String: Any], let id = value["sessionId"] as? String else {
            throw Failure(description: "chromedriver opened no session: \(answer ?? "nil")")
        }
        session = id
        // Downloads in headless Chromium go where the DevTools protocol says (the preference above is the fallback).
        if (try? await cdp("Browser.setDownloadBehavior", ["behavior": "allow", "downloadPath": downloads.path])) == nil {
            _ = try? await cdp("Page.setDownloadBehavior", ["behavior": "allow", "downloadPath": downloads.path])
        }
    }

    func quit() async {
        if !session.isEmpty { _ = try? await call("DELETE", "/session/\(session)") }
        // chromedriver does not always end on SIGTERM once its session is gone: it gets two seconds, then SIGKILL.
        process.terminate()
        for _ in 0..<20 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// One WebDriver command; returns its `value`.
    @discardableResult
    func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let response = try await LoopbackHTTP.exchange(port: port, method: method, path: path, body: payload)
        let object = try? JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed])
        let value = (object as? [String: Any])?["value"]
        if response.status >= 400 {
            throw Failure(description: "WebDriver \(method) \(path): \(response.status) \(String(decoding: response.body.prefix(600), as: UTF8.self))")
        }
        return value is NSNull ? nil : value
    }

    private var sessionPath: String { "/session/\(session)" }

    func open(_ url: String) async throws { try await call("POST", "\(sessionPath)/url", ["url": url]) }

    /// Runs `script` (a function body; `arguments[0]`… are `args`) in the page and returns its value.
    @discardableResult
    func js(_ script: String, _ args: [Any] = []) async throws -> Any? {
        try await call("POST", "\(sessionPath)/execute/sync", ["script": script, "args": args])
    }

    /// Runs an async script: the page calls `arguments[arguments.length - 1]` with the result.
    @discardableResult
    func jsAsync(_ script: String, _ args: [Any] = []) async throws -> Any? {
        try await call("POST", "\(sessionPath)/execute/async", ["script": script, "args": args])
    }

    func cdp(_ command: String, _ params: [String: Any]) async throws -> Any? {
        try await call("POST", "\(sessionPath)/goog/cdp/execute", ["cmd": command, "params": params])
    }

    /// The element for a CSS selector (the first), as WebDriver names it.
    func find(_ css: String) async throws -> String {
        let value = try await call("POST", "\(sessionPath)/element", ["using": "css selector", "value": css])
        guard let element = (value as? [String: Any])?.values.first as? String else { throw Failure(description: "no element \(css)") }
        return element
    }

    /// A real click (the browser's own input events), on the first element for the selector.
    func click(_ css: String) async throws {
        let element = try await find(css)
        try await call("POST", "\(sessionPath)/element/\(element)/click", [:])
    }

    /// Types into a field as a user would (clears it first).
    func type(_ css: String, _ text: String) async throws {
        let element = try await find(css)
        try await call("POST", "\(sessionPath)/element/\(element)/clear", [:])
        try await call("POST", "\(sessionPath)/element/\(element)/value", ["text": text])
    }

    /// Clicks the first button (or link) in `scope` whose text is `text`.
    func clickText(_ text: String, in scope: String = "body", tag: String = "button") async throws {
        let marked = try await js("""
            const el = [...document.querySelectorAll(arguments[1] + ' ' + arguments[2])].find((b) => b.textContent.trim() === arguments[0]);
            if (!el) return false;
            el.setAttribute('data-test-click', '1');
            return true;
            """, [text, scope, tag]) as? Bool ?? false
        guard marked else { throw Failure(description: "no \(tag) '\(text)' in \(scope)") }
        try await click("[data-test-click]")
        try await js("document.querySelectorAll('[data-test-click]').forEach((e) => e.removeAttribute('data-test-click'))")
    }

    /// Waits until `condition` (a JS expression) is truthy in the page; fails with `what` and the page's text.
    func wait(_ what: String, timeout: TimeInterval = 15, _ condition: String) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let ok = try? await js("return !!(\(condition))") as? Bool, ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        let text = (try? await js("return location.pathname + ' | ' + document.body.innerText.slice(0, 1500)") as? String) ?? ""
        throw Failure(description: "timed out waiting for \(what): \(text)")
    }

    /// The viewport as a device of this width (CSS pixels), the same in every platform's headless mode.
    func resize(width: Int, height: Int = 900) async throws {
        _ = try await cdp("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 768])
    }

    func screenshot(to url: URL) async throws {
        guard let base64 = try await call("GET", "\(sessionPath)/screenshot") as? String, let data = Data(base64Encoded: base64) else {
            throw Failure(description: "no screenshot")
        }
        try data.write(to: url)
    }
}

/// `wecare-service serve` on a loopback port with a fresh data folder, as a user starts it.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let base: URL
    let dataDir: URL

    static var binary: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("wecare-service")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return packageRoot.appendingPathComponent(".build/debug/wecare-service")
    }

    init() async throws {
        dataDir = try temporaryDirectory("wecare-ui")
        let port = try MotoServer.freePort()
        base = URL(string: "http://127.0.0.1:\(port)")!
        process.executableURL = Self.binary
        process.currentDirectoryURL = packageRoot  // the knowledge folder the local AI suggestions read
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDir.path]
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "ENVIRONMENT")
        process.environment = environment
        let log = dataDir.appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let (_, response) = try? await URLSession.shared.data(from: base.appendingPathComponent("healthz")),
               (response as? HTTPURLResponse)?.statusCode == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WebDriver.Failure(description: "serve did not answer /healthz within 30 s")
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: dataDir)
    }

    /// A JSON request with a token, from the test (not the browser).
    @discardableResult
    func request(_ method: String, _ path: String, token: String? = nil, json: Any? = nil, body: String? = nil) async throws -> (Int, Any?) {
        var request = URLRequest(url: URL(string: base.absoluteString + path)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json { request.httpBody = try JSONSerialization.data(withJSONObject: json) }
        if let body { request.httpBody = Data(body.utf8) }
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
    }

    func token(_ role: String) async throws -> String {
        let (_, answer) = try await request("POST", "/dev/token", json: ["role": role])
        guard let token = (answer as? [String: Any])?["token"] as? String else { throw WebDriver.Failure(description: "no development token") }
        return token
    }
}

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
