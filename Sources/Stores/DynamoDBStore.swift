import AWSClient
import Foundation
import MessagingCore

/// The messaging store on the platform's DynamoDB tables (specs/tables.yaml), for the AWS environments,
/// where each Lambda function is its own process and only a shared store keeps one truth.
///
/// DynamoDB has no unique indexes, so uniqueness is kept by marker items written in the same transaction
/// as the record: `phone#<E.164>` in the contacts table while a live contact holds the number,
/// `wamid#<id>`, `idem#<key>` and `prov#<id>` in the messages table for a message's WhatsApp id,
/// idempotency key and (outbound) provider id. Markers carry no index attributes, so the indexes never
/// see them. Lookups by phone, WhatsApp id, idempotency key and provider id read the marker and then the
/// record, both strongly consistent. Two more kinds of item live beside the records the same way:
/// `window#<contactId>` in the contacts table holds the contact's last inbound time per business number
/// (an attribute `at:<phone-number id>` each), and `parked#w#<wamid>` / `parked#p#<provider id>` /
/// `parked#r#<wamid>` in the messages table a status or reaction that came before its message (expiring
/// with `expiresAt`).
///
/// A function is given only the tables its handler needs; an operation on a table it was not
/// given fails naming the table. Listings without a key (contact search, the DLQ, the audit
/// log, the business-conversation count) scan their table: fine at this platform's size, and said
/// here so that nobody is surprised. Outbound messages stored before provider-id markers existed are
/// given theirs by `backfillProviderMarkers()`, run once. Expired rows are excluded from reads;
/// DynamoDB's TTL deletes them, so `purgeExpired` has nothing to do.
public final class DynamoDBStore: MessagingStore, Sendable {
    /// The table names the function's configuration hands its handler; nil for a table it does not need.
    public struct Tables: Sendable, Equatable {
        public var contacts: String?
        public var messages: String?
        public var mediaFiles: String?
        public var dlq: String?
        public var audit: String?

        public init(contacts: String? = nil, messages: String? = nil, mediaFiles: String? = nil, dlq: String? = nil, audit: String? = nil) {
            (self.contacts, self.messages, self.mediaFiles, self.dlq, self.audit) = (contacts, messages, mediaFiles, dlq, audit)
        }

    }

    /// An operation needs a table this function was not given.
    public struct TableNotConfigured: Error, CustomStringConvertible {
        public var table: String
        public var description: String { "this function's handler was not given the \(table) table (declare it under the handler's needs in specs/handlers.yaml)" }
    }

    let db: DynamoDBClient
    let tables: Tables

    public init(client: DynamoDBClient, tables: Tables) {
        db = client
        self.tables = tables
    }

    private func table(_ name: String?, _ table: String) throws -> String {
        guard let name else { throw TableNotConfigured(table: table) }
        return name
    }

    private var contactsTable: String { get throws { try table(tables.contacts, "Contacts") } }
    private var messagesTable: String { get throws { try table(tables.messages, "Messages") } }

    static func phoneMarker(_ phone: String) -> DynamoItem { ["contactId": .s("phone#" + phone)] }
    static func whatsappMarker(_ id: String) -> DynamoItem { ["messageId": .s("wamid#" + id)] }
    static func idempotencyMarker(_ key: String) -> DynamoItem { ["messageId": .s("idem#" + key)] }
    static func providerMarker(_ id: String) -> DynamoItem { ["messageId": .s("prov#" + id)] }
    static func windowItem(_ contactId: String) -> DynamoItem { ["contactId": .s("window#" + contactId)] }
    static func parkedKeys(_ s: ParkedStatus) -> [DynamoItem] {
        [["messageId": .s("parked#w#" + s.whatsappMessageId)]] + (s.providerMessageId.map { [["messageId": .s("parked#p#" + $0)]] } ?? [])
    }

    /// The provider id an outbound message is found by; inbound messages carry the event's id, shared by
    /// every message of the event, and are found by their WhatsApp id.
    static func providerId(_ m: Message) -> String? { m.direction == .outbound ? m.providerMessageId : nil }

