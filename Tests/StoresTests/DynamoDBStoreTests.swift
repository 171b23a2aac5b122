import AWSClient
import Foundation
import MessagingCore
import Stores
import TestSupport
import XCTest

/// The DynamoDB store against moto on 127.0.0.1, on tables created from the generated CloudFormation
/// (keys and indexes exactly as deployed): the same contract as the SQLite store.
final class DynamoDBStoreTests: XCTestCase, StoreFixtures {
    override class func tearDown() {
        MotoTables.server.stop()
        super.tearDown()
    }

    /// A store on fresh tables: each test gets its own.
    func store() async throws -> DynamoDBStore {
        let (client, names) = try await MotoTables.create(["TableContacts", "TableMessages", "TableMediaFiles", "TableDLQMessages", "TableAuditLogs"])
        return DynamoDBStore(client: client,
                             tables: .init(contacts: names["TableContacts"], messages: names["TableMessages"], mediaFiles: names["TableMediaFiles"],
                                           dlq: names["TableDLQMessages"], audit: names["TableAuditLogs"]))
    }

    func testContactsRoundTripSearchAndOneLiveContactPerPhone() async throws {
        let s = try await store()
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
        try await s.insertContact(contact("c", phone: "+14255550100", name: "Carl"))
        let found = try await s.searchContacts("ASHA", limit: 10)
        XCTAssertEqual(found.map(\.id), ["a"], "case-insensitive, and marker items never show")
        let all = try await s.contactIds(matching: "", optedIn: nil, limit: 10)
        XCTAssertEqual(Set(all), ["a", "c"])
        let sms = try await s.contactIds(matching: "", optedIn: .sms, limit: 10)
        XCTAssertEqual(sms, ["a"])

        // Deleting frees the number; changing a number moves its marker.
        a.deletedAt = t0
        try await s.updateContact(a)
        let gone = try await s.contact(phone: "+919330994400")
        XCTAssertNil(gone)
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

    func testInboundCreatesTheSenderOnceStoresEachMessageOnceAndMovesTheWindowForward() async throws {
        let s = try await store()
        let first = try await s.recordInbound(message("m1", contact: "?", wamid: "wamid.1", at: 10), sender: contact("c1", phone: "+14255550150"), updatedAt: t0)
        XCTAssertEqual(first, InboundRecord(stored: true, contactId: "c1", createdContact: true))
        let again = try await s.recordInbound(message("m1b", contact: "?", wamid: "wamid.1", at: 10), sender: contact("c2", phone: "+14255550150"), updatedAt: t0)
        XCTAssertEqual(again, InboundRecord(stored: false, contactId: "c1", createdContact: false), "a duplicate delivery stores nothing")
        let older = try await s.recordInbound(message("m2", contact: "?", wamid: "wamid.2", at: 5), sender: contact("c3", phone: "+14255550150"), updatedAt: t0)
        XCTAssertTrue(older.stored)
        let sender = try await s.contact(id: "c1")
        XCTAssertEqual(sender?.lastInboundMessageAt, t0.addingTimeInterval(10), "the window never moves back")
        XCTAssertEqual(sender.map { [$0.optInWhatsApp, $0.optInSms, $0.optInEmail] }, [false, false, false])
        let byWamid = try await s.message(whatsappId: "wamid.1")
        XCTAssertEqual(byWamid?.id, "m1")
        let listed = try await s.messages(contactId: "c1", before: nil, limit: 10, now: t0)
        XCTAssertEqual(listed.map(\.id), ["m1", "m2"], "newest first, marker items never listed")
        let page = try await s.messages(contactId: "c1", before: t0.addingTimeInterval(10), limit: 10, now: t0)
        XCTAssertEqual(page.map(\.id), ["m2"])
    }

    func testTheSameDeliveryTenTimesIsStoredOnceUnderOneContact() async throws {
        // In turn, not at once: DynamoDB makes a transaction atomic, moto does not, and racing it would
        // only test moto. The conditions that make the concurrent case safe are the ones exercised here.
        let s = try await store()
        var records: [InboundRecord] = []
        for i in 0..<10 {
            records.append(try await s.recordInbound(
                Message(id: "m\(i)", contactId: "?", channel: .whatsapp, direction: .inbound, status: .received, kind: "text",
                        content: "hi", timestamp: t0, whatsappMessageId: "wamid.same", expiresAt: 1_900_000_000),
                sender: Contact(id: "c\(i)", name: nil, phone: "+14255550177", email: nil, createdAt: t0, updatedAt: t0), updatedAt: t0))
        }
        XCTAssertEqual(records.filter(\.stored).count, 1)
        XCTAssertEqual(records.filter(\.createdContact).count, 1)
        XCTAssertEqual(Set(records.map(\.contactId)), ["c0"])
        let listed = try await s.messages(contactId: "c0", before: nil, limit: 50, now: t0)
        XCTAssertEqual(listed.map(\.id), ["m0"])
    }

    func testAWindowThatMovedOnMeanwhileIsToldApartFromADuplicate() {
        // The cancellation reasons AWS lists in the message, one per element of the transaction.
        func cancelled(_ reasons: String) -> AWSError {
            AWSError(service: "DynamoDB", operation: "TransactWriteItems", statusCode: 400, code: "TransactionCanceledException",
                     message: "Transaction cancelled, please refer cancellation reasons for specific reasons [\(reasons)]")
        }
        XCTAssertTrue(DynamoDBStore.onlyLastConditionFailed(cancelled("None, None, ConditionalCheckFailed")), "a newer message moved the window: store without it")
        XCTAssertFalse(DynamoDBStore.onlyLastConditionFailed(cancelled("ConditionalCheckFailed, None, None")), "the WhatsApp id is stored: a duplicate")
        XCTAssertFalse(DynamoDBStore.onlyLastConditionFailed(cancelled("ConditionalCheckFailed, None, ConditionalCheckFailed")))
        XCTAssertEqual(DynamoDBClient.cancellationReasons(cancelled("None, ConditionalCheckFailed")), ["None", "ConditionalCheckFailed"])
    }

    func testMessagesDedupeOnIdempotencyKeyAndUpdatesKeepTheirMarkers() async throws {
        let s = try await store()
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
        let byProvider = try await s.message(providerId: "prov-1")
        XCTAssertEqual(byProvider?.id, "o1")
        out.status = .delivered
        out.whatsappMessageId = "wamid.out"
        try await s.updateMessage(out)
        let updated = try await s.message(whatsappId: "wamid.out")
        XCTAssertEqual(updated?.status, .delivered, "found by the WhatsApp id a status update taught it")
        let plain = message("p1", contact: "c", wamid: nil)
        let firstPlain = try await s.insertMessage(plain)
        let secondPlain = try await s.insertMessage(plain)
        XCTAssertEqual([firstPlain, secondPlain], [true, false], "without markers, one conditional put per message id")
        let conversations = try await s.businessConversations(since: t0.addingTimeInterval(-1))
        XCTAssertEqual(conversations, 1)
        do {
            try await s.updateMessage(message("nope", contact: "c", wamid: nil))
            XCTFail("updating a message that does not exist")
        } catch StoreError.notFound {}
    }

    func testDLQAndAuditListUnexpiredEntriesInOrder() async throws {
        let s = try await store()
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
        XCTAssertEqual(left.map(\.retryCount), [1])

        for i in 0..<3 {
            try await s.appendAudit(AuditEntry(id: "a\(i)", userId: "u", action: "read", resourceType: "contact", resourceId: nil, outcome: "allowed",
                                               details: nil, timestamp: t0.addingTimeInterval(Double(i)), expiresAt: now + 100))
        }
        let audit = try await s.audit(limit: 2, now: t0)
        XCTAssertEqual(audit.map(\.id), ["a2", "a1"], "newest first")
        try await s.insertMedia(MediaRecord(fileId: "f1", messageId: "m1", s3Key: "in/m1.jpg", contentType: "image/jpeg", size: 10,
                                            whatsappMediaId: "media-1", uploadedAt: t0))
    }

    func testAnOperationOnATableTheFunctionWasNotGivenNamesTheTable() async throws {
        let s = DynamoDBStore(client: DynamoDBClient(client: AWSClient(configuration: AWSClientConfiguration(
            region: "us-east-1", endpointOverride: URL(string: "http://127.0.0.1:9")!,
            credentialsProvider: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing")))), tables: .init(contacts: "Contacts"))
        do {
            _ = try await s.dlqCount(now: t0)
            XCTFail("no DLQ table given")
        } catch let e as DynamoDBStore.TableNotConfigured {
            XCTAssertEqual(e.table, "DLQMessages")
        }
    }
}


/// Run-time settings in the SystemConfig table, against moto.
final class DynamoDBSettingsStoreTests: XCTestCase {
    override class func tearDown() {
        MotoTables.server.stop()
        super.tearDown()
    }

    func testASettingRoundTripsWithWhoChangedIt() async throws {
        let (client, names) = try await MotoTables.create(["TableSystemConfig"])
        let store = DynamoDBSettingsStore(client: client, table: names["TableSystemConfig"]!)
        let missing = try await store.setting("autoAcknowledge")
        XCTAssertNil(missing)
        try await store.setSetting("autoAcknowledge", "true", by: "admin-1", at: Date(timeIntervalSince1970: 1_795_000_000))
        let value = try await store.setting("autoAcknowledge")
        XCTAssertEqual(value, "true")
        let item = try await client.getItem(table: names["TableSystemConfig"]!, key: ["configKey": .s("autoAcknowledge")])
        XCTAssertEqual(item?["updatedBy"], .s("admin-1"))
    }
}
