import Foundation

/// The store in memory: the reference implementation of `MessagingStore`'s contract, used by tests.
public actor InMemoryStore: MessagingStore {
    var contacts: [String: Contact] = [:]
    var messages: [String: Message] = [:]
    var media: [MediaRecord] = []
    var dlq: [String: DLQEntry] = [:]
    var auditLog: [AuditEntry] = []
    /// contact id → business number → last inbound time.
    var windows: [String: [String: Date]] = [:]
    var parkedByWhatsappId: [String: ParkedStatus] = [:]
    var parkedByProviderId: [String: ParkedStatus] = [:]
    var parkedReactions: [String: ParkedReaction] = [:]
    var aiInteractions: [String: AIInteraction] = [:]

    public init() {}

    public func insertContact(_ contact: Contact) throws {
        if let phone = contact.phone, contacts.values.contains(where: { $0.phone == phone && $0.deletedAt == nil && $0.id != contact.id }) {
            throw StoreError.duplicate(phone)
        }
        contacts[contact.id] = contact
    }

    public func updateContact(_ contact: Contact) throws {
        guard contacts[contact.id] != nil else { throw StoreError.notFound(contact.id) }
        if let phone = contact.phone, contact.deletedAt == nil,
           contacts.values.contains(where: { $0.phone == phone && $0.deletedAt == nil && $0.id != contact.id }) {
            throw StoreError.duplicate(phone)
        }
        contacts[contact.id] = contact
    }

    public func contact(id: String) -> Contact? { contacts[id] }

    public func contact(phone: String) -> Contact? {
        contacts.values.first { $0.phone == phone && $0.deletedAt == nil }
    }

    public func searchContacts(_ query: String, limit: Int) -> [Contact] { contacts.values.search(query, limit: limit) }

    public func contactIds(matching query: String, optedIn: Channel?, limit: Int) -> [String] {
        contacts.values.ids(matching: query, optedIn: optedIn, limit: limit)
    }

    public func insertMessage(_ message: Message) -> Bool {
        if let w = message.whatsappMessageId, messages.values.contains(where: { $0.whatsappMessageId == w }) { return false }
        if let k = message.idempotencyKey, messages.values.contains(where: { $0.idempotencyKey == k }) { return false }
        messages[message.id] = message
        return true
    }

    public func recordInbound(_ message: Message, sender: Contact, updatedAt: Date) -> InboundRecord {
        var created = false
        let contactId: String
        if let phone = sender.phone, let existing = contact(phone: phone) {
            contactId = existing.id
        } else {
            contacts[sender.id] = sender
            (contactId, created) = (sender.id, true)
        }
        var message = message
        message.contactId = contactId
        guard insertMessage(message) else { return InboundRecord(stored: false, contactId: contactId, createdContact: created) }
        if var c = contacts[contactId], c.lastInboundMessageAt.map({ $0 < message.timestamp }) ?? true {
            c.lastInboundMessageAt = message.timestamp
            c.name = sender.name ?? c.name
            c.updatedAt = updatedAt
            contacts[c.id] = c
        }
        if let number = message.windowNumber, windows[contactId, default: [:]][number].map({ $0 < message.timestamp }) ?? true {
            windows[contactId, default: [:]][number] = message.timestamp
        }
        return InboundRecord(stored: true, contactId: contactId, createdContact: created)
    }

    public func inboundWindows(contactId: String) -> [String: Date] { windows[contactId] ?? [:] }


    public func setReaction(messageId: String, emoji: String?) throws {
        guard messages[messageId] != nil else { throw StoreError.notFound(messageId) }
        messages[messageId]?.reaction = emoji
    }

    public func parkStatus(_ status: ParkedStatus) {
        if parkedByWhatsappId[status.whatsappMessageId].map({ $0.status.rank < status.status.rank }) ?? true {
            parkedByWhatsappId[status.whatsappMessageId] = status
        }
        if let p = status.providerMessageId, parkedByProviderId[p].map({ $0.status.rank < status.status.rank }) ?? true {
            parkedByProviderId[p] = status
        }
    }

    public func parkedStatus(whatsappId: String) -> ParkedStatus? { parkedByWhatsappId[whatsappId] }
    public func parkedStatus(providerId: String) -> ParkedStatus? { parkedByProviderId[providerId] }

    public func parkReaction(_ reaction: ParkedReaction) {
        if parkedReactions[reaction.whatsappMessageId].map({ $0.reactedAt < reaction.reactedAt }) ?? true {
            parkedReactions[reaction.whatsappMessageId] = reaction
        }
    }

    public func parkedReaction(whatsappId: String) -> ParkedReaction? { parkedReactions[whatsappId] }
    public func deleteParkedReaction(whatsappId: String) { parkedReactions[whatsappId] = nil }

    public func deleteParkedStatus(_ status: ParkedStatus) {
        parkedByWhatsappId[status.whatsappMessageId] = nil
        if let p = status.providerMessageId { parkedByProviderId[p] = nil }
    }

    public func updateMessage(_ message: Message, ifStatusIn allowed: Set<MessageStatus>?) throws -> Bool {
        guard let old = messages[message.id] else { throw StoreError.notFound(message.id) }
        if let allowed, !allowed.contains(old.status) { return false }
        var message = message
        message.reaction = old.reaction
        messages[message.id] = message
        return true
    }

    public func message(id: String) -> Message? { messages[id] }
    public func message(whatsappId: String) -> Message? { messages.values.first { $0.whatsappMessageId == whatsappId } }
    public func message(providerId: String) -> Message? {
        messages.values.first { $0.providerMessageId == providerId && $0.direction == .outbound }
    }
    public func message(idempotencyKey: String) -> Message? { messages.values.first { $0.idempotencyKey == idempotencyKey } }

    public func messages(contactId: String, before: Date?, limit: Int, now: Date) -> [Message] {
        let cutoff = Int(now.timeIntervalSince1970)
        return messages.values.filter { m in m.contactId == contactId && m.expiresAt > cutoff && (before.map { m.timestamp < $0 } ?? true) }
            .sorted { ($0.timestamp, $0.id) > ($1.timestamp, $1.id) }.prefix(limit).map { $0 }
    }

    public func businessConversations(since: Date) -> Int {
        Set(messages.values.filter { $0.channel == .whatsapp && $0.direction == .outbound && $0.kind == "template" && $0.status != .failed && $0.timestamp > since }
            .map(\.contactId)).count
    }

    public func insertMedia(_ record: MediaRecord) { media.append(record) }

    public func insertDLQ(_ entry: DLQEntry) { dlq[entry.id] = entry }
    public func updateDLQ(_ entry: DLQEntry) { dlq[entry.id] = entry }
    public func deleteDLQ(id: String) { dlq[id] = nil }
    public func dlqEntries(limit: Int, now: Date) -> [DLQEntry] {
        let cutoff = Int(now.timeIntervalSince1970)
        return dlq.values.filter { $0.expiresAt > cutoff }.sorted { ($0.lastAttemptAt, $0.id) < ($1.lastAttemptAt, $1.id) }.prefix(limit).map { $0 }
    }

    public func dlqCount(now: Date) -> Int {
        let cutoff = Int(now.timeIntervalSince1970)
        return dlq.values.filter { $0.expiresAt > cutoff }.count
    }

    public func appendAudit(_ entry: AuditEntry) { auditLog.append(entry) }
    public func audit(limit: Int, now: Date) -> [AuditEntry] {
        let cutoff = Int(now.timeIntervalSince1970)
        return auditLog.filter { $0.expiresAt > cutoff }.suffix(limit).reversed()
    }

    public func purgeExpired(now: Date) -> Int {
        let cutoff = Int(now.timeIntervalSince1970)
        let before = messages.count + dlq.count + auditLog.count
        messages = messages.filter { $0.value.expiresAt > cutoff }
        parkedByWhatsappId = parkedByWhatsappId.filter { $0.value.expiresAt > cutoff }
        parkedByProviderId = parkedByProviderId.filter { $0.value.expiresAt > cutoff }
        parkedReactions = parkedReactions.filter { $0.value.expiresAt > cutoff }
        dlq = dlq.filter { $0.value.expiresAt > cutoff }
        auditLog = auditLog.filter { $0.expiresAt > cutoff }
        return before - (messages.count + dlq.count + auditLog.count)
    }

    public var mediaRecords: [MediaRecord] { media }
}

extension InMemoryStore: AIInteractionStore {
    public func insertInteraction(_ interaction: AIInteraction) throws {
        guard aiInteractions[interaction.id] == nil else { throw StoreError.duplicate(interaction.id) }
        aiInteractions[interaction.id] = interaction
    }

    public func interaction(id: String) -> AIInteraction? { aiInteractions[id] }

    public func updateInteraction(_ interaction: AIInteraction, ifStatus: AIStatus?) -> Bool {
        guard let stored = aiInteractions[interaction.id], ifStatus.map({ stored.status == $0 }) ?? true else { return false }
        aiInteractions[interaction.id] = interaction
        return true
    }

    public func interactions(status: AIStatus?, contactId: String?, before: Date?, limit: Int) -> [AIInteraction] {
        Array(aiInteractions.values
            .filter { i in status.map { i.status == $0 } ?? true }
            .filter { i in contactId.map { i.contactId == $0 } ?? true }
            .filter { i in before.map { i.createdAt < $0 } ?? true }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
            .prefix(limit))
    }
}