    /// Claims a phone number for a live contact: fails when another one holds it.
    static func claimPhone(_ phone: String, for contactId: String, table: String) -> DynamoDBClient.TransactWrite {
        .put(table: table, item: phoneMarker(phone).merging(["owner": .s(contactId)]) { a, _ in a }, condition: "attribute_not_exists(contactId)")
    }

    /// Claims a message's WhatsApp id or idempotency key (`marker`): fails when another message holds it.
    /// The marker expires with the message.
    static func claim(_ marker: DynamoItem, for message: Message, table: String) -> DynamoDBClient.TransactWrite {
        .put(table: table, item: marker.merging(["target": .s(message.id), "expiresAt": .number(message.expiresAt)]) { a, _ in a },
             condition: "attribute_not_exists(messageId)")
    }

    /// True when a transaction was cancelled by its last element's condition alone.
    public static func onlyLastConditionFailed(_ error: AWSError) -> Bool {
        let reasons = DynamoDBClient.cancellationReasons(error)
        return reasons.last == "ConditionalCheckFailed" && !reasons.dropLast().contains("ConditionalCheckFailed")
    }

    /// TransactWriteItems, retried when it lost to a concurrent transaction on the same items
    /// (TransactionConflict: nothing was written) or was throttled; still losing after `attempts`, it is
    /// `StoreError.transient`, which the inbound handler turns into a failed invocation that Lambda retries.
    func transact(_ writes: [DynamoDBClient.TransactWrite], attempts: Int = 4) async throws {
        try await Self.transact(db, writes, attempts: attempts)
    }

    static func transact(_ db: DynamoDBClient, _ writes: [DynamoDBClient.TransactWrite], attempts: Int = 4) async throws {
        var attempt = 0
        while true {
            do {
                return try await db.transactWriteItems(writes)
            } catch let error as AWSError where Self.isTransient(error) {
                attempt += 1
                guard attempt < attempts else { throw StoreError.transient("\(error.code): \(DynamoDBClient.cancellationReasons(error))") }
                try await Task.sleep(for: .milliseconds(Int.random(in: 10...(50 << attempt))))
            }
        }
    }

    static func isTransient(_ e: AWSError) -> Bool {
        let reasons = DynamoDBClient.cancellationReasons(e)
        if reasons.contains("ConditionalCheckFailed") { return false }
        return e.code == "TransactionConflictException" || e.code == "ProvisionedThroughputExceededException" || e.code == "ThrottlingException"
            || reasons.contains("TransactionConflict") || reasons.contains("ThrottlingError") || reasons.contains("ProvisionedThroughputExceeded")
    }

    /// True when the transaction was cancelled by a failed condition (a marker already there).
    static func conditionFailed(_ error: Error) -> Bool {
        guard let e = error as? AWSError else { return false }
        return e.code == "ConditionalCheckFailedException" || DynamoDBClient.cancellationReasons(e).contains("ConditionalCheckFailed")
    }

    // MARK: Contacts

    public func insertContact(_ contact: Contact) async throws {
        let table = try contactsTable
        var writes: [DynamoDBClient.TransactWrite] = []
        if let phone = contact.phone, contact.deletedAt == nil { writes.append(Self.claimPhone(phone, for: contact.id, table: table)) }
        writes.append(.put(table: table, item: ContactItem.item(contact), condition: "attribute_not_exists(contactId)"))
        do {
            try await transact(writes)
        } catch where Self.conditionFailed(error) {
            throw StoreError.duplicate(contact.phone ?? contact.id)
        }
    }

    public func updateContact(_ contact: Contact) async throws {
        let table = try contactsTable
        guard let old = try await self.contact(id: contact.id) else { throw StoreError.notFound(contact.id) }
        let oldPhone = old.deletedAt == nil ? old.phone : nil
        let newPhone = contact.deletedAt == nil ? contact.phone : nil
        var writes: [DynamoDBClient.TransactWrite] = []
        if oldPhone != newPhone {
            if let oldPhone { writes.append(.delete(table: table, key: Self.phoneMarker(oldPhone))) }
            if let newPhone { writes.append(Self.claimPhone(newPhone, for: contact.id, table: table)) }
        }
        writes.append(.put(table: table, item: ContactItem.item(contact), condition: "attribute_exists(contactId)"))
        do {
            try await transact(writes)
        } catch let error as AWSError where Self.onlyLastConditionFailed(error) {
            throw StoreError.notFound(contact.id)   // deleted since it was read
        } catch where Self.conditionFailed(error) {
            throw StoreError.duplicate(contact.phone ?? contact.id)
        }
    }

