import Foundation
import MessagingCore
import Stores
import XCTest

/// The SQLite store honours the same contract as the in-memory one, and keeps it under concurrency.
final class SQLiteStoreTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func store() throws -> SQLiteStore { try SQLiteStore(path: dir.appendingPathComponent("wecare.sqlite").path) }

    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func contact(_ id: String, phone: String?, name: String? = nil, email: String? = nil) -> Contact {
        Contact(id: id, name: name, phone: phone, email: email, createdAt: t0, updatedAt: t0)
    }

    func message(_ id: String, contact: String, wamid: String?, at offset: TimeInterval = 0, expires: Int = 1_900_000_000) -> Message {
        Message(id: id, contactId: contact, channel: .whatsapp, direction: .inbound, status: .received, kind: "text", content: "hi",
                timestamp: t0.addingTimeInterval(offset), whatsappMessageId: wamid, expiresAt: expires)
    }

    func testContactsRoundTripSearchAndUniquePhone() async throws {
        let s = try store()
        var a = contact("a", phone: "+919330994400", name: "Asha Rao", email: "asha@example.com")
        a.optInSms = true
        a.lastInboundMessageAt = t0
        try await s.insertContact(a)
        let readBack = try await s.contact(id: "a")
        XCTAssertEqual(readBack, a)
        do {
            try await s.insertContact(contact("b", phone: "+919330994400"))
            XCTFail("a second live contact with the same phone")
        } catch StoreError.duplicate {}
        try await s.insertContact(contact("c", phone: nil, name: "50% Off_Shop", email: "SHOP@example.com"))
        let byName = try await s.searchContacts("asha", limit: 10)
        XCTAssertEqual(byName.map(\.id), ["a"])
        let byEmail = try await s.searchContacts("shop@EXAMPLE", limit: 10)
        XCTAssertEqual(byEmail.map(\.id), ["c"])
        let literal = try await s.searchContacts("50%", limit: 10)
        XCTAssertEqual(literal.map(\.id), ["c"], "% is matched literally")
        a.deletedAt = t0
        try await s.updateContact(a)
        let gone = try await s.contact(phone: "+919330994400")
        XCTAssertNil(gone)
        try await s.insertContact(contact("d", phone: "+919330994400"))
    }

    func testOneMessagePerWhatsAppIdEvenConcurrently() async throws {
        let s = try store()
        try await s.insertContact(contact("a", phone: "+14255550150"))
        let messages = (0..<10).map { message("m\($0)", contact: "a", wamid: "wamid.SAME") }
        let inserted = await withTaskGroup(of: Bool.self) { group in
            for m in messages { group.addTask { (try? await s.insertMessage(m)) ?? false } }
            return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        XCTAssertEqual(inserted, 1)
        let all = try await s.messages(contactId: "a", before: nil, limit: 50, now: t0)
        XCTAssertEqual(all.count, 1)
    }

    func testInboundRecordsCommittedTogetherStillLandOnceEach() async throws {
        // Many concurrent records share transactions (group commit); duplicates among them fail alone.
        let s = try store()
        try await s.insertContact(contact("a", phone: "+14255550150"))
        let t0 = self.t0
        let records = (0..<200).map { message("m\($0)", contact: "a", wamid: "wamid.\($0 % 50)", at: Double($0 % 50)) }
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for (i, m) in records.enumerated() {
                group.addTask { (i, (try? await s.recordInbound(m, updatedAt: t0)) ?? false) }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        XCTAssertEqual(results.values.filter { $0 }.count, 50, "one message per WhatsApp id")
        let stored = try await s.messages(contactId: "a", before: nil, limit: 500, now: t0)
        XCTAssertEqual(stored.count, 50)
        let a = try await s.contact(id: "a")
        XCTAssertEqual(a?.lastInboundMessageAt, t0.addingTimeInterval(49), "the window moves to the newest message, never back")
    }

    func testMessagesNewestFirstPagedAndExpiredExcluded() async throws {
        let s = try store()
        for i in 0..<5 { _ = try await s.insertMessage(message("m\(i)", contact: "a", wamid: "w\(i)", at: Double(i))) }
        _ = try await s.insertMessage(message("old", contact: "a", wamid: "wx", at: 10, expires: Int(t0.timeIntervalSince1970) - 1))
        let page1 = try await s.messages(contactId: "a", before: nil, limit: 2, now: t0)
        XCTAssertEqual(page1.map(\.id), ["m4", "m3"])
        let page2 = try await s.messages(contactId: "a", before: page1.last!.timestamp, limit: 2, now: t0)
        XCTAssertEqual(page2.map(\.id), ["m2", "m1"])
        let purged = try await s.purgeExpired(now: t0)
        XCTAssertEqual(purged, 1)
    }

    func testDataSurvivesReopening() async throws {
        do {
            let s = try store()
            try await s.insertContact(contact("a", phone: "+14255550150"))
            try await s.insertDLQ(DLQEntry(id: "d", originalMessageId: "sns", queue: "inbound-dlq", payload: "{}", error: "x", retryCount: 0,
                                           lastAttemptAt: t0, expiresAt: 1_900_000_000))
        }
        let reopened = try store()
        let c = try await reopened.contact(id: "a")
        XCTAssertNotNil(c)
        let dlq = try await reopened.dlqEntries(limit: 10, now: t0)
        XCTAssertEqual(dlq.map(\.id), ["d"])
    }
}
