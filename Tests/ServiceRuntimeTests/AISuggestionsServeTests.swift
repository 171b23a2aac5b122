import CoreTestSupport
import Channels
import Foundation
@testable import LambdaRuntime
@testable import MessagingCore
@testable import Server
@testable import ServiceRuntime
import WecareConfig
import XCTest

/// AI suggestions in `serve` (Req 15), end to end through the router: the local provider over the shipped
/// knowledge folder, the in-process queue, the SQLite store, DRY_RUN. The provider and the channel
/// gateway count their calls.
final class AISuggestionsServeTests: XCTestCase {
    final class CountingProvider: SuggestionProvider, @unchecked Sendable {
        let base: (any SuggestionProvider)?
        let lock = NSLock()
        var calls = 0
        var queries: [SuggestionQuery] = []
        init(_ base: (any SuggestionProvider)?) { self.base = base }
        var name: String { "local" }
        var model: String { "bm25-extractive" }
        struct Down: Error {}
        func retrieve(_ query: SuggestionQuery) async throws -> [Passage] {
            lock.withLock { calls += 1; queries.append(query) }
            guard let base else { throw Down() }
            return try await base.retrieve(query)
        }
        func suggest(_ query: SuggestionQuery, passages: [Passage]) async throws -> String {
            lock.withLock { calls += 1 }
            guard let base else { throw Down() }
            return try await base.suggest(query, passages: passages)
        }
    }

    final class CountingGateway: ChannelGateway, @unchecked Sendable {
        func wireBody(_ request: OutboundRequest) -> String { OutboundWire.body(request) }
        let lock = NSLock()
        var calls = 0
        func send(_ request: OutboundRequest) async throws -> String { lock.withLock { calls += 1 }; return "provider-id" }
        func uploadWhatsAppMedia(phoneNumberId: String, bucket: String, key: String) async throws -> String { lock.withLock { calls += 1 }; return "m" }
        func downloadWhatsAppMedia(mediaId: String, phoneNumberId: String, bucket: String, key: String) async throws -> (mimeType: String, size: Int?) {
            lock.withLock { calls += 1 }
            return ("image/jpeg", 1)
        }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sender = "16505551234"

    struct Service {
        let context: ServiceContext
        let bridge: APIGatewayBridge
        let provider: CountingProvider
        let gateway: CountingGateway
        let admin: String
        let operatorToken: String

        var queue: InProcessSuggestionQueue { context.ai.queue as! InProcessSuggestionQueue }

        func call(_ method: String, _ path: String, query: String = "", body: String = "", token: String? = nil) async throws -> (status: Int, body: [String: Any]) {
            var headers = ["content-type": "application/json"]
            if let token = token ?? Optional(operatorToken) { headers["authorization"] = "Bearer \(token)" }
            let data = try await bridge.handle(.init(method: method, path: path, rawQuery: query, headers: headers, body: Data(body.utf8)), requestId: "r")
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let parsed = (try? JSONSerialization.jsonObject(with: Data((object["body"] as? String ?? "").utf8))) as? [String: Any] ?? [:]
            return (object["statusCode"] as? Int ?? 0, parsed)
        }

        /// An EUM Social text event to the allowlisted WECARE.DIGITAL number, as `/dev/inbound` takes it.
        func inbound(_ text: String, id: String) async throws -> String {
            let entry = "{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"831049713436137\"},\"messages\":[{\"from\":\"\(AISuggestionsServeTests.sender)\",\"id\":\"\(id)\",\"timestamp\":\"\(Int(Date().timeIntervalSince1970))\",\"type\":\"text\",\"text\":{\"body\":\(jsonQuote(text))}}]}}]}"
            let event = #"{"context":{"MetaPhoneNumberIds":[{"metaPhoneNumberId":"831049713436137","arn":"arn:aws:social-messaging:us-east-1:809904170947:phone-number-id/baa217c3f11b4ffd956f6f3afb44ce54"}]},"whatsAppWebhookEntry":"#
                + jsonQuote(entry) + "}"
            let answer = try await call("POST", "/dev/inbound", body: event)
            XCTAssertEqual(answer.status, 200, "\(answer.body)")
            let stored = try await context.deps.store.message(whatsappId: id)
            return try XCTUnwrap(stored?.id)
        }
    }