    public func contact(id: String) async throws -> Contact? {
        try await db.getItem(table: contactsTable, key: ["contactId": .s(id)]).flatMap(ContactItem.contact)
    }

    public func contact(phone: String) async throws -> Contact? {
        guard let owner = try await db.getItem(table: contactsTable, key: Self.phoneMarker(phone))?["owner"]?.string else { return nil }
        return try await contact(id: owner).flatMap { $0.deletedAt == nil ? $0 : nil }
    }

    private func allContacts() async throws -> [Contact] {
        try await db.scanAll(table: contactsTable).compactMap(ContactItem.contact)
    }

    public func searchContacts(_ query: String, limit: Int) async throws -> [Contact] {
        try await allContacts().search(query, limit: limit)
    }

    public func contactIds(matching query: String, optedIn: Channel?, limit: Int) async throws -> [String] {
        try await allContacts().ids(matching: query, optedIn: optedIn, limit: limit)
    }

    // MARK: Messages

    var messagesTableName: String { get throws { try messagesTable } }

    /// The writes that insert a message with its markers; any of them failing its condition means the
    /// message (or its WhatsApp id, or its idempotency key) is already stored.
    static func insertWrites(_ message: Message, table: String) -> [DynamoDBClient.TransactWrite] {
        var writes: [DynamoDBClient.TransactWrite] = []
        if let w = message.whatsappMessageId { writes.append(claim(whatsappMarker(w), for: message, table: table)) }
        if let k = message.idempotencyKey { writes.append(claim(idempotencyMarker(k), for: message, table: table)) }
        if let p = providerId(message) { writes.append(claim(providerMarker(p), for: message, table: table)) }
        writes.append(.put(table: table, item: MessageItem.item(message), condition: "attribute_not_exists(messageId)"))
        return writes
    }

    public func insertMessage(_ message: Message) async throws -> Bool {
        let writes = Self.insertWrites(message, table: try messagesTable)
        do {
            // Without a marker the message is one conditional put: a transaction costs twice the writes.
            if writes.count == 1, case .put(let table, let item, let condition, _, _) = writes[0] {
                try await db.putItem(table: table, item: item, condition: condition)
            } else {
                try await transact(writes)
            }
            return true
        } catch where Self.conditionFailed(error) {
            return false
        }
    }

