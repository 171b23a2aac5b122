import Foundation
import MessagingCore

/// The in-memory store with writes that fail on demand: a DLQ that cannot be written, as with the
/// SQLite file locked.
public final class FaultyStore: MessagingStore, @unchecked Sendable {
    public struct Unavailable: Error, CustomStringConvertible { public var description: String { "database is locked" } }
    public let base: InMemoryStore
    private let lock = NSLock()
    private var _failDLQ = false
    private var _failInbound = false
    public var failDLQ: Bool { get { lock.withLock { _failDLQ } } set { lock.withLock { _failDLQ = newValue } } }
    public var failInbound: Bool { get { lock.withLock { _failInbound } } set { lock.withLock { _failInbound = newValue } } }

    /// Runs right after a status is parked: what another process does in that moment.
    public var afterPark: (@Sendable () async -> Void)? {
        get { lock.withLock { _afterPark } }
        set { lock.withLock { _afterPark = newValue } }
    }
    private var _afterPark: (@Sendable () async -> Void)?

    public init(_ base: InMemoryStore = InMemoryStore()) { self.base = base }

    public func insertContact(_ contact: Contact) async throws { try await base.insertContact(contact) }
    public func updateContact(_ contact: Contact) async throws { try await base.updateContact(contact) }
    public func contact(id: String) async throws -> Contact? { await base.contact(id: id) }
    public func contact(phone: String) async throws -> Contact? { await base.contact(phone: phone) }
    public func searchContacts(_ query: String, limit: Int) async throws -> [Contact] { await base.searchContacts(query, limit: limit) }
    public func contactIds(matching query: String, optedIn: Channel?, limit: Int) async throws -> [String] {
        await base.contactIds(matching: query, optedIn: optedIn, limit: limit)
    }
    public func insertMessage(_ message: Message) async throws -> Bool { await base.insertMessage(message) }
    public func updateMessage(_ message: Message, ifStatusIn allowed: Set<MessageStatus>?) async throws -> Bool {
        try await base.updateMessage(message, ifStatusIn: allowed)
    }
    public func recordInbound(_ message: Message, sender: Contact, updatedAt: Date) async throws -> InboundRecord {
        if failInbound { throw Unavailable() }
        return await base.recordInbound(message, sender: sender, updatedAt: updatedAt)
    }
    public func inboundWindows(contactId: String) async throws -> [String: Date] { await base.inboundWindows(contactId: contactId) }
    public func message(id: String) async throws -> Message? { await base.message(id: id) }
    public func message(whatsappId: String) async throws -> Message? { await base.message(whatsappId: whatsappId) }
    public func message(providerId: String) async throws -> Message? { await base.message(providerId: providerId) }
    public func message(idempotencyKey: String) async throws -> Message? { await base.message(idempotencyKey: idempotencyKey) }
    public func setReaction(messageId: String, emoji: String?) async throws { try await base.setReaction(messageId: messageId, emoji: emoji) }
    public func parkStatus(_ status: ParkedStatus) async throws {
        await base.parkStatus(status)
        await afterPark?()
    }
    public func parkedStatus(whatsappId: String) async throws -> ParkedStatus? { await base.parkedStatus(whatsappId: whatsappId) }
    public func parkedStatus(providerId: String) async throws -> ParkedStatus? { await base.parkedStatus(providerId: providerId) }
    public func deleteParkedStatus(_ status: ParkedStatus) async throws { await base.deleteParkedStatus(status) }
    public func parkReaction(_ reaction: ParkedReaction) async throws { await base.parkReaction(reaction) }
    public func parkedReaction(whatsappId: String) async throws -> ParkedReaction? { await base.parkedReaction(whatsappId: whatsappId) }
    public func deleteParkedReaction(whatsappId: String) async throws { await base.deleteParkedReaction(whatsappId: whatsappId) }
    public func messages(contactId: String, before: Date?, limit: Int, now: Date) async throws -> [Message] {
        await base.messages(contactId: contactId, before: before, limit: limit, now: now)
    }
    public func businessConversations(since: Date) async throws -> Int { await base.businessConversations(since: since) }
    public func insertMedia(_ media: MediaRecord) async throws { await base.insertMedia(media) }
    public func insertDLQ(_ entry: DLQEntry) async throws {
        if failDLQ { throw Unavailable() }
        await base.insertDLQ(entry)
    }
    public func updateDLQ(_ entry: DLQEntry) async throws { await base.updateDLQ(entry) }
    public func deleteDLQ(id: String) async throws { await base.deleteDLQ(id: id) }
    public func dlqEntries(limit: Int, now: Date) async throws -> [DLQEntry] { await base.dlqEntries(limit: limit, now: now) }
    public func dlqCount(now: Date) async throws -> Int { await base.dlqCount(now: now) }
    public func appendAudit(_ entry: AuditEntry) async throws { await base.appendAudit(entry) }
    public func audit(limit: Int, now: Date) async throws -> [AuditEntry] { await base.audit(limit: limit, now: now) }
    public func purgeExpired(now: Date) async throws -> Int { await base.purgeExpired(now: now) }
}
