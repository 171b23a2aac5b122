import Foundation
import MessagingCore
import XCTest

/// What the core needs of a `MessagingStore`, as one list of checks that every implementation runs
/// (in memory, SQLite, DynamoDB on moto): a check added here runs on every store. Each check gets a
/// fresh, empty store. What only one store can promise (SQLite's group commit under concurrency,
/// DynamoDB's marker items found by key, never by scan) stays in that store's own tests.
protocol MessagingStoreContract: InboundStoreContract {}

extension MessagingStoreContract {
    typealias Check = (name: String, run: (Self, any MessagingStore) async throws -> Void)

    static var messagingChecks: [Check] {
        [
            ("contacts round-trip, search and one live contact per phone", { try await $0.checkContacts($1) }),
            ("messages dedupe on their id, idempotency key and WhatsApp id", { try await $0.checkMessageKeys($1) }),
            ("messages newest first, paged, expired left out", { try await $0.checkMessagePages($1) }),
            ("inbound creates the sender once and moves the window forward only", { try await $0.checkInboundSender($1) }),
            ("DLQ and audit list unexpired entries in order", { try await $0.checkDLQAndAudit($1) }),
            ("windows per business number and the newest profile name", { try await $0.checkWindowsPerBusinessNumberAndTheNewestProfileName($1) }),
            ("inbound details and reactions round-trip", { try await $0.checkDetailsAndReactionsRoundTrip($1) }),
            ("parked statuses", { try await $0.checkParkedStatuses($1) }),
            ("parked reactions", { try await $0.checkParkedReactions($1) }),
            ("outbound messages found by provider id", { try await $0.checkOutboundMessagesAreFoundByProviderId($1) }),
        ]
    }

    /// Runs every check on a store of its own; a check that throws fails alone and the rest still run.
    func runMessagingStoreContract(_ make: () async throws -> any MessagingStore, file: StaticString = #filePath, line: UInt = #line) async throws {
        for check in Self.messagingChecks {
            do {
                try await check.run(self, try await make())
            } catch {
                XCTFail("\(check.name): \(error)", file: file, line: line)
            }
        }
    }

    func checkContacts(_ s: any MessagingStore) async throws {
        var a = contact("a", phone: "+919330994400", name: "Asha Rao", email: "asha@example.com")
        a.optInSms = true
        a.lastInboundMessageAt = t0
        try await s.insertContact(a)
        let readBack = try await s.contact(id: "a")
        XCTAssertEqual(readBack, a)
        let byPhone = try await s.contact(phone: "+919330994400")
        XCTAssertEqual(byPhone?.id, "a")
        do {
            try await s.insertContact(contact("b", phone: "+919330994400"))
            XCTFail("a second live contact with the same phone")
        } catch StoreError.duplicate {}
        try await s.insertContact(contact("c", phone: "+14255550100", name: "50% Off_Shop", email: "SHOP@example.com"))
        let byName = try await s.searchContacts("ASHA", limit: 10)
        XCTAssertEqual(byName.map(\.id), ["a"], "case-insensitive, and no marker or window item shows")
        let byEmail = try await s.searchContacts("shop@EXAMPLE", limit: 10)
        XCTAssertEqual(byEmail.map(\.id), ["c"])
        let literal = try await s.searchContacts("50%", limit: 10)
        XCTAssertEqual(literal.map(\.id), ["c"], "% is matched literally")
        let all = try await s.contactIds(matching: "", optedIn: nil, limit: 10)
        XCTAssertEqual(Set(all), ["a", "c"])
        let sms = try await s.contactIds(matching: "", optedIn: .sms, limit: 10)
        XCTAssertEqual(sms, ["a"])

        // Deleting frees the number; changing a number moves it.
        a.deletedAt = t0
        try await s.updateContact(a)
        let gone = try await s.contact(phone: "+919330994400")
        XCTAssertNil(gone)
        let deletedAreNotFound = try await s.searchContacts("asha", limit: 10)
        XCTAssertEqual(deletedAreNotFound, [])
        try await s.insertContact(contact("b", phone: "+919330994400"))
        let stored = try await s.contact(id: "c")
        var c = try XCTUnwrap(stored)
        c.phone = "+919330994400"
        do {
            try await s.updateContact(c)
            XCTFail("moved onto a number another live contact holds")
        } catch StoreError.duplicate {}
        c.phone = "+14255550199"
        try await s.updateContact(c)
        let moved = try await s.contact(phone: "+14255550199")
        XCTAssertEqual(moved?.id, "c")
        let old = try await s.contact(phone: "+14255550100")
        XCTAssertNil(old)
        do {
            try await s.updateContact(contact("zz", phone: nil))
            XCTFail("updating a contact that does not exist")
        } catch StoreError.notFound {}
    }