    public func recordInbound(_ message: Message, sender: Contact, updatedAt: Date) async throws -> InboundRecord {
        var created = false
        var contact: Contact
        if let phone = sender.phone, let existing = try await self.contact(phone: phone) {
            contact = existing
        } else {
            do {
                try await insertContact(sender)
                (contact, created) = (sender, true)
            } catch StoreError.duplicate {
                // Another delivery from the same new number created it first.
                guard let phone = sender.phone, let winner = try await self.contact(phone: phone) else { throw StoreError.notFound(sender.phone ?? sender.id) }
                contact = winner
            }
        }
        var message = message
        message.contactId = contact.id
        let inserts = Self.insertWrites(message, table: try messagesTable)
        // The message and the windows it opens are one transaction. Each window moves only forward (its
        // condition); a window that a newer message moved meanwhile fails its condition alone, and is told
        // apart from a duplicate message by the cancellation reasons, then left out of a second try.
        let t = message.timestamp.timeIntervalSince1970
        var windows: [DynamoDBClient.TransactWrite] = []
        if contact.lastInboundMessageAt.map({ $0 < message.timestamp }) ?? true {
            // The newest message's profile name is the contact's name.
            var values: DynamoItem = [":t": .number(t), ":u": .number(updatedAt.timeIntervalSince1970)]
            values[":n"] = sender.name.map(DynamoValue.s)
            windows.append(.update(table: try contactsTable, key: ["contactId": .s(contact.id)],
                                   set: "SET lastInboundMessageAt = :t, updatedAt = :u" + (sender.name == nil ? "" : ", #name = :n"),
                                   condition: "attribute_exists(contactId) AND (attribute_not_exists(lastInboundMessageAt) OR lastInboundMessageAt < :t)",
                                   values: values, names: sender.name == nil ? nil : ["#name": "name"]))
        }
        if let number = message.windowNumber {
            windows.append(.update(table: try contactsTable, key: Self.windowItem(contact.id), set: "SET #at = :t, #owner = :c",
                                   condition: "attribute_not_exists(#at) OR #at < :t", values: [":t": .number(t), ":c": .s(contact.id)],
                                   names: ["#at": "at:" + number, "#owner": "owner"]))
        }
        for _ in 0..<3 {
            do {
                try await transact(inserts + windows)
                return InboundRecord(stored: true, contactId: contact.id, createdContact: created)
            } catch let error as AWSError where Self.conditionFailed(error) {
                let reasons = DynamoDBClient.cancellationReasons(error)
                let failed = Set(reasons.indices.filter { reasons[$0] == "ConditionalCheckFailed" })
                guard !failed.isEmpty, failed.allSatisfy({ $0 >= inserts.count }) else {
                    return InboundRecord(stored: false, contactId: contact.id, createdContact: created)
                }
                let moving = windows
                windows = moving.indices.filter { !failed.contains(inserts.count + $0) }.map { moving[$0] }
            }
        }
        throw StoreError.transient("the windows of contact \(contact.id) kept moving while message \(message.id) was recorded")
    }

    public func inboundWindows(contactId: String) async throws -> [String: Date] {
        guard let item = try await db.getItem(table: contactsTable, key: Self.windowItem(contactId)) else { return [:] }
        return Dictionary(uniqueKeysWithValues: item.compactMap { name, value -> (String, Date)? in
            guard name.hasPrefix("at:"), let t = value.double else { return nil }
            return (String(name.dropFirst(3)), Date(timeIntervalSince1970: t))
        })
    }

    public func setReaction(messageId: String, emoji: String?) async throws {
        do {
            try await db.updateItem(table: messagesTable, key: ["messageId": .s(messageId)], set: "SET reaction = :e",
                                    condition: "attribute_exists(contactId)", values: [":e": emoji.map(DynamoValue.s) ?? .null])
        } catch where Self.conditionFailed(error) {
            throw StoreError.notFound(messageId)
        }
    }

    // MARK: Parked statuses

    public func parkStatus(_ status: ParkedStatus) async throws {
        let table = try messagesTable
        for key in Self.parkedKeys(status) {
            var item = key.merging(["wamid": .s(status.whatsappMessageId), "parkedStatus": .s(status.status.rawValue),
                                    "parkedRank": .number(status.status.rank), "expiresAt": .number(status.expiresAt)]) { a, _ in a }
            item["provider"] = status.providerMessageId.map(DynamoValue.s)
            item["error"] = status.error.map(DynamoValue.s)
            do {
                // Replaces only a status not as far along.
                try await db.putItem(table: table, item: item, condition: "attribute_not_exists(messageId) OR parkedRank < :r",
                                     values: [":r": .number(status.status.rank)])
            } catch where Self.conditionFailed(error) {
                continue
            }
        }
    }

    public func parkedStatus(whatsappId: String) async throws -> ParkedStatus? { try await parked(["messageId": .s("parked#w#" + whatsappId)]) }
    public func parkedStatus(providerId: String) async throws -> ParkedStatus? { try await parked(["messageId": .s("parked#p#" + providerId)]) }

    private func parked(_ key: DynamoItem) async throws -> ParkedStatus? {
        guard let i = try await db.getItem(table: messagesTable, key: key), let wamid = i["wamid"]?.string,
              let status = i["parkedStatus"]?.string.flatMap(MessageStatus.init), let expires = i["expiresAt"]?.int else { return nil }
        return ParkedStatus(whatsappMessageId: wamid, providerMessageId: i["provider"]?.string, status: status, error: i["error"]?.string, expiresAt: expires)
    }

