import Foundation

/// The channels a message can go out on. There is no fallback from one to another (Req 3.7).
public enum Channel: String, Codable, Sendable, CaseIterable {
    case whatsapp, sms, email
}

public enum Direction: String, Codable, Sendable, CaseIterable { case inbound, outbound }

/// A message's life: outbound messages go queued → sent (or dry_run) → delivered → read, or failed.
public enum MessageStatus: String, Codable, Sendable, CaseIterable {
    case received, dryRun = "dry_run", sent, delivered, read, failed

    /// Where a status stands: a message only moves up this order (failed is final).
    public var rank: Int {
        switch self {
        case .received, .dryRun: 0
        case .sent: 1
        case .delivered: 2
        case .read: 3
        case .failed: 4
        }
    }
}

/// A person or organisation the platform may message (Req 2).
public struct Contact: Codable, Sendable, Equatable {
    public var id: String
    public var name: String?
    /// E.164, e.g. `+919330994400`; unique among contacts.
    public var phone: String?
    public var email: String?
    public var optInWhatsApp: Bool
    public var optInSms: Bool
    public var optInEmail: Bool
    /// When the contact last wrote to us on WhatsApp: opens the 24-hour customer service window (Req 16).
    public var lastInboundMessageAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    /// Soft delete (Req 2.5).
    public var deletedAt: Date?

    public init(id: String, name: String?, phone: String?, email: String?, optInWhatsApp: Bool = false, optInSms: Bool = false,
                optInEmail: Bool = false, lastInboundMessageAt: Date? = nil, createdAt: Date, updatedAt: Date, deletedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.phone = phone
        self.email = email
        self.optInWhatsApp = optInWhatsApp
        self.optInSms = optInSms
        self.optInEmail = optInEmail
        self.lastInboundMessageAt = lastInboundMessageAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
    }

    public func optedIn(_ channel: Channel) -> Bool {
        switch channel {
        case .whatsapp: optInWhatsApp
        case .sms: optInSms
        case .email: optInEmail
        }
    }
}

/// One message, in or out, on any channel.
public struct Message: Codable, Sendable, Equatable {
    public var id: String
    public var contactId: String
    public var channel: Channel
    public var direction: Direction
    public var status: MessageStatus
    /// text, template, image, video, audio, document, …
    public var kind: String
    public var content: String?
    public var templateName: String?
    public var subject: String?
    public var timestamp: Date
    /// The provider's id: AWS's messageId for sends, Meta's `wamid` for inbound WhatsApp.
    public var providerMessageId: String?
    public var whatsappMessageId: String?
    public var phoneNumberId: String?
    public var mediaId: String?
    public var s3Key: String?
    public var errorDetails: String?
    /// In DRY_RUN: the request that LIVE would have sent, as JSON.
    public var wouldBeRequest: String?
    public var segments: Int?
    /// TTL: epoch seconds after which the record is gone (Req 17).
    public var expiresAt: Int
    /// A bulk recipient's key: the store keeps at most one message per key (exactly-once sending).
    public var idempotencyKey: String?
    /// An inbound WhatsApp message's typed content, reply context, referral and business number.
    public var inbound: InboundDetails?
    /// The contact's current reaction to this message (an emoji), if any.
    public var reaction: String?

    /// The business number whose 24-hour window an inbound message opens: AWS's phone-number id, or
    /// Meta's when the event's context did not name AWS's. No send names a Meta id, so that window stays
    /// closed to every send, and the contact no longer counts as one that never wrote per number.
    public var windowNumber: String? { phoneNumberId ?? inbound?.metaPhoneNumberId }

    public init(id: String, contactId: String, channel: Channel, direction: Direction, status: MessageStatus, kind: String,
                content: String?, templateName: String? = nil, subject: String? = nil, timestamp: Date, providerMessageId: String? = nil,
                whatsappMessageId: String? = nil, phoneNumberId: String? = nil, mediaId: String? = nil, s3Key: String? = nil,
                errorDetails: String? = nil, wouldBeRequest: String? = nil, segments: Int? = nil, expiresAt: Int, idempotencyKey: String? = nil,
                inbound: InboundDetails? = nil, reaction: String? = nil) {
        self.id = id
        self.contactId = contactId
        self.channel = channel
        self.direction = direction
        self.status = status
        self.kind = kind
        self.content = content
        self.templateName = templateName
        self.subject = subject
        self.timestamp = timestamp
        self.providerMessageId = providerMessageId
        self.whatsappMessageId = whatsappMessageId
        self.phoneNumberId = phoneNumberId
        self.mediaId = mediaId
        self.s3Key = s3Key
        self.errorDetails = errorDetails
        self.wouldBeRequest = wouldBeRequest
        self.segments = segments
        self.expiresAt = expiresAt
        self.idempotencyKey = idempotencyKey
        self.inbound = inbound
        self.reaction = reaction
    }
}

