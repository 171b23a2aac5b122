import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import XCTest

/// The web UI (requirement 12, issue 17) in headless Chromium against `wecare-service serve` on loopback:
/// one browser and one service for the whole walk, which takes well under two minutes. Screenshots go to
/// `.build/ui-artifacts/` (not committed).
final class WebUITests: XCTestCase {
    var driver: WebDriver!
    var service: ServeProcess!
    var artifacts: URL!

    override func setUp() async throws {
        artifacts = packageRoot.appendingPathComponent(".build/ui-artifacts")
        try? FileManager.default.removeItem(at: artifacts)
        try FileManager.default.createDirectory(at: artifacts.appendingPathComponent("downloads"), withIntermediateDirectories: true)
        service = try await ServeProcess()
        do {
            driver = try await WebDriver(downloads: artifacts.appendingPathComponent("downloads"))
        } catch {
            service.stop()
            throw error
        }
    }

    override func tearDown() async throws {
        await driver?.quit()
        service?.stop()
    }

    var base: String { service.base.absoluteString }

    func signIn(_ role: String) async throws {
        if try await driver.js("return location.pathname") as? String != "/signin" {
            try await driver.click("#signout")
        }
        try await driver.wait("the sign-in page", "document.querySelector('main button') && location.pathname === '/signin'")
        try await driver.clickText("Sign in as \(role)", in: "main")
        try await driver.wait("signed in as \(role)", "document.getElementById('who').textContent === '\(role)' && location.pathname !== '/signin'")
    }

    /// The sidebar's labels, in order.
    func sidebar() async throws -> [String] {
        try await driver.js("return [...document.querySelectorAll('#sidebar a')].map((a) => a.firstChild.textContent.trim())") as? [String] ?? []
    }

    /// Controls without an accessible name (a label, aria-label or text), or taken out of the tab order.
    func unlabelled() async throws -> [String] {
        try await driver.js("""
            const named = (el) => {
              if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.title) return true;
              if (['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)) return el.labels && el.labels.length > 0 && el.labels[0].textContent.trim() !== '';
              return el.textContent.trim() !== '';
            };
            return [...document.querySelectorAll('button, input, select, textarea, a[href]')]
              .filter((el) => el.offsetParent !== null || el.getClientRects().length)
              .filter((el) => !named(el) || el.tabIndex < 0)
              .map((el) => el.outerHTML.slice(0, 120));
            """) as? [String] ?? []
    }