    static func parkedReactionKey(_ whatsappId: String) -> DynamoItem { ["messageId": .s("parked#r#" + whatsappId)] }

    public func parkReaction(_ reaction: ParkedReaction) async throws {
        var item = Self.parkedReactionKey(reaction.whatsappMessageId).merging(
            ["wamid": .s(reaction.whatsappMessageId), "reactedAt": .number(reaction.reactedAt.timeIntervalSince1970),
             "expiresAt": .number(reaction.expiresAt)]) { a, _ in a }
        item["emoji"] = reaction.emoji.map(DynamoValue.s)
        do {
            // Replaces only an earlier reaction.
            try await db.putItem(table: try messagesTable, item: item, condition: "attribute_not_exists(messageId) OR reactedAt < :t",
                                 values: [":t": .number(reaction.reactedAt.timeIntervalSince1970)])
        } catch where Self.conditionFailed(error) {}
    }

    public func parkedReaction(whatsappId: String) async throws -> ParkedReaction? {
        guard let i = try await db.getItem(table: messagesTable, key: Self.parkedReactionKey(whatsappId)), let t = i["reactedAt"]?.double,
              let expires = i["expiresAt"]?.int else { return nil }
        return ParkedReaction(whatsappMessageId: whatsappId, emoji: i["emoji"]?.string, reactedAt: Date(timeIntervalSince1970: t), expiresAt: expires)
    }

    public func deleteParkedReaction(whatsappId: String) async throws {
        try await db.deleteItem(table: messagesTable, key: Self.parkedReactionKey(whatsappId))
    }

    public func deleteParkedStatus(_ status: ParkedStatus) async throws {
        let table = try messagesTable
        for key in Self.parkedKeys(status) { try await db.deleteItem(table: table, key: key) }
    }

    /// Writes the provider-id marker of every outbound message stored before markers were written (one
    /// scan; each marker conditional, so running it again or beside live traffic changes nothing).
    /// Returns how many it wrote.
    public func backfillProviderMarkers() async throws -> Int {
        let table = try messagesTable
        let items = try await db.scanAll(table: table, filter: "direction = :o AND attribute_exists(providerMessageId)", values: [":o": .s("outbound")])
        var written = 0
        for message in items.compactMap(MessageItem.message) {
            guard let p = Self.providerId(message) else { continue }
            let marker = Self.claim(Self.providerMarker(p), for: message, table: table)
            guard case .put(_, let item, let condition, _, _) = marker else { continue }
            do {
                try await db.putItem(table: table, item: item, condition: condition)
                written += 1
            } catch where Self.conditionFailed(error) {
                continue
            }
        }
        return written
    }

    public func updateMessage(_ message: Message, ifStatusIn allowed: Set<MessageStatus>?) async throws -> Bool {
        let table = try messagesTable
        guard let old = try await self.message(id: message.id) else { throw StoreError.notFound(message.id) }
        var writes: [DynamoDBClient.TransactWrite] = []
        let claimsMarker = old.whatsappMessageId == nil && message.whatsappMessageId != nil
        if claimsMarker, let w = message.whatsappMessageId {
            // A status update taught us the WhatsApp id: later updates find the message by it.
            writes.append(Self.claim(Self.whatsappMarker(w), for: message, table: table))
        }
        if Self.providerId(old) == nil, let p = Self.providerId(message) {
            writes.append(Self.claim(Self.providerMarker(p), for: message, table: table))
        }
        // The status condition is DynamoDB's, not only the read's: a concurrent update that went further wins.
        var condition = "attribute_exists(messageId)"
        var values: DynamoItem = [:]
        if let allowed {
            let names = allowed.sorted { $0.rawValue < $1.rawValue }.enumerated().map { (":st\($0.offset)", $0.element) }
            condition += " AND #st IN (\(names.map(\.0).joined(separator: ", ")))"
            values = Dictionary(uniqueKeysWithValues: names.map { ($0.0, DynamoValue.s($0.1.rawValue)) })
        }
        // The reaction is `setReaction`'s alone: kept as stored (one read earlier; a reaction landing in between is
        // the one race left, where the status write was computed from the message before it).
        var message = message
        message.reaction = old.reaction
        writes.append(.put(table: table, item: MessageItem.item(message), condition: condition, values: values,
                           names: allowed == nil ? nil : ["#st": "status"]))
        do {
            try await transact(writes)
        } catch let error as AWSError where allowed != nil && Self.onlyLastConditionFailed(error) {
            return false
        } catch where Self.conditionFailed(error) {
            throw StoreError.duplicate(message.whatsappMessageId ?? message.id)
        }
        return true
    }