/// A reaction to a message not known by its WhatsApp id yet (an outbound message learns it from its
/// first status), kept until it is and then set on it; gone after `expiresAt`.
public struct ParkedReaction: Sendable, Equatable {
    /// The WhatsApp id of the message reacted to.
    public var whatsappMessageId: String
    /// Nil: the reaction was removed.
    public var emoji: String?
    /// When the contact reacted: a later reaction replaces an earlier one, never the reverse.
    public var reactedAt: Date
    public var expiresAt: Int

    public init(whatsappMessageId: String, emoji: String?, reactedAt: Date, expiresAt: Int) {
        self.whatsappMessageId = whatsappMessageId
        self.emoji = emoji
        self.reactedAt = reactedAt
        self.expiresAt = expiresAt
    }
}

/// A status update that arrived before its message was stored (a `sent` racing the send's own write),
/// kept until the message appears and then applied; gone after `expiresAt`.
public struct ParkedStatus: Sendable, Equatable {
    public var whatsappMessageId: String
    /// The event header's `messageId`: the id SendWhatsAppMessage answered, when AWS gives it.
    public var providerMessageId: String?
    public var status: MessageStatus
    public var error: String?
    public var expiresAt: Int

    public init(whatsappMessageId: String, providerMessageId: String?, status: MessageStatus, error: String?, expiresAt: Int) {
        self.whatsappMessageId = whatsappMessageId
        self.providerMessageId = providerMessageId
        self.status = status
        self.error = error
        self.expiresAt = expiresAt
    }
}

/// Metadata of a stored media file (the MediaFiles table).
public struct MediaRecord: Codable, Sendable, Equatable {
    public var fileId: String
    public var messageId: String
    public var s3Key: String
    public var contentType: String
    public var size: Int?
    public var whatsappMediaId: String
    public var uploadedAt: Date

    public init(fileId: String, messageId: String, s3Key: String, contentType: String, size: Int?, whatsappMediaId: String, uploadedAt: Date) {
        self.fileId = fileId
        self.messageId = messageId
        self.s3Key = s3Key
        self.contentType = contentType
        self.size = size
        self.whatsappMediaId = whatsappMediaId
        self.uploadedAt = uploadedAt
    }
}

/// A failed event or send kept for replay (the DLQMessages table, Req 9).
public struct DLQEntry: Codable, Sendable, Equatable {
    public var id: String
    /// The id replay dedupes on: the SNS message id, or the send's message id.
    public var originalMessageId: String
    public var queue: String
    public var payload: String
    public var error: String
    public var retryCount: Int
    public var lastAttemptAt: Date
    public var expiresAt: Int

    public init(id: String, originalMessageId: String, queue: String, payload: String, error: String, retryCount: Int, lastAttemptAt: Date, expiresAt: Int) {
        self.id = id
        self.originalMessageId = originalMessageId
        self.queue = queue
        self.payload = payload
        self.error = error
        self.retryCount = retryCount
        self.lastAttemptAt = lastAttemptAt
        self.expiresAt = expiresAt
    }
}

/// One audit line (the AuditLogs table): who did what to which resource, allowed or not.
public struct AuditEntry: Codable, Sendable, Equatable {
    public var id: String
    public var userId: String
    public var action: String
    public var resourceType: String
    public var resourceId: String?
    public var outcome: String
    public var details: String?
    public var timestamp: Date
    public var expiresAt: Int

    public init(id: String, userId: String, action: String, resourceType: String, resourceId: String?, outcome: String, details: String?,
                timestamp: Date, expiresAt: Int) {
        self.id = id
        self.userId = userId
        self.action = action
        self.resourceType = resourceType
        self.resourceId = resourceId
        self.outcome = outcome
        self.details = details
        self.timestamp = timestamp
        self.expiresAt = expiresAt
    }
}

/// Platform roles, in order of power (Req 1.2).
public enum Role: String, Codable, Sendable, Comparable, CaseIterable {
    case viewer = "Viewer", `operator` = "Operator", admin = "Admin"
    var rank: Int { self == .viewer ? 0 : self == .`operator` ? 1 : 2 }
    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }
}
