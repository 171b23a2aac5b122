import Foundation

/// What recording an inbound message did.
public struct InboundRecord: Sendable, Equatable {
    /// False when the message's WhatsApp id was already stored (a duplicate delivery).
    public var stored: Bool
    /// The sender's contact, found by phone or created.
    public var contactId: String
    public var createdContact: Bool

    public init(stored: Bool, contactId: String, createdContact: Bool) {
        self.stored = stored
        self.contactId = contactId
        self.createdContact = createdContact
    }
}

/// Where the core keeps its records: SQLite locally, DynamoDB in the AWS environments.
public protocol MessagingStore: Sendable {
    /// Inserts a contact; throws `StoreError.duplicate` when another live contact has the phone.
    func insertContact(_ contact: Contact) async throws
    func updateContact(_ contact: Contact) async throws
    func contact(id: String) async throws -> Contact?
    func contact(phone: String) async throws -> Contact?
    /// Case-insensitive search by name, phone or email among live contacts.
    func searchContacts(_ query: String, limit: Int) async throws -> [Contact]
    /// Ids of live contacts matching the search (empty: all), optionally only those opted in to a channel; oldest first.
    func contactIds(matching query: String, optedIn: Channel?, limit: Int) async throws -> [String]

    /// Inserts a message; returns false (and stores nothing) when its WhatsApp id or idempotency key is already stored.
    func insertMessage(_ message: Message) async throws -> Bool
    /// Replaces the stored message, keeping its stored reaction (only `setReaction` changes that: a status
    /// update written from an earlier read must not take a reaction away); with `ifStatusIn`, only while its stored status is one of those (false
    /// otherwise, nothing written): how status updates stay monotonic when two of them race.
    func updateMessage(_ message: Message, ifStatusIn allowed: Set<MessageStatus>?) async throws -> Bool
    /// Inbound, in one transaction: finds the live contact with `sender`'s phone or inserts `sender`,
    /// inserts the message under that contact, and moves the contact's windows forward to the message's
    /// time (never back): `lastInboundMessageAt`, with the contact's name set to `sender`'s when it has
    /// one (the sender's current WhatsApp profile name), and the window with the message's business
    /// number (`windowNumber`) when it has one. Nothing of the message is stored when its WhatsApp id
    /// already is.
    func recordInbound(_ message: Message, sender: Contact, updatedAt: Date) async throws -> InboundRecord
    /// When the contact last wrote to each business number (phone-number id → time): the 24-hour
    /// customer service windows. Empty for a contact that has not written since windows were kept per number.
    func inboundWindows(contactId: String) async throws -> [String: Date]
    func message(id: String) async throws -> Message?
    func message(whatsappId: String) async throws -> Message?
    /// The outbound message the provider answered with this id (AWS's `messageId`), by key, never by scan.
    func message(providerId: String) async throws -> Message?
    /// Sets (nil: removes) the contact's reaction on a message, leaving the rest of it as it is.
    func setReaction(messageId: String, emoji: String?) async throws

    /// Keeps a status whose message is not stored yet, findable by its WhatsApp id and by its provider
    /// id; one already parked under either is replaced only by a status further along.
    func parkStatus(_ status: ParkedStatus) async throws
    func parkedStatus(whatsappId: String) async throws -> ParkedStatus?
    func parkedStatus(providerId: String) async throws -> ParkedStatus?
    /// Removes the parked status under both its ids.
    func deleteParkedStatus(_ status: ParkedStatus) async throws
    /// Keeps a reaction to a message not known by its WhatsApp id yet; one already parked for that
    /// message is replaced only by a later one.
    func parkReaction(_ reaction: ParkedReaction) async throws
    func parkedReaction(whatsappId: String) async throws -> ParkedReaction?
    func deleteParkedReaction(whatsappId: String) async throws
    func message(idempotencyKey: String) async throws -> Message?
    /// A contact's messages, newest first, not expired at `now`; `before` pages by timestamp.
    func messages(contactId: String, before: Date?, limit: Int, now: Date) async throws -> [Message]

    /// Business-initiated WhatsApp conversations since `since` (Req 13.2): distinct contacts sent a
    /// template (the only way to open a conversation outside the 24-hour window), failed sends excluded.
    func businessConversations(since: Date) async throws -> Int

    func insertMedia(_ media: MediaRecord) async throws

    func insertDLQ(_ entry: DLQEntry) async throws
    func updateDLQ(_ entry: DLQEntry) async throws
    func deleteDLQ(id: String) async throws
    func dlqEntries(limit: Int, now: Date) async throws -> [DLQEntry]
    /// How many unexpired entries the DLQ holds (the `wecare_dlq_depth` gauge).
    func dlqCount(now: Date) async throws -> Int

    func appendAudit(_ entry: AuditEntry) async throws
    func audit(limit: Int, now: Date) async throws -> [AuditEntry]

    /// Deletes every record whose TTL has passed; returns how many.
    func purgeExpired(now: Date) async throws -> Int
}

public enum StoreError: Error, Equatable, Sendable {
    case duplicate(String)
    case notFound(String)
    /// The write lost to a concurrent one (DynamoDB's TransactionConflict) or was throttled, and kept
    /// losing after the store's own retries: the same call later may succeed.
    case transient(String)
}

extension MessagingStore {
    /// Replaces the stored message, whatever its status.
    public func updateMessage(_ message: Message) async throws {
        _ = try await updateMessage(message, ifStatusIn: nil)
    }
}