    public func message(id: String) async throws -> Message? {
        try await db.getItem(table: messagesTable, key: ["messageId": .s(id)]).flatMap(MessageItem.message)
    }

    private func message(marker: DynamoItem) async throws -> Message? {
        guard let target = try await db.getItem(table: messagesTable, key: marker)?["target"]?.string else { return nil }
        return try await message(id: target)
    }

    public func message(whatsappId: String) async throws -> Message? { try await message(marker: Self.whatsappMarker(whatsappId)) }
    public func message(idempotencyKey: String) async throws -> Message? { try await message(marker: Self.idempotencyMarker(idempotencyKey)) }

    public func message(providerId: String) async throws -> Message? { try await message(marker: Self.providerMarker(providerId)) }

    public func messages(contactId: String, before: Date?, limit: Int, now: Date) async throws -> [Message] {
        var out: [Message] = []
        var start: DynamoItem?
        repeat {
            let page = try await db.query(table: messagesTable, index: "byContact", keyCondition: "contactId = :c AND #ts < :before",
                                          values: [":c": .s(contactId), ":before": .number((before ?? .distantFuture).timeIntervalSince1970),
                                                   ":now": .number(Int(now.timeIntervalSince1970))],
                                          names: ["#ts": "timestamp"], filter: "expiresAt > :now", forward: false, limit: max(limit, 25), startKey: start)
            out += page.items.compactMap(MessageItem.message)
            start = page.lastEvaluatedKey
        } while start != nil && out.count < limit
        // The index orders by time only; ties are broken by id as in SQLite.
        return Array(out.sorted { ($0.timestamp, $0.id) > ($1.timestamp, $1.id) }.prefix(limit))
    }

    public func businessConversations(since: Date) async throws -> Int {
        let items = try await db.scanAll(table: messagesTable, filter: "channel = :w AND direction = :o AND kind = :t AND #st <> :f AND #ts > :since",
                                      values: [":w": .s("whatsapp"), ":o": .s("outbound"), ":t": .s("template"), ":f": .s("failed"),
                                               ":since": .number(since.timeIntervalSince1970)],
                                      names: ["#st": "status", "#ts": "timestamp"])
        return Set(items.compactMap { $0["contactId"]?.string }).count
    }

    public func insertMedia(_ media: MediaRecord) async throws {
        var item: DynamoItem = ["fileId": .s(media.fileId), "messageId": .s(media.messageId), "s3Key": .s(media.s3Key),
                                "contentType": .s(media.contentType), "whatsappMediaId": .s(media.whatsappMediaId),
                                "uploadedAt": .number(media.uploadedAt.timeIntervalSince1970)]
        item["size"] = media.size.map { .number($0) }
        try await db.putItem(table: table(tables.mediaFiles, "MediaFiles"), item: item)
    }

    // MARK: DLQ and audit

    private var dlqTable: String { get throws { try table(tables.dlq, "DLQMessages") } }
    private var auditTable: String { get throws { try table(tables.audit, "AuditLogs") } }

    public func insertDLQ(_ entry: DLQEntry) async throws { try await db.putItem(table: dlqTable, item: DLQItem.item(entry)) }
    public func updateDLQ(_ entry: DLQEntry) async throws { try await db.putItem(table: dlqTable, item: DLQItem.item(entry)) }
    public func deleteDLQ(id: String) async throws { try await db.deleteItem(table: dlqTable, key: ["dlqMessageId": .s(id)]) }