    func testTheWebUIEndToEnd() async throws {
        let started = Date()
        // Signed out, any page lands on sign-in, remembering where it was going.
        try await driver.open(base + "/")
        try await driver.wait("the sign-in page", "location.pathname === '/signin' && document.querySelectorAll('main button').length === 3")
        equal(try await driver.js("return document.title") as? String, "Sign in · WECARE.DIGITAL")
        equal(try await driver.js("return document.querySelector('.title').textContent") as? String, "WECARE.DIGITAL")
        equal(try await unlabelled(), [], "sign-in")

        // Viewer: the sidebar of requirement 12, and no write control anywhere.
        try await signIn("Viewer")
        equal(try await sidebar(), ["Pay", "Link", "Forms", "Docs", "Invoice", "DM (WhatsApp/SMS/SES)", "Contacts", "Bulk Messaging", "Agent"])
        let operatorToken = try await service.token("operator")
        let (created, contact) = try await service.request("POST", "/api/contacts", token: operatorToken,
                                                           json: ["name": "Ravi Viewer-Check", "phone": "+919330990001", "optInWhatsApp": true])
        XCTAssertEqual(created, 201)
        let seenId = try XCTUnwrap((contact as? [String: Any])?["id"] as? String)
        try await driver.click("#sidebar a[href='/contacts']")
        try await driver.wait("the contact list", "document.querySelector('#contact-list [data-contact]')")
        equal(try await driver.js("""
            return document.querySelectorAll('main form, main input[type=checkbox]').length
              + [...document.querySelectorAll('main button')].filter((b) => ['Edit', 'Delete', 'Create contact'].includes(b.textContent.trim())).length
            """) as? Int, 0, "a Viewer sees no contact write controls")
        try await driver.open(base + "/dm/\(seenId)/whatsapp")  // a deep link: reload, sign in again (tokens live in memory only)
        try await driver.wait("sign-in after the reload", "location.pathname === '/signin' && location.search.includes('dm')")
        try await driver.clickText("Sign in as Viewer", in: "main")
        try await driver.wait("the conversation of the deep link", "location.pathname === '/dm/\(seenId)/whatsapp' && document.getElementById('thread')")
        equal(try await driver.js("return document.querySelectorAll('main form, #compose-send').length") as? Int, 0, "a Viewer has no composer")
        try await driver.click("#sidebar a[href='/bulk']")
        try await driver.wait("the job list", "document.getElementById('bulk-jobs')")
        equal(try await driver.js("return document.querySelectorAll('main form').length") as? Int, 0, "a Viewer cannot build a bulk job")

        // Admin: the Admin page on top of the sidebar, with the DLQ, the audit log and the settings.
        try await signIn("Admin")
        equal(try await sidebar().last, "Admin")
        try await driver.click("#sidebar a[href='/admin']")
        try await driver.wait("the admin page", "document.getElementById('audit-title') && document.getElementById('dlq-title') && document.getElementById('settings-title')")
        equal(try await unlabelled(), [], "admin")

        // Operator: create a contact, send on WhatsApp, see the refusal in words, an inbound message live, then DRY_RUN.
        try await signIn("Operator")
        isTrue(!(try await sidebar().contains("Admin")))
        try await driver.click("#sidebar a[href='/contacts']")
        try await driver.wait("the new contact form", "document.querySelector('form[aria-label=\"New contact\"]')")
        try await driver.type("form[aria-label='New contact'] input[name=name]", "Asha Browser")
        try await driver.type("form[aria-label='New contact'] input[name=phone]", "+91 93309 94401")
        try await driver.click("form[aria-label='New contact'] input[name=optInWhatsApp]")
        try await driver.clickText("Create contact", in: "form[aria-label='New contact']")
        try await driver.wait("the created contact", "[...document.querySelectorAll('#contact-list li')].some((li) => li.textContent.includes('Asha Browser'))")
        equal(try await unlabelled(), [], "contacts")
        try await driver.js("""
            const li = [...document.querySelectorAll('#contact-list li')].find((li) => li.textContent.includes('Asha Browser'));
            li.querySelector('a').setAttribute('data-test-open', '1');
            """)
        try await driver.click("[data-test-open]")
        try await driver.wait("the conversation", "location.pathname.startsWith('/dm/') && document.getElementById('compose-text')")
        try await driver.js("window.wecareNoReload = true")
        try await driver.type("#compose-text", "Hello Asha")
        try await driver.click("#compose-send")
        try await driver.wait("the refusal in words", "document.getElementById('send-status').textContent.includes('only a template message can be sent')")
        equal(try await unlabelled(), [], "dm")

        // An inbound message posted to the service appears in the open thread, without a reload.
        let now = Int(Date().timeIntervalSince1970)
        let posted = try await service.request("POST", "/dev/inbound", body: Self.inboundEvent(from: "919330994401", text: "Hi, this is Asha", at: now))
        XCTAssertEqual(posted.0, 200, "\(posted.1 ?? "")")
        try await driver.wait("the inbound message in the thread", "document.getElementById('thread').textContent.includes('Hi, this is Asha')")
        try await driver.wait("the open window", "document.getElementById('window').textContent.includes('window open')")
        equal(try await driver.js("return window.wecareNoReload === true") as? Bool, true, "the page was reloaded")

        try await driver.type("#compose-text", "Hello Asha")
        try await driver.click("#compose-send")
        try await driver.wait("the DRY_RUN send in the thread", """
            [...document.querySelectorAll('#thread li.outbound')].some((li) => li.textContent.includes('Hello Asha') && li.querySelector('[data-status=dry_run]'))
            """)
        let sendStatus = try await driver.js("return document.getElementById('send-status').textContent") as? String ?? ""
        XCTAssertTrue(sendStatus.contains("DRY_RUN"), sendStatus)

        // The Agent page: with AI suggestions on, a question from Asha waits in the queue; approving it (edited) is a DRY_RUN send.
        let adminToken = try await service.token("admin")
        let (configured, _) = try await service.request("PUT", "/api/config", token: adminToken, json: ["aiAutomation": true])
        XCTAssertEqual(configured, 200)
        let asked = try await service.request("POST", "/dev/inbound", body: Self.inboundEvent(from: "919330994401", text: "How do I stop receiving messages?", at: now + 1))
        XCTAssertEqual(asked.0, 200, "\(asked.1 ?? "")")
        try await driver.click("#sidebar a[href='/agent']")
        try await driver.wait("the suggestion in the queue", timeout: 30, "document.querySelector('#ai-queue [data-interaction] [data-action=approve]')")
        equal(try await unlabelled(), [], "agent")
        try await driver.type("#ai-queue [data-interaction] textarea", "Reply STOP and we stop at once.")
        try await driver.click("#ai-queue [data-interaction] [data-action=approve]")
        try await driver.wait("the approval as DRY_RUN", "document.querySelector('#ai-queue [data-interaction] [data-status=dry_run]')")
        isTrue((try await driver.js("return document.querySelector('#ai-queue [data-interaction]').textContent") as? String ?? "").contains("Reply STOP and we stop at once."))
        try await driver.clickText("Save feedback", in: "#ai-queue")
        try await driver.wait("the feedback saved", "document.querySelector('#ai-queue').textContent.includes('Feedback saved.')")

        // A bulk job of 25 recipients: confirmation, progress to completed, the report downloaded.
        for n in 1...25 {
            let (status, _) = try await service.request("POST", "/api/contacts", token: operatorToken,
                                                        json: ["name": String(format: "Bulkperson %02d", n), "phone": String(format: "+9193309%05d", 50000 + n), "optInSms": true])
            XCTAssertEqual(status, 201)
        }
        try await driver.click("#sidebar a[href='/bulk']")
        try await driver.wait("the job builder", "document.getElementById('bulk-create')")
        try await driver.type("#bulk-q", "Bulkperson")
        try await driver.type("#bulk-text", "Our office is closed on Monday")
        try await driver.click("#bulk-create")
        try await driver.wait("the confirmation step", "document.getElementById('bulk-confirm')")
        isTrue((try await driver.js("return document.getElementById('bulk-confirm').textContent") as? String ?? "").contains("25 recipients"))
        try await driver.click("#bulk-confirm-send")
        try await driver.wait("the job completed", timeout: 30, "document.getElementById('bulk-job-state')?.dataset.status === 'completed'")
        isTrue((try await driver.js("return document.getElementById('bulk-counts').textContent") as? String ?? "").contains("sent 25"))
        try await driver.click("#bulk-report")
        try await driver.wait("the report", "document.getElementById('bulk-job-status').textContent.includes('Report downloaded: 25 recipients')")
        let downloads = driver.downloads
        var report: URL?
        for _ in 0..<50 where report == nil {
            report = try FileManager.default.contentsOfDirectory(at: downloads, includingPropertiesForKeys: nil).first { $0.pathExtension == "json" }
            if report == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let saved = try XCTUnwrap(report, "no report in the download folder")
        let reportJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: saved)) as? [String: Any]
        XCTAssertEqual((reportJSON?["recipients"] as? [Any])?.count, 25)
        equal(try await unlabelled(), [], "bulk job")
        try await driver.click("a[href='/bulk']")
        try await driver.wait("the job in the list", "document.querySelectorAll('#bulk-jobs [data-job]').length === 1")