/// A message as a provider receives it; the channel layer turns it into an API call.
public enum OutboundRequest: Sendable, Equatable {
    /// The WhatsApp message object (the JSON SendWhatsAppMessage carries base64-encoded).
    case whatsapp(originationPhoneNumberId: String, metaApiVersion: String, message: String)
    case sms(destination: String, originationIdentity: String, body: String)
    case email(from: String, to: String, subject: String, text: String?, html: String?)
}

/// A provider's refusal, kept on the message when it fails (Req 5.10, 6.6, 7.6).
public struct ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String
    /// Throttling or a 5xx: a later attempt may succeed. Throttling means the provider did not take the
    /// message; a 5xx almost always means the same, but not certainly, so retrying one (as Req 13.8 asks)
    /// accepts a small risk of a duplicate that only the provider could rule out.
    public var retryable: Bool
    public init(code: String, message: String, retryable: Bool = false) {
        self.code = code
        self.message = message
        self.retryable = retryable
    }
    public var description: String { "\(code): \(message)" }
}

/// Sends for real (LIVE); in DRY_RUN it is asked only what it would send. The wire formats live with
/// it (the channel layer), not in the core.
public protocol ChannelGateway: Sendable {
    /// Returns the provider's message id.
    func send(_ request: OutboundRequest) async throws -> String
    /// The body `send` would send for `request`, exactly: what a DRY_RUN message records.
    func wireBody(_ request: OutboundRequest) -> String
    /// Uploads media from the outgoing prefix for WhatsApp; returns the media id.
    func uploadWhatsAppMedia(phoneNumberId: String, bucket: String, key: String) async throws -> String
    /// Downloads inbound media to the incoming prefix; returns its mime type and size.
    func downloadWhatsAppMedia(mediaId: String, phoneNumberId: String, bucket: String, key: String) async throws -> (mimeType: String, size: Int?)
}

/// The time, injected so that tests are exact.
public protocol Clock: Sendable { func now() -> Date }

public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
}

/// Identifiers, injected for the same reason.
public protocol IDSource: Sendable { func next() -> String }

public struct UUIDSource: IDSource {
    public init() {}

    /// A time-ordered (version 7, RFC 9562) UUID in lowercase: the Unix time in milliseconds, then 74
    /// random bits. Ids made later sort later, so a table keyed by them grows at its end: the inbound
    /// messages of one commit share the primary-key index's last page instead of each dirtying a random
    /// one (the embedded store writes every dirtied page to its WAL).
    public func next() -> String {
        Self.id(milliseconds: UInt64(max(0, Date().timeIntervalSince1970 * 1000)))
    }

    /// The id for a given time, with fresh random bits.
    public static func id(milliseconds: UInt64) -> String {
        var bytes: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &bytes) { raw in
            RandomBytes.shared.fill(UnsafeMutableRawBufferPointer(rebasing: raw[6...]))
            for n in 0..<6 { raw[n] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - n))) }
            raw[6] = raw[6] & 0x0F | 0x70  // version 7
            raw[8] = raw[8] & 0x3F | 0x80  // RFC 9562 variant
            let digits: StaticString = "0123456789abcdef"
            return String(unsafeUninitializedCapacity: 36) { out in
                var i = 0
                for (n, byte) in raw.enumerated() {
                    if n == 4 || n == 6 || n == 8 || n == 10 {
                        out[i] = UInt8(ascii: "-")
                        i += 1
                    }
                    out[i] = digits.utf8Start[Int(byte >> 4)]
                    out[i + 1] = digits.utf8Start[Int(byte & 0x0F)]
                    i += 2
                }
                return i
            }
        }
    }
}

/// The kernel's random bytes (getentropy(3), as the system generator reads them), fetched 256 at a time,
/// the most one call gives, and handed out once each in order: an id takes 10, so one system call serves
/// 25 ids. A call per id was three `getrandom` calls per inbound event.
final class RandomBytes: @unchecked Sendable {
    static let shared = RandomBytes()

    private let lock = NSLock()
    private var pool = [UInt8](repeating: 0, count: 256)
    private var used = 256

    func fill(_ out: UnsafeMutableRawBufferPointer) {
        lock.withLock {
            var at = 0
            while at < out.count {
                if used == pool.count {
                    pool.withUnsafeMutableBytes { precondition(getentropy($0.baseAddress, $0.count) == 0, "the system random source failed") }
                    used = 0
                }
                let n = min(out.count - at, pool.count - used)
                pool.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[at..<(at + n)]).copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[used..<(used + n)])) }
                used += n
                at += n
            }
        }
    }
}

/// Structured events the core reports: refusals, warnings, critical errors.
public protocol EventSink: Sendable {
    func record(_ level: EventLevel, _ event: String, _ fields: [String: String])
    /// Whether events of `level` are kept: a caller can skip building fields nobody reads.
    func keeps(_ level: EventLevel) -> Bool
}

extension EventSink {
    public func keeps(_ level: EventLevel) -> Bool { true }
}

public enum EventLevel: String, Sendable { case debug, info, warning, error, critical }

/// The request an event belongs to, so that every log line of one request carries its id.
/// Set by the front door (HTTP or Lambda) for the work it starts; nil in background work.
public enum RequestScope {
    @TaskLocal public static var id: String?
}

/// `s` as a JSON string literal.
public func jsonQuote(_ s: String) -> String {
    // Most strings (ids, numbers, names) need no escape and are copied whole.
    if !s.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) { return "\"" + s + "\"" }
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