    func service(provider base: (any SuggestionProvider)? = nil, failing: Bool = false) async throws -> Service {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-ai-\(UUID().uuidString)").path
        let folder = Self.packageRoot.appendingPathComponent(Messaging.aiKnowledgeFolder).path
        let local = LocalSuggestionProvider(documents: try KnowledgeFolder.documents(at: folder), passages: 3)
        let provider = CountingProvider(failing ? nil : base ?? local)
        let gateway = CountingGateway()
        let context = try await LocalService.make(dataDir: dir, log: JSONLineLog(level: "ERROR"), knowledgeFolder: folder, provider: provider, gateway: gateway)
        let secret = try LocalSigningKey.load(dataDir: dir)
        return Service(context: context, bridge: APIGatewayBridge(context), provider: provider, gateway: gateway,
                       admin: try await TokenVerifier.localToken(secret: secret, role: .admin, user: "admin-1"),
                       operatorToken: try await TokenVerifier.localToken(secret: secret, role: .operator, user: "operator-1"))
    }

    func testWithAIOffAnInboundMessageCallsNoProvider() async throws {
        let s = try await service()
        let id = try await s.inbound("How long can you reply to me on WhatsApp after my last message?", id: "wamid.off")
        await s.queue.idle()
        XCTAssertEqual(s.provider.calls, 0, "AI automation is off by default: no provider call")
        let list = try await s.call("GET", "/api/ai/interactions")
        XCTAssertEqual(list.status, 200)
        XCTAssertEqual((list.body["interactions"] as? [Any])?.count, 0)
        let stored = try await s.context.deps.store.message(id: id)
        XCTAssertNotNil(stored, "the message itself is stored")
    }