    func checkMessageKeys(_ s: any MessagingStore) async throws {
        var out = Message(id: "o1", contactId: "c", channel: .whatsapp, direction: .outbound, status: .sent, kind: "template", content: nil,
                          timestamp: t0, providerMessageId: "prov-1", expiresAt: 1_900_000_000)
        out.idempotencyKey = "job-1/7"
        let inserted = try await s.insertMessage(out)
        XCTAssertTrue(inserted)
        var twin = out
        twin.id = "o2"
        let second = try await s.insertMessage(twin)
        XCTAssertFalse(second, "one message per idempotency key")
        let byKey = try await s.message(idempotencyKey: "job-1/7")
        XCTAssertEqual(byKey?.id, "o1")
        out.status = .delivered
        out.whatsappMessageId = "wamid.out"
        try await s.updateMessage(out)
        let updated = try await s.message(whatsappId: "wamid.out")
        XCTAssertEqual(updated?.status, .delivered, "found by the WhatsApp id a status update taught it")
        let guarded = try await s.updateMessage(out, ifStatusIn: [.sent])
        XCTAssertFalse(guarded, "an update guarded on the status it no longer has changes nothing")
        let plain = message("p1", contact: "c", wamid: "wamid.p1")
        let firstPlain = try await s.insertMessage(plain)
        let secondPlain = try await s.insertMessage(plain)
        var sameWamid = plain
        sameWamid.id = "p2"
        let thirdPlain = try await s.insertMessage(sameWamid)
        XCTAssertEqual([firstPlain, secondPlain, thirdPlain], [true, false, false], "one message per id, and per WhatsApp id")
        let conversations = try await s.businessConversations(since: t0.addingTimeInterval(-1))
        XCTAssertEqual(conversations, 1)
        do {
            try await s.updateMessage(message("nope", contact: "c", wamid: nil))
            XCTFail("updating a message that does not exist")
        } catch StoreError.notFound {}
    }

    func checkMessagePages(_ s: any MessagingStore) async throws {
        for i in 0..<5 { _ = try await s.insertMessage(message("m\(i)", contact: "a", wamid: "w\(i)", at: Double(i))) }
        _ = try await s.insertMessage(message("old", contact: "a", wamid: "wx", at: 10, expires: Int(t0.timeIntervalSince1970) - 1))
        _ = try await s.insertMessage(message("other", contact: "b", wamid: "wy", at: 3))
        let page1 = try await s.messages(contactId: "a", before: nil, limit: 2, now: t0)
        XCTAssertEqual(page1.map(\.id), ["m4", "m3"], "newest first; the expired one is not listed though DynamoDB's TTL has not run")
        let page2 = try await s.messages(contactId: "a", before: page1.last!.timestamp, limit: 2, now: t0)
        XCTAssertEqual(page2.map(\.id), ["m2", "m1"])
        let page3 = try await s.messages(contactId: "a", before: page2.last!.timestamp, limit: 2, now: t0)
        XCTAssertEqual(page3.map(\.id), ["m0"])
        let purged = try await s.purgeExpired(now: t0)
        XCTAssertLessThanOrEqual(purged, 1, "at most the expired one (DynamoDB leaves it to TTL)")
        let kept = try await s.message(id: "m4")
        XCTAssertNotNil(kept)
    }

