import Foundation
import MessagingCore

// The JSON answers of the HTTP API. Each is Decodable as well as Encodable so that `SchemaDecoder` reads
// its schema from the type, as it does for the request bodies: `/openapi.json` describes what the
// handlers encode, and schemathesis checks every answer against it.

struct HealthView: Codable {
    var status: String
    var environment: String
    var sendMode: String
}

struct MeView: Codable {
    var userId: String
    var role: Role
}

struct ContactList: Codable {
    var contacts: [Contact]
}

struct MessagePage: Codable {
    var messages: [MessageView]
    /// The `before` of the next page; absent on the last.
    var next: String?
}

/// A message as the API shows it: the stored fields, and a one-hour link to its media when it has any.
struct MessageView: Codable {
    var message: Message
    var mediaUrl: String?

    init(message: Message, mediaUrl: String?) {
        self.message = message
        self.mediaUrl = mediaUrl
    }

    init(from decoder: any Decoder) throws {
        message = try Message(from: decoder)
        mediaUrl = try decoder.container(keyedBy: Key.self).decodeIfPresent(String.self, forKey: .mediaUrl)
    }

    func encode(to encoder: any Encoder) throws {
        try message.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(mediaUrl, forKey: .mediaUrl)
    }

    enum Key: String, CodingKey { case mediaUrl }
}

struct DLQList: Codable {
    var entries: [DLQEntry]
}

/// What a replay did, entry ids per outcome.
struct ReplayView: Codable {
    var replayed: [String]
    var failed: [String]
    var skippedDuplicates: [String]
    var exhausted: [String]

    init(_ r: DLQService.ReplayResult) {
        replayed = r.replayed
        failed = r.failed
        skippedDuplicates = r.skippedDuplicates
        exhausted = r.exhausted
    }
}

struct AuditList: Codable {
    var entries: [AuditEntry]
}

struct ConfigView: Codable {
    var environment: String
    var sendMode: String
    var allowlist: [String]
    var metaApiVersion: String
    var autoAcknowledge: Bool
    var aiAutomation: Bool
    var whatsAppTextLimit: Int
    var smsMaxLength: Int

    init(_ s: CoreSettings) {
        environment = s.environment
        sendMode = s.sendMode.rawValue
        allowlist = s.allowlist
        metaApiVersion = s.metaApiVersion
        autoAcknowledge = s.autoAcknowledge
        aiAutomation = s.aiAutomation
        whatsAppTextLimit = s.whatsAppTextLimit
        smsMaxLength = s.smsMaxLength
    }
}

// The core's string enums, listed in the schemas with their cases.
extension Role: SchemaEnum {}
extension MessageStatus: SchemaEnum {}
extension Direction: SchemaEnum {}
extension BulkJobStatus: SchemaEnum {}
extension RecipientStatus: SchemaEnum {}

/// One kind per message, its fields under the kind's key (`{"text": {"body": …}}`): described as an object
/// whose one property is the kind, since its decoder reads whichever key is there.
extension InboundContent: SchemaDescribed {
    static var schemaPlaceholder: InboundContent { .text(body: "") }
    static var jsonSchema: [String: Any] {
        ["type": "object", "minProperties": 1, "maxProperties": 1,
         "description": "one key, the kind: text, media, location, contacts, buttonReply, listReply, button, reaction, unsupported, system or other"]
    }
}