    func testOnlyAnAdminTurnsAIOn() async throws {
        let s = try await service()
        let refused = try await s.call("PUT", "/api/config", body: #"{"aiAutomation":true}"#)
        XCTAssertEqual(refused.status, 403)
        let on = try await s.call("PUT", "/api/config", body: #"{"aiAutomation":true}"#, token: s.admin)
        XCTAssertEqual(on.status, 200)
        XCTAssertEqual(on.body["aiAutomation"] as? Bool, true)
        let audited = try await s.context.deps.store.audit(limit: 10, now: Date()).filter { $0.action == "writeConfig" && $0.outcome == "allowed" }
        XCTAssertEqual(audited.first?.resourceId, "aiAutomation")
    }

    func testAQuestionGetsAPendingSuggestionThatIsApprovedEditedRejectedAndRated() async throws {
        let s = try await service()
        _ = try await s.call("PUT", "/api/config", body: #"{"aiAutomation":true}"#, token: s.admin)

        // 1. A question: one retrieval and one suggestion, from the knowledge folder, pending.
        let first = try await s.inbound("How long can you reply to me on WhatsApp after my last message?", id: "wamid.q1")
        await s.queue.idle()
        XCTAssertEqual(s.provider.calls, 2, "one retrieval, one suggestion")
        let pending = try await s.call("GET", "/api/ai/interactions", query: "status=pending")
        let items = try XCTUnwrap(pending.body["interactions"] as? [[String: Any]])
        XCTAssertEqual(items.count, 1)
        let interaction = items[0]
        let id = try XCTUnwrap(interaction["id"] as? String)
        XCTAssertEqual(interaction["messageId"] as? String, first)
        XCTAssertEqual(interaction["provider"] as? String, "local")
        let passages = try XCTUnwrap(interaction["passages"] as? [[String: Any]])
        XCTAssertEqual(passages.first?["source"] as? String, "whatsapp.md#the-24-hour-customer-service-window")
        XCTAssertTrue((interaction["suggestion"] as? String ?? "").contains("24 hours"), "\(interaction)")

        // Only the message text and the conversation reach the provider: no phone number, no id.
        let contactId = try XCTUnwrap(interaction["contactId"] as? String)
        for q in s.provider.queries {
            let all = ([q.text, q.session] + q.recent.map(\.text)).joined(separator: " ")
            for secret in [Self.sender, "+" + Self.sender, contactId, first] { XCTAssertFalse(all.contains(secret), "\(secret) reached the provider") }
        }

        // 2. Approving in DRY_RUN sends nothing: the interaction says dry_run, the gateway was not called.
        let optedIn = try await s.call("PATCH", "/api/contacts/\(contactId)", body: #"{"optInWhatsApp":true}"#)
        XCTAssertEqual(optedIn.status, 200)
        let approved = try await s.call("POST", "/api/ai/interactions/\(id)/approve", body: "{}")
        XCTAssertEqual(approved.status, 200, "\(approved.body)")
        XCTAssertEqual(approved.body["status"] as? String, "dry_run")
        XCTAssertEqual(approved.body["decidedBy"] as? String, "operator-1")
        XCTAssertEqual(s.gateway.calls, 0, "DRY_RUN reaches no channel")
        let sent = try await s.context.deps.store.message(id: try XCTUnwrap(approved.body["sentMessageId"] as? String))
        XCTAssertEqual(sent?.status, .dryRun)
        XCTAssertEqual(sent?.content, interaction["suggestion"] as? String)
        let again = try await s.call("POST", "/api/ai/interactions/\(id)/approve", body: "{}")
        XCTAssertEqual(again.status, 409, "approved once only")

        // 3. Edited, then approved: the operator's text is what goes through the pipeline.
        _ = try await s.inbound("Can I send you documents and images?", id: "wamid.q2")
        await s.queue.idle()
        let secondList = try await s.call("GET", "/api/ai/interactions", query: "status=pending")
        let second = try XCTUnwrap((secondList.body["interactions"] as? [[String: Any]])?.first?["id"] as? String)
        let edited = try await s.call("POST", "/api/ai/interactions/\(second)/approve", body: #"{"text":"Yes: images, videos, audio and documents."}"#)
        XCTAssertEqual(edited.body["status"] as? String, "dry_run")
        XCTAssertEqual(edited.body["finalText"] as? String, "Yes: images, videos, audio and documents.")
        let editedMessage = try await s.context.deps.store.message(id: try XCTUnwrap(edited.body["sentMessageId"] as? String))
        XCTAssertEqual(editedMessage?.content, "Yes: images, videos, audio and documents.")

        // 4. Rejected: nothing is sent, and it cannot be approved afterwards.
        _ = try await s.inbound("Do I need to opt in before you message me?", id: "wamid.q3")
        await s.queue.idle()
        let thirdList = try await s.call("GET", "/api/ai/interactions", query: "status=pending")
        let third = try XCTUnwrap((thirdList.body["interactions"] as? [[String: Any]])?.first?["id"] as? String)
        let rejected = try await s.call("POST", "/api/ai/interactions/\(third)/reject")
        XCTAssertEqual(rejected.body["status"] as? String, "rejected")
        XCTAssertNil(rejected.body["sentMessageId"])
        let late = try await s.call("POST", "/api/ai/interactions/\(third)/approve", body: "{}")
        XCTAssertEqual(late.status, 409)

        // 5. Feedback on any of them.
        let rated = try await s.call("POST", "/api/ai/interactions/\(third)/feedback", body: #"{"rating":2,"comment":"wrong channel"}"#)
        XCTAssertEqual(rated.status, 200)
        XCTAssertEqual((rated.body["feedback"] as? [String: Any])?["rating"] as? Int, 2)
        XCTAssertEqual((rated.body["feedback"] as? [String: Any])?["comment"] as? String, "wrong channel")
        let outOfRange = try await s.call("POST", "/api/ai/interactions/\(third)/feedback", body: #"{"rating":9}"#)
        XCTAssertEqual(outOfRange.status, 400)
        let stored = try await s.call("GET", "/api/ai/interactions/\(third)")
        XCTAssertEqual((stored.body["feedback"] as? [String: Any])?["by"] as? String, "operator-1")

        // Every decision is audited, with the interaction's id.
        let audit = try await s.context.deps.store.audit(limit: 100, now: Date()).filter { $0.action == Permission.reviewAI.rawValue && $0.outcome == "allowed" }
        XCTAssertEqual(Set(audit.compactMap(\.resourceId)), [id, second, third])
        XCTAssertEqual(audit.count, 4, "approve, approve, reject, feedback (refusals are audited as refused): \(audit.map(\.details))")
        XCTAssertEqual(s.gateway.calls, 0)
        // Paging and filters.
        let byContact = try await s.call("GET", "/api/ai/interactions", query: "contactId=\(contactId)&limit=2")
        XCTAssertEqual((byContact.body["interactions"] as? [Any])?.count, 2)
        XCTAssertNotNil(byContact.body["next"])
        let badStatus = try await s.call("GET", "/api/ai/interactions", query: "status=maybe")
        XCTAssertEqual(badStatus.status, 400)
    }

    func testAFailingProviderKeepsTheMessageAndDeadLettersTheSuggestion() async throws {
        let s = try await service(failing: true)
        _ = try await s.call("PUT", "/api/config", body: #"{"aiAutomation":true}"#, token: s.admin)
        let id = try await s.inbound("What is WECARE.DIGITAL?", id: "wamid.fail")
        await s.queue.idle()
        XCTAssertEqual(s.provider.calls, 1)
        let stored = try await s.context.deps.store.message(id: id)
        XCTAssertNotNil(stored, "ingestion does not depend on the provider")
        let dlq = try await s.context.deps.store.dlqEntries(limit: 10, now: Date())
        XCTAssertEqual(dlq.map(\.queue), [AISuggestionService.deadLetterQueue])
        XCTAssertEqual(dlq.first?.originalMessageId, "ai/\(id)")
    }
}