    func checkInboundSender(_ s: any MessagingStore) async throws {
        let first = try await s.recordInbound(message("m1", contact: "?", wamid: "wamid.1", at: 10), sender: contact("c1", phone: "+14255550150"), updatedAt: t0)
        XCTAssertEqual(first, InboundRecord(stored: true, contactId: "c1", createdContact: true))
        for i in 0..<5 {
            let again = try await s.recordInbound(message("m1-\(i)", contact: "?", wamid: "wamid.1", at: 10), sender: contact("c2-\(i)", phone: "+14255550150"),
                                                  updatedAt: t0)
            XCTAssertEqual(again, InboundRecord(stored: false, contactId: "c1", createdContact: false), "a duplicate delivery stores nothing")
        }
        let older = try await s.recordInbound(message("m2", contact: "?", wamid: "wamid.2", at: 5), sender: contact("c3", phone: "+14255550150"), updatedAt: t0)
        XCTAssertTrue(older.stored)
        XCTAssertEqual(older.contactId, "c1")
        let sender = try await s.contact(id: "c1")
        XCTAssertEqual(sender?.lastInboundMessageAt, t0.addingTimeInterval(10), "the window never moves back")
        XCTAssertEqual(sender.map { [$0.optInWhatsApp, $0.optInSms, $0.optInEmail] }, [false, false, false], "a new sender has consented to nothing")
        let byWamid = try await s.message(whatsappId: "wamid.1")
        XCTAssertEqual(byWamid?.id, "m1")
        let listed = try await s.messages(contactId: "c1", before: nil, limit: 10, now: t0)
        XCTAssertEqual(listed.map(\.id), ["m1", "m2"])
    }

    func checkDLQAndAudit(_ s: any MessagingStore) async throws {
        let now = Int(t0.timeIntervalSince1970)
        for (i, expires) in [now + 100, now - 1, now + 100].enumerated() {
            try await s.insertDLQ(DLQEntry(id: "d\(i)", originalMessageId: "sns-\(i)", queue: "inbound-dlq", payload: "{}", error: "boom",
                                           retryCount: 0, lastAttemptAt: t0.addingTimeInterval(Double(-i)), expiresAt: expires))
        }
        let entries = try await s.dlqEntries(limit: 10, now: t0)
        XCTAssertEqual(entries.map(\.id), ["d2", "d0"], "oldest attempt first, expired left out")
        let depth = try await s.dlqCount(now: t0)
        XCTAssertEqual(depth, 2)
        var retried = entries[0]
        retried.retryCount = 1
        try await s.updateDLQ(retried)
        try await s.deleteDLQ(id: "d0")
        let left = try await s.dlqEntries(limit: 10, now: t0)
        XCTAssertEqual(left.map(\.id), ["d2"])
        XCTAssertEqual(left.map(\.retryCount), [1])

        for i in 0..<3 {
            try await s.appendAudit(AuditEntry(id: "a\(i)", userId: "u", action: "read", resourceType: "contact", resourceId: nil, outcome: "allowed",
                                               details: nil, timestamp: t0.addingTimeInterval(Double(i)), expiresAt: now + 100))
        }
        try await s.appendAudit(AuditEntry(id: "expired", userId: "u", action: "read", resourceType: "contact", resourceId: nil, outcome: "allowed",
                                           details: nil, timestamp: t0.addingTimeInterval(5), expiresAt: now - 1))
        let audit = try await s.audit(limit: 2, now: t0)
        XCTAssertEqual(audit.map(\.id), ["a2", "a1"], "newest first, expired left out")
        try await s.insertMedia(MediaRecord(fileId: "f1", messageId: "m1", s3Key: "in/m1.jpg", contentType: "image/jpeg", size: 10,
                                            whatsappMediaId: "media-1", uploadedAt: t0))
    }
}
