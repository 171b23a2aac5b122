import Channels
import Foundation
import CoreTestSupport
@testable import MessagingCore

final class RecordingGateway: ChannelGateway, @unchecked Sendable {
    func wireBody(_ request: OutboundRequest) -> String { OutboundWire.body(request) }
    private let lock = NSLock()
    private var _sent: [OutboundRequest] = []
    var sent: [OutboundRequest] { lock.withLock { _sent } }
    var failWith: ProviderError?
    var downloads = 0
    /// The destination key prefix and business number of the last download.
    var downloadPrefix: String?
    var downloadPhoneNumberId: String?
    /// Media ids whose download fails.
    var failDownloads: Set<String> = []

    func send(_ request: OutboundRequest) async throws -> String {
        if let failWith { throw failWith }
        return lock.withLock { _sent.append(request); return "provider-\(_sent.count)" }
    }
    func uploadWhatsAppMedia(phoneNumberId: String, bucket: String, key: String) async throws -> String { "media-1" }
    func downloadWhatsAppMedia(mediaId: String, phoneNumberId: String, bucket: String, key: String) async throws -> (mimeType: String, size: Int?) {
        if failDownloads.contains(mediaId) { throw ProviderError(code: "AccessDeniedByMetaException", message: "media \(mediaId) is gone") }
        lock.withLock { downloads += 1; downloadPrefix = key; downloadPhoneNumberId = phoneNumberId }
        return ("image/jpeg", 1234)
    }
}

struct World {
    let clock = TestClock()
    let store = InMemoryStore()
    /// When set, the core works on it (over `store`) instead.
    var faulty: FaultyStore?
    let gateway = RecordingGateway()
    let events = RecordingEvents()
    let ids = SequentialIDs()
    var settings = CoreSettings(environment: "local", sendMode: .dryRun, allowlist: ["phone-number-id-aaa", "phone-number-id-bbb"],
                                metaApiVersion: "v20.0", smsPoolId: "pool-1", emailSender: "one@wecare.digital",
                                mediaBucket: "stream.wecare.digital", incomingPrefix: "in/", outgoingPrefix: "out/")
    var deps: CoreDependencies { CoreDependencies(store: faulty ?? store, gateway: gateway, clock: clock, ids: ids, events: events) }
    var contacts: ContactService { ContactService(deps) }
    var pipeline: SendPipeline { SendPipeline(deps, settings: settings) }
    var inbound: InboundProcessor { InboundProcessor(deps, settings: settings) }
    var dlq: DLQService { DLQService(deps, settings: settings) }

    func contact(phone: String? = "+919330994400", email: String? = "a@example.com", whatsapp: Bool = true, sms: Bool = true, mail: Bool = true,
                 lastInbound: TimeInterval? = -3600) async throws -> Contact {
        var c = try await contacts.create(.init(name: "Asha", phone: phone, email: email, optInWhatsApp: whatsapp, optInSms: sms, optInEmail: mail))
        if let lastInbound {
            c.lastInboundMessageAt = clock.now().addingTimeInterval(lastInbound)
            try await store.updateContact(c)
        }
        return c
    }
}

/// An EUM Social event as SNS delivers it, with the entry string-encoded.
func eumEvent(messages: [[String: Any]] = [], statuses: [[String: Any]] = [], messageId: String? = nil) -> String {
    var value: [String: Any] = ["messaging_product": "whatsapp", "metadata": ["display_phone_number": "919330994400", "phone_number_id": "831049713436137"]]
    if !messages.isEmpty {
        value["messages"] = messages
        value["contacts"] = [["profile": ["name": "Diego"], "wa_id": messages[0]["from"] ?? ""]]
    }
    if !statuses.isEmpty { value["statuses"] = statuses }
    let entry: [String: Any] = ["id": "1347766229904230", "changes": [["value": value, "field": "messages"]]]
    let entryText = String(data: try! JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys]), encoding: .utf8)!
    var event: [String: Any] = [
        "context": ["MetaWabaIds": [["wabaId": "1347766229904230", "arn": "arn:aws:social-messaging:us-east-1:809904170947:waba/0aae9cf04cf24c66960f291c793359b4"]],
                    "MetaPhoneNumberIds": [["metaPhoneNumberId": "831049713436137", "arn": "arn:aws:social-messaging:us-east-1:809904170947:phone-number-id/aaa"]]],
        "whatsAppWebhookEntry": entryText, "aws_account_id": "809904170947", "message_timestamp": "2025-01-08T23:30:43.271279391Z",
    ]
    if let messageId { event["messageId"] = messageId }
    return String(data: try! JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]), encoding: .utf8)!
}