    public func dlqEntries(limit: Int, now: Date) async throws -> [DLQEntry] {
        Array(try await liveDLQ(now).sorted { ($0.lastAttemptAt, $0.id) < ($1.lastAttemptAt, $1.id) }.prefix(limit))
    }

    public func dlqCount(now: Date) async throws -> Int { try await liveDLQ(now).count }

    private func liveDLQ(_ now: Date) async throws -> [DLQEntry] {
        try await db.scanAll(table: dlqTable, filter: "expiresAt > :now", values: [":now": .number(Int(now.timeIntervalSince1970))]).compactMap(DLQItem.entry)
    }

    public func appendAudit(_ entry: AuditEntry) async throws {
        var item: DynamoItem = ["logId": .s(entry.id), "userId": .s(entry.userId), "action": .s(entry.action), "resourceType": .s(entry.resourceType),
                                "outcome": .s(entry.outcome), "timestamp": .number(entry.timestamp.timeIntervalSince1970), "expiresAt": .number(entry.expiresAt)]
        item["resourceId"] = entry.resourceId.map(DynamoValue.s)
        item["details"] = entry.details.map(DynamoValue.s)
        try await db.putItem(table: auditTable, item: item)
    }

    public func audit(limit: Int, now: Date) async throws -> [AuditEntry] {
        let items = try await db.scanAll(table: auditTable, filter: "expiresAt > :now", values: [":now": .number(Int(now.timeIntervalSince1970))])
        let entries = items.compactMap { i -> AuditEntry? in
            guard let id = i["logId"]?.string, let user = i["userId"]?.string, let action = i["action"]?.string, let type = i["resourceType"]?.string,
                  let outcome = i["outcome"]?.string, let t = i["timestamp"]?.double, let expires = i["expiresAt"]?.int else { return nil }
            return AuditEntry(id: id, userId: user, action: action, resourceType: type, resourceId: i["resourceId"]?.string, outcome: outcome,
                              details: i["details"]?.string, timestamp: Date(timeIntervalSince1970: t), expiresAt: expires)
        }
        return Array(entries.sorted { ($0.timestamp, $0.id) > ($1.timestamp, $1.id) }.prefix(limit))
    }

    /// DynamoDB's TTL deletes expired items itself (`expiresAt`); reads already leave them out.
    public func purgeExpired(now: Date) async throws -> Int { 0 }
}

// Item mappings: the core's values as DynamoDB attributes (dates as epoch seconds, absent values left out,
// since an index key attribute may not be NULL).

enum ContactItem {
    static func item(_ c: Contact) -> DynamoItem {
        var item: DynamoItem = ["contactId": .s(c.id), "optInWhatsApp": .bool(c.optInWhatsApp), "optInSms": .bool(c.optInSms),
                                "optInEmail": .bool(c.optInEmail), "createdAt": .number(c.createdAt.timeIntervalSince1970),
                                "updatedAt": .number(c.updatedAt.timeIntervalSince1970)]
        item["name"] = c.name.map(DynamoValue.s)
        item["phone"] = c.phone.map(DynamoValue.s)
        item["email"] = c.email.map(DynamoValue.s)
        item["lastInboundMessageAt"] = c.lastInboundMessageAt.map { .number($0.timeIntervalSince1970) }
        item["deletedAt"] = c.deletedAt.map { .number($0.timeIntervalSince1970) }
        return item
    }

    /// Nil for marker items, which have no `createdAt`.
    static func contact(_ i: DynamoItem) -> Contact? {
        guard let id = i["contactId"]?.string, let created = i["createdAt"]?.double, let updated = i["updatedAt"]?.double else { return nil }
        return Contact(id: id, name: i["name"]?.string, phone: i["phone"]?.string, email: i["email"]?.string,
                       optInWhatsApp: i["optInWhatsApp"]?.bool ?? false, optInSms: i["optInSms"]?.bool ?? false, optInEmail: i["optInEmail"]?.bool ?? false,
                       lastInboundMessageAt: i["lastInboundMessageAt"]?.double.map(Date.init(timeIntervalSince1970:)),
                       createdAt: Date(timeIntervalSince1970: created), updatedAt: Date(timeIntervalSince1970: updated),
                       deletedAt: i["deletedAt"]?.double.map(Date.init(timeIntervalSince1970:)))
    }
}

