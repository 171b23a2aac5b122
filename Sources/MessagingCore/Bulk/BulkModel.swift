import Foundation

/// A job's life (Req 8): `pending` until confirmed (more than the threshold of recipients), then
/// `in_progress` ⇄ `paused`, ending `completed` or `cancelled`.
public enum BulkJobStatus: String, Codable, Sendable, CaseIterable {
    case pending, inProgress = "in_progress", paused, completed, cancelled

    public var isFinal: Bool { self == .completed || self == .cancelled }
}

/// One recipient's recorded state machine: pending → sending → sent | failed, or cancelled before it was claimed.
/// `sending` is written before the provider is called, under a lease held by the worker that claimed it, so a
/// crash can never make a recipient go out twice. `interrupted` is where recovery puts a LIVE recipient whose
/// lease ended with no recorded answer: the provider may have taken it, so it is never sent again; a late
/// answer from the worker that held it still settles it as sent or failed.
public enum RecipientStatus: String, Codable, Sendable, CaseIterable {
    case pending, sending, sent, failed, cancelled, interrupted

    /// Sent, failed, cancelled or interrupted: nothing more will happen to it by itself.
    public var isSettled: Bool { self != .pending && self != .sending }
}

/// Who holds a claimed recipient and until when. The worker that claimed it may claim it again (a retried
/// request whose answer was lost) and record its outcome; after `until`, only recovery takes it over.
public struct Lease: Codable, Sendable, Equatable {
    public var owner: String
    public var until: Date

    public init(owner: String, until: Date) {
        self.owner = owner
        self.until = until
    }
}

/// What every recipient of a job receives: the content of a single send, without the contact.
public struct BulkContent: Codable, Sendable, Equatable {
    public var text: String?
    public var templateName: String?
    public var templateLanguage: String?
    public var templateParameters: [String]?
    public var mediaKind: String?
    public var mediaFile: String?
    public var caption: String?
    public var subject: String?
    public var html: String?
    public var phoneNumberId: String?

    public init(text: String? = nil, templateName: String? = nil, templateLanguage: String? = nil, templateParameters: [String]? = nil,
                mediaKind: String? = nil, mediaFile: String? = nil, caption: String? = nil, subject: String? = nil, html: String? = nil,
                phoneNumberId: String? = nil) {
        self.text = text
        self.templateName = templateName
        self.templateLanguage = templateLanguage
        self.templateParameters = templateParameters
        self.mediaKind = mediaKind
        self.mediaFile = mediaFile
        self.caption = caption
        self.subject = subject
        self.html = html
        self.phoneNumberId = phoneNumberId
    }

    public init(_ r: SendRequest) {
        self.init(text: r.text, templateName: r.template?.name, templateLanguage: r.template?.language, templateParameters: r.template?.parameters,
                  mediaKind: r.media?.kind, mediaFile: r.media?.file, caption: r.media?.caption, subject: r.subject, html: r.html,
                  phoneNumberId: r.phoneNumberId)
    }

    /// The single send this content makes for one contact.
    public func request(channel: Channel, contactId: String) -> SendRequest {
        SendRequest(channel: channel, contactId: contactId, text: text,
                    template: templateName.map { .init(name: $0, language: templateLanguage ?? "en_US", parameters: templateParameters ?? []) },
                    media: mediaKind.map { .init(kind: $0, file: mediaFile ?? "", caption: caption) },
                    subject: subject, html: html, phoneNumberId: phoneNumberId)
    }

    public var isTemplate: Bool { templateName != nil }
}

/// A bulk job (the BulkJobs table).
public struct BulkJob: Codable, Sendable, Equatable {
    public var id: String
    public var channel: Channel
    public var status: BulkJobStatus
    public var content: BulkContent
    public var totalRecipients: Int
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date
    public var confirmedAt: Date?
    public var pausedAt: Date?
    public var resumedAt: Date?
    public var cancelledAt: Date?
    public var completedAt: Date?
    /// Where the report went: `{reports prefix}{jobId}-complete.json` or `-partial.json`.
    public var reportKey: String?