        // Every sidebar item without a document reload.
        for item in try await driver.js("return [...document.querySelectorAll('#sidebar a')].map((a) => a.getAttribute('href'))") as? [String] ?? [] {
            try await driver.click("#sidebar a[href='\(item)']")
            try await driver.wait("page \(item)", "location.pathname === '\(item)' && document.querySelector('main').dataset.page === '\(item.dropFirst())'")
            equal(try await unlabelled(), [], item)
        }
        equal(try await driver.js("return window.wecareNoReload === true") as? Bool, true, "navigation reloaded the document")
        try await driver.click("#sidebar a[href='/pay']")
        try await driver.wait("an unconfigured module", "document.querySelector('main').textContent.includes('Pay is not configured')")
        try await driver.click("#sidebar a[href='/agent']")
        try await driver.wait("the agent page", "document.querySelector('main').textContent.includes('no AI suggestions waiting for review')")

        // At 320, 768 and 1280 px: no horizontal scrolling, Helvetica, black 13 px buttons, white background; screenshots.
        try await driver.click("#sidebar a[href='/dm']")
        try await driver.wait("the DM contacts", "document.querySelector('#dm-contacts a')")
        try await driver.js("[...document.querySelectorAll('#dm-contacts a')].find((a) => a.textContent.includes('Asha Browser')).setAttribute('data-test-open', '1')")
        try await driver.click("[data-test-open]")
        try await driver.wait("Asha's thread", "document.getElementById('thread') && document.getElementById('thread').textContent.includes('Hello Asha')")
        let pages = [("dm", "#sidebar a[href='/dm']"), ("contacts", "#sidebar a[href='/contacts']"), ("bulk", "#sidebar a[href='/bulk']")]
        for width in [320, 768, 1280] {
            try await driver.resize(width: width)
            for (name, link) in pages {
                if name != "dm" {
                    if width < 768 { try await driver.click("#menu") }
                    try await driver.click(link)
                    try await driver.wait(name, "document.querySelector('main').dataset.page === '\(name)'")
                }
                try await Task.sleep(for: .milliseconds(150))
                let checks = try await driver.js("""
                    const buttons = [...document.querySelectorAll('button')].filter((b) => b.getClientRects().length);
                    return {
                      overflow: document.documentElement.scrollWidth - window.innerWidth,
                      font: getComputedStyle(document.body).fontFamily,
                      weight: getComputedStyle(document.body).fontWeight,
                      background: getComputedStyle(document.body).backgroundColor,
                      radii: [...new Set(buttons.map((b) => getComputedStyle(b).borderRadius))],
                      colours: [...new Set(buttons.map((b) => getComputedStyle(b).backgroundColor))],
                      width: window.innerWidth,
                    };
                    """) as? [String: Any] ?? [:]
                let at = "\(name) at \(width) px"
                XCTAssertEqual(checks["width"] as? Int, width, at)
                XCTAssertLessThanOrEqual(checks["overflow"] as? Int ?? 1, 0, "\(at): horizontal scrolling")
                XCTAssertTrue((checks["font"] as? String ?? "").contains("Helvetica"), "\(at): \(checks["font"] ?? "")")
                XCTAssertEqual(checks["weight"] as? String, "300", at)
                XCTAssertEqual(checks["background"] as? String, "rgb(255, 255, 255)", at)
                XCTAssertEqual(checks["radii"] as? [String], ["13px"], at)
                XCTAssertEqual(checks["colours"] as? [String], ["rgb(0, 0, 0)"], at)
                try await driver.screenshot(to: artifacts.appendingPathComponent("\(name)-\(width).png"))
            }
            if width < 768 { try await driver.click("#menu") }
            try await driver.click("#sidebar a[href='/dm']")
            try await driver.wait("DM", "document.querySelector('main').dataset.page === 'dm'")
            try await driver.js("[...document.querySelectorAll('#dm-contacts a')].find((a) => a.textContent.includes('Asha Browser')).setAttribute('data-test-open', '1')")
            try await driver.click("[data-test-open]")
            try await driver.wait("Asha's thread", "document.getElementById('thread') && document.getElementById('thread').textContent.includes('Hello Asha')")
        }
        equal(try await driver.js("return window.wecareNoReload === true") as? Bool, true, "the document was reloaded")
        print("web UI walk: \(String(format: "%.1f", Date().timeIntervalSince(started))) s; screenshots in \(artifacts.path)")
    }

    /// An EUM Social event carrying one WhatsApp text from `from` (digits) to the local business number.
    static func inboundEvent(from: String, text: String, at: Int) -> String {
        let message: [String: Any] = ["from": from, "id": "wamid.ui-\(UUID().uuidString)", "timestamp": String(at), "type": "text", "text": ["body": text]]
        let value: [String: Any] = ["messaging_product": "whatsapp", "metadata": ["display_phone_number": "919330994400", "phone_number_id": "831049713436137"],
                                    "messages": [message], "contacts": [["profile": ["name": "Asha Browser"], "wa_id": from]]]
        let entry: [String: Any] = ["id": "1347766229904230", "changes": [["value": value, "field": "messages"]]]
        let entryText = String(decoding: try! JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys]), as: UTF8.self)
        let event: [String: Any] = [
            "context": ["MetaWabaIds": [["wabaId": "1347766229904230", "arn": "arn:aws:social-messaging:us-east-1:809904170947:waba/0aae9cf04cf24c66960f291c793359b4"]],
                        "MetaPhoneNumberIds": [["metaPhoneNumberId": "831049713436137", "arn": "arn:aws:social-messaging:us-east-1:809904170947:phone-number-id/baa217c3f11b4ffd956f6f3afb44ce54"]]],
            "whatsAppWebhookEntry": entryText, "aws_account_id": "809904170947", "message_timestamp": ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(at))),
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]), as: UTF8.self)
    }
}

/// XCTest's assertions take autoclosures, which cannot await: these take the value.
func equal<T: Equatable>(_ value: T?, _ expected: T?, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(value, expected, message, file: file, line: line)
}

func isTrue(_ value: Bool, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertTrue(value, message, file: file, line: line)
}