enum MessageItem {
    static func item(_ m: Message) -> DynamoItem {
        var item: DynamoItem = ["messageId": .s(m.id), "contactId": .s(m.contactId), "channel": .s(m.channel.rawValue),
                                "direction": .s(m.direction.rawValue), "status": .s(m.status.rawValue), "kind": .s(m.kind),
                                "timestamp": .number(m.timestamp.timeIntervalSince1970), "expiresAt": .number(m.expiresAt)]
        let optional: [(String, String?)] = [("content", m.content), ("templateName", m.templateName), ("subject", m.subject),
                                             ("providerMessageId", m.providerMessageId), ("whatsappMessageId", m.whatsappMessageId),
                                             ("phoneNumberId", m.phoneNumberId), ("mediaId", m.mediaId), ("s3Key", m.s3Key),
                                             ("errorDetails", m.errorDetails), ("wouldBeRequest", m.wouldBeRequest), ("idempotencyKey", m.idempotencyKey),
                                             ("inbound", m.inbound?.json), ("reaction", m.reaction)]
        for (name, value) in optional { item[name] = value.map(DynamoValue.s) }
        item["segments"] = m.segments.map { .number($0) }
        return item
    }

    /// Nil for marker items, which have no `contactId`.
    static func message(_ i: DynamoItem) -> Message? {
        guard let id = i["messageId"]?.string, let contactId = i["contactId"]?.string, let channel = i["channel"]?.string.flatMap(Channel.init),
              let direction = i["direction"]?.string.flatMap(Direction.init), let status = i["status"]?.string.flatMap(MessageStatus.init),
              let kind = i["kind"]?.string, let t = i["timestamp"]?.double, let expires = i["expiresAt"]?.int else { return nil }
        return Message(id: id, contactId: contactId, channel: channel, direction: direction, status: status, kind: kind,
                       content: i["content"]?.string, templateName: i["templateName"]?.string, subject: i["subject"]?.string,
                       timestamp: Date(timeIntervalSince1970: t), providerMessageId: i["providerMessageId"]?.string,
                       whatsappMessageId: i["whatsappMessageId"]?.string, phoneNumberId: i["phoneNumberId"]?.string, mediaId: i["mediaId"]?.string,
                       s3Key: i["s3Key"]?.string, errorDetails: i["errorDetails"]?.string, wouldBeRequest: i["wouldBeRequest"]?.string,
                       segments: i["segments"]?.int, expiresAt: expires, idempotencyKey: i["idempotencyKey"]?.string,
                       inbound: i["inbound"]?.string.flatMap(InboundDetails.init(json:)), reaction: i["reaction"]?.string)
    }
}

enum DLQItem {
    static func item(_ e: DLQEntry) -> DynamoItem {
        ["dlqMessageId": .s(e.id), "originalMessageId": .s(e.originalMessageId), "queueName": .s(e.queue), "payload": .s(e.payload),
         "error": .s(e.error), "retryCount": .number(e.retryCount), "lastAttemptAt": .number(e.lastAttemptAt.timeIntervalSince1970),
         "expiresAt": .number(e.expiresAt)]
    }

    static func entry(_ i: DynamoItem) -> DLQEntry? {
        guard let id = i["dlqMessageId"]?.string, let original = i["originalMessageId"]?.string, let queue = i["queueName"]?.string,
              let payload = i["payload"]?.string, let retries = i["retryCount"]?.int, let last = i["lastAttemptAt"]?.double,
              let expires = i["expiresAt"]?.int else { return nil }
        return DLQEntry(id: id, originalMessageId: original, queue: queue, payload: payload, error: i["error"]?.string ?? "", retryCount: retries,
                        lastAttemptAt: Date(timeIntervalSince1970: last), expiresAt: expires)
    }
}