    public init(id: String, channel: Channel, status: BulkJobStatus, content: BulkContent, totalRecipients: Int, createdBy: String,
                createdAt: Date, updatedAt: Date, confirmedAt: Date? = nil, pausedAt: Date? = nil, resumedAt: Date? = nil,
                cancelledAt: Date? = nil, completedAt: Date? = nil, reportKey: String? = nil) {
        self.id = id
        self.channel = channel
        self.status = status
        self.content = content
        self.totalRecipients = totalRecipients
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.confirmedAt = confirmedAt
        self.pausedAt = pausedAt
        self.resumedAt = resumedAt
        self.cancelledAt = cancelledAt
        self.completedAt = completedAt
        self.reportKey = reportKey
    }
}

/// One recipient of a job (the BulkRecipients table). `seq` orders recipients and places them in chunks.
public struct BulkRecipient: Codable, Sendable, Equatable {
    public var jobId: String
    public var seq: Int
    public var contactId: String
    public var status: RecipientStatus
    public var messageId: String?
    public var error: String?
    public var updatedAt: Date
    /// The claim's holder while `sending` (kept afterwards, for the record).
    public var lease: Lease?

    public init(jobId: String, seq: Int, contactId: String, status: RecipientStatus, messageId: String? = nil, error: String? = nil, updatedAt: Date,
                lease: Lease? = nil) {
        self.jobId = jobId
        self.seq = seq
        self.contactId = contactId
        self.status = status
        self.messageId = messageId
        self.error = error
        self.updatedAt = updatedAt
        self.lease = lease
    }

    /// The key that makes the recipient's send happen once: one message per key, enforced by the store.
    public var idempotencyKey: String { Self.idempotencyKey(jobId: jobId, seq: seq) }

    public static func idempotencyKey(jobId: String, seq: Int) -> String { "bulk:\(jobId):\(seq)" }
}

/// Counts per recipient state, readable at any time.
public struct BulkProgress: Codable, Sendable, Equatable {
    public var total: Int
    public var sent: Int
    /// Failed, interrupted included.
    public var failed: Int
    /// Not yet finished: waiting or being sent now.
    public var pending: Int
    public var cancelled: Int
    /// Of `failed`: LIVE sends whose outcome is unknown (see `RecipientStatus.interrupted`).
    public var interrupted: Int

    public init(total: Int = 0, sent: Int = 0, failed: Int = 0, pending: Int = 0, cancelled: Int = 0, interrupted: Int = 0) {
        self.total = total
        self.sent = sent
        self.failed = failed
        self.pending = pending
        self.cancelled = cancelled
        self.interrupted = interrupted
    }

    public init(counts: [RecipientStatus: Int]) {
        self.init(total: counts.values.reduce(0, +), sent: counts[.sent] ?? 0, failed: (counts[.failed] ?? 0) + (counts[.interrupted] ?? 0),
                  pending: (counts[.pending] ?? 0) + (counts[.sending] ?? 0), cancelled: counts[.cancelled] ?? 0,
                  interrupted: counts[.interrupted] ?? 0)
    }
}

/// The unit of work on the bulk queue: recipients `firstSeq ..< firstSeq + count` of one job (Req 13.7: 100).
public struct BulkChunk: Codable, Sendable, Equatable, Hashable {
    public var jobId: String
    public var index: Int
    public var firstSeq: Int
    public var count: Int

    public init(jobId: String, index: Int, firstSeq: Int, count: Int) {
        self.jobId = jobId
        self.index = index
        self.firstSeq = firstSeq
        self.count = count
    }

    /// Deduplicates queue messages: a chunk is queued at most once at a time.
    public var key: String { "\(jobId):\(index)" }

    /// The chunks of a job of `total` recipients, each exactly `size` except the last.
    public static func split(jobId: String, total: Int, size: Int) -> [BulkChunk] {
        stride(from: 0, to: total, by: size).enumerated().map { i, first in
            BulkChunk(jobId: jobId, index: i, firstSeq: first, count: min(size, total - first))
        }
    }

    public var json: String {
        "{\"count\":\(count),\"firstSeq\":\(firstSeq),\"index\":\(index),\"jobId\":\(jsonQuote(jobId))}"
    }

    public init(json: String) throws {
        self = try JSONDecoder().decode(BulkChunk.self, from: Data(json.utf8))
    }
}
