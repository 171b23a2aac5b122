import Foundation
import GRDB
import MessagingCore

// Row types: the core's values as SQLite columns (dates as epoch seconds), kept apart from the core.

struct ContactRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "contact"
    var id: String, name: String?, phone: String?, email: String?
    var optInWhatsApp: Bool, optInSms: Bool, optInEmail: Bool
    var lastInboundMessageAt: Double?, createdAt: Double, updatedAt: Double, deletedAt: Double?

    init(_ c: Contact) {
        id = c.id; name = c.name; phone = c.phone; email = c.email
        optInWhatsApp = c.optInWhatsApp; optInSms = c.optInSms; optInEmail = c.optInEmail
        lastInboundMessageAt = c.lastInboundMessageAt?.timeIntervalSince1970
        createdAt = c.createdAt.timeIntervalSince1970; updatedAt = c.updatedAt.timeIntervalSince1970
        deletedAt = c.deletedAt?.timeIntervalSince1970
    }

    var contact: Contact {
        Contact(id: id, name: name, phone: phone, email: email, optInWhatsApp: optInWhatsApp, optInSms: optInSms, optInEmail: optInEmail,
                lastInboundMessageAt: lastInboundMessageAt.map(Date.init(timeIntervalSince1970:)), createdAt: Date(timeIntervalSince1970: createdAt),
                updatedAt: Date(timeIntervalSince1970: updatedAt), deletedAt: deletedAt.map(Date.init(timeIntervalSince1970:)))
    }
}

struct MessageRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "message"
    var id: String, contactId: String, channel: String, direction: String, status: String, kind: String
    var content: String?, templateName: String?, subject: String?, timestamp: Double
    var providerMessageId: String?, whatsappMessageId: String?, phoneNumberId: String?, mediaId: String?, s3Key: String?
    var errorDetails: String?, wouldBeRequest: String?, segments: Int?, expiresAt: Int, idempotencyKey: String?
    var inbound: String?, reaction: String?

    init(_ m: Message) {
        id = m.id; contactId = m.contactId; channel = m.channel.rawValue; direction = m.direction.rawValue; status = m.status.rawValue
        kind = m.kind; content = m.content; templateName = m.templateName; subject = m.subject; timestamp = m.timestamp.timeIntervalSince1970
        providerMessageId = m.providerMessageId; whatsappMessageId = m.whatsappMessageId; phoneNumberId = m.phoneNumberId
        mediaId = m.mediaId; s3Key = m.s3Key; errorDetails = m.errorDetails; wouldBeRequest = m.wouldBeRequest; segments = m.segments
        expiresAt = m.expiresAt; idempotencyKey = m.idempotencyKey
        inbound = m.inbound?.json; reaction = m.reaction
    }

    var message: Message {
        Message(id: id, contactId: contactId, channel: Channel(rawValue: channel) ?? .whatsapp, direction: Direction(rawValue: direction) ?? .outbound,
                status: MessageStatus(rawValue: status) ?? .failed, kind: kind, content: content, templateName: templateName, subject: subject,
                timestamp: Date(timeIntervalSince1970: timestamp), providerMessageId: providerMessageId, whatsappMessageId: whatsappMessageId,
                phoneNumberId: phoneNumberId, mediaId: mediaId, s3Key: s3Key, errorDetails: errorDetails, wouldBeRequest: wouldBeRequest,
                segments: segments, expiresAt: expiresAt, idempotencyKey: idempotencyKey, inbound: inbound.flatMap(InboundDetails.init(json:)),
                reaction: reaction)
    }
}

extension MessageRow {
    static let columns = ["id", "contactId", "channel", "direction", "status", "kind", "content", "templateName", "subject", "timestamp",
                          "providerMessageId", "whatsappMessageId", "phoneNumberId", "mediaId", "s3Key", "errorDetails", "wouldBeRequest",
                          "segments", "expiresAt", "idempotencyKey", "inbound", "reaction"]
    static let insertSQL = "INSERT INTO message (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"

    /// The insert with the columns spelled out, bound through SQLite's C API (`BoundStatement`):
    /// ingestion's hot path, where encoding the row through Codable, and later GRDB's arguments, cost
    /// the writer more than was worth paying per event.
    func insertCached(_ db: Database) throws {
        try BoundStatement(db, Self.insertSQL).run([
            .text(id), .text(contactId), .text(channel), .text(direction), .text(status), .text(kind), .text(content), .text(templateName),
            .text(subject), .real(timestamp), .text(providerMessageId), .text(whatsappMessageId), .text(phoneNumberId), .text(mediaId),
            .text(s3Key), .text(errorDetails), .text(wouldBeRequest), .integer(segments), .integer(expiresAt), .text(idempotencyKey),
            .text(inbound), .text(reaction),
        ])
    }
}

struct MediaRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "media"
    var fileId: String, messageId: String, s3Key: String, contentType: String, size: Int?, whatsappMediaId: String, uploadedAt: Double

    init(_ m: MediaRecord) {
        fileId = m.fileId; messageId = m.messageId; s3Key = m.s3Key; contentType = m.contentType; size = m.size
        whatsappMediaId = m.whatsappMediaId; uploadedAt = m.uploadedAt.timeIntervalSince1970
    }
}

struct DLQRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "dlq"
    var id: String, originalMessageId: String, queue: String, payload: String, error: String, retryCount: Int, lastAttemptAt: Double, expiresAt: Int

    init(_ e: DLQEntry) {
        id = e.id; originalMessageId = e.originalMessageId; queue = e.queue; payload = e.payload; error = e.error
        retryCount = e.retryCount; lastAttemptAt = e.lastAttemptAt.timeIntervalSince1970; expiresAt = e.expiresAt
    }

    var entry: DLQEntry {
        DLQEntry(id: id, originalMessageId: originalMessageId, queue: queue, payload: payload, error: error, retryCount: retryCount,
                 lastAttemptAt: Date(timeIntervalSince1970: lastAttemptAt), expiresAt: expiresAt)
    }
}

struct AuditRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "audit"
    var id: String, userId: String, action: String, resourceType: String, resourceId: String?, outcome: String, details: String?
    var timestamp: Double, expiresAt: Int

    init(_ a: AuditEntry) {
        id = a.id; userId = a.userId; action = a.action; resourceType = a.resourceType; resourceId = a.resourceId
        outcome = a.outcome; details = a.details; timestamp = a.timestamp.timeIntervalSince1970; expiresAt = a.expiresAt
    }

    var entry: AuditEntry {
        AuditEntry(id: id, userId: userId, action: action, resourceType: resourceType, resourceId: resourceId, outcome: outcome,
                   details: details, timestamp: Date(timeIntervalSince1970: timestamp), expiresAt: expiresAt)
    }
}
