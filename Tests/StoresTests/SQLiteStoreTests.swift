import Foundation
import GRDB
import MessagingCore
@testable import Stores
import XCTest

/// The SQLite store: the messaging store contract, and what only it promises (group commit under
/// concurrency, checkpoints, data that survives reopening, migrations).
final class SQLiteStoreTests: XCTestCase, MessagingStoreContract, BulkStoreContract {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func store() throws -> SQLiteStore { try SQLiteStore(path: dir.appendingPathComponent("wecare.sqlite").path) }

    func testTheMessagingStoreContract() async throws {
        let dir = self.dir!
        try await runMessagingStoreContract { try SQLiteStore(path: dir.appendingPathComponent("contract-\(UUID().uuidString).sqlite").path) }
    }

    /// The outbound lookups use migration v7's partial indexes, and an inbound message is in neither.
    func testOutboundLookupsUseTheirPartialIndexesAndInboundRowsStayOut() async throws {
        let s = try store()
        func plan(_ sql: String) throws -> String {
            try s.db.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: ["x"]).map { $0["detail"] as String }.joined(separator: "; ") }
        }
        XCTAssertEqual(try plan(SQLiteStore.outboundByProviderIdSQL), "SEARCH message USING INDEX message_provider_id (providerMessageId=?)")
        XCTAssertTrue(try plan(SQLiteStore.businessConversationsSQL).contains("SEARCH message USING INDEX message_channel_time (channel=? AND timestamp>?)"))

        try await s.insertContact(contact("a", phone: "+14255550150"))
        var inbound = message("in", contact: "a", wamid: "wamid.IN")
        inbound.providerMessageId = "event-1"
        var outbound = message("out", contact: "a", wamid: "wamid.OUT")
        outbound.direction = .outbound
        outbound.status = .sent
        outbound.providerMessageId = "provider-1"
        _ = try await s.insertMessage(inbound)
        _ = try await s.insertMessage(outbound)
        let definitions = try await s.db.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE name IN ('message_provider_id', 'message_channel_time') ORDER BY name")
        }
        XCTAssertEqual(definitions.count, 2)
        for definition in definitions { XCTAssertTrue(definition.hasSuffix("WHERE direction = 'outbound'"), definition) }
        let byProvider = try await s.message(providerId: "provider-1")
        XCTAssertEqual(byProvider?.id, "out")
        let inboundByProvider = try await s.message(providerId: "event-1")
        XCTAssertNil(inboundByProvider, "an inbound event id is not an outbound provider id")
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
        let sender = contact("unused", phone: "+14255550150")
        let records = (0..<200).map { message("m\($0)", contact: "?", wamid: "wamid.\($0 % 50)", at: Double($0 % 50)) }
        let results = await withTaskGroup(of: (Int, InboundRecord?).self) { group in
            for (i, m) in records.enumerated() {
                group.addTask { (i, try? await s.recordInbound(m, sender: sender, updatedAt: t0)) }
            }
            return await group.reduce(into: [Int: InboundRecord?]()) { $0[$1.0] = $1.1 }
        }
        XCTAssertEqual(results.values.filter { $0?.stored == true }.count, 50, "one message per WhatsApp id")
        XCTAssertTrue(results.values.allSatisfy { $0?.contactId == "a" && $0?.createdContact == false }, "the known sender's contact")
        let stored = try await s.messages(contactId: "a", before: nil, limit: 500, now: t0)
        XCTAssertEqual(stored.count, 50)
        let a = try await s.contact(id: "a")
        XCTAssertEqual(a?.lastInboundMessageAt, t0.addingTimeInterval(49), "the window moves to the newest message, never back")
    }

    /// A record that fails after its message row is written takes the whole transaction back with it,
    /// and the writer goes on: the next record commits (a transaction left open would refuse its BEGIN).
    func testAnInboundWriteFailingInsideItsTransactionLeavesNothingAndTheWriterGoesOn() async throws {
        let s = try store()
        // The window is written after the message and the contact: failing there leaves both to undo.
        try await s.db.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse_window BEFORE INSERT ON inbound_window WHEN NEW.phoneNumberId = 'refused'
                BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
                """)
        }
        var refused = message("m1", contact: "?", wamid: "wamid.refused")
        refused.phoneNumberId = "refused"
        do {
            _ = try await s.recordInbound(refused, sender: contact("c1", phone: "+14255550150"), updatedAt: t0)
            XCTFail("the trigger refuses the window")
        } catch {
            XCTAssertTrue("\(error)".contains("refused by the test"), "\(error)")
        }
        let gone = try await s.message(whatsappId: "wamid.refused")
        XCTAssertNil(gone, "the message row went back with the transaction")
        let noContact = try await s.contact(phone: "+14255550150")
        XCTAssertNil(noContact, "and so did the new sender")
        var next = message("m2", contact: "?", wamid: "wamid.next")
        next.phoneNumberId = "phone-number-id-aaa"
        let record = try await s.recordInbound(next, sender: contact("c2", phone: "+14255550150"), updatedAt: t0)
        XCTAssertTrue(record.stored)
        let windows = try await s.inboundWindows(contactId: record.contactId)
        XCTAssertEqual(windows, ["phone-number-id-aaa": t0], "the next record commits whole")
    }

    func testInboundFromNewSendersCreatesOneContactPerPhoneUnderConcurrency() async throws {
        // Ten numbers, each delivering twenty distinct messages at once: each number becomes one contact,
        // created with every opt-in false, and all its messages land under it.
        let s = try store()
        let t0 = self.t0
        let work = (0..<200).map { i in
            (message("m\(i)", contact: "?", wamid: "wamid.\(i)", at: Double(i)), contact("c\(i)", phone: "+1425555\(String(format: "%04d", i % 10))"))
        }
        let records = await withTaskGroup(of: InboundRecord?.self) { group in
            for (m, sender) in work { group.addTask { try? await s.recordInbound(m, sender: sender, updatedAt: t0) } }
            return await group.reduce(into: [InboundRecord]()) { if let r = $1 { $0.append(r) } }
        }
        XCTAssertEqual(records.count, 200)
        XCTAssertTrue(records.allSatisfy(\.stored))
        XCTAssertEqual(records.filter(\.createdContact).count, 10, "one contact created per number")
        XCTAssertEqual(Set(records.map(\.contactId)).count, 10)
        for n in 0..<10 {
            let c = try await s.contact(phone: "+1425555\(String(format: "%04d", n))")
            XCTAssertNotNil(c)
            XCTAssertEqual(c.map { [$0.optInWhatsApp, $0.optInSms, $0.optInEmail] }, [false, false, false])
            XCTAssertEqual(c?.lastInboundMessageAt, t0.addingTimeInterval(Double(190 + n)), "the newest of its messages")
            let mine = try await s.messages(contactId: c!.id, before: nil, limit: 100, now: t0)
            XCTAssertEqual(mine.count, 20)
        }
    }

    func testCheckpointsMoveTheLogIntoTheDatabaseWithoutACommitWaiting() async throws {
        // Commits never checkpoint (the writer's threshold is far out); the checkpointer thread copies
        // the WAL into the database file within a fraction of a second.
        let s = try store()
        let file = dir.appendingPathComponent("wecare.sqlite").path
        let before = try FileManager.default.attributesOfItem(atPath: file)[.size] as! Int
        for i in 0..<300 {
            _ = try await s.recordInbound(message("m\(i)", contact: "?", wamid: "wamid.\(i)", at: Double(i)), sender: contact("c", phone: "+14255550100"), updatedAt: t0)
        }
        var after = before
        for _ in 0..<50 where after <= before {
            try await Task.sleep(for: .milliseconds(100))
            after = try FileManager.default.attributesOfItem(atPath: file)[.size] as! Int
        }
        XCTAssertGreaterThan(after, before, "the checkpointer copied the new pages into the database file")
    }

    /// Under continuous inbound writes the checkpointer's passive rounds never copy the last frames, so
    /// without the writer completing them (`WALRestart`) the WAL would only start over at the writer's
    /// own threshold, inside a commit. Here that threshold is out of reach and the rounds are quick: the
    /// WAL must still start over again and again, so its file stays a fraction of what was written.
    func testUnderContinuousWritesTheWALStartsOverWithoutTheWritersOwnCheckpoint() async throws {
        let path = dir.appendingPathComponent("wecare.sqlite").path
        let s = try SQLiteStore(path: path, checkpointInterval: 0.01, restartFrames: 64, walSafetyPages: 1_000_000)
        let t0 = self.t0
        let lanes = 8, perLane = 400
        let work = (0..<lanes * perLane).map { n in
            var m = message("m\(n)", contact: "?", wamid: "wamid.\(n)", at: Double(n))
            m.content = String(repeating: "x", count: 600)
            return (m, contact("c\(n)", phone: "+1425555\(String(format: "%04d", n % 500))"))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    for (m, sender) in work[(lane * perLane)..<((lane + 1) * perLane)] {
                        _ = try await s.recordInbound(m, sender: sender, updatedAt: t0)
                    }
                }
            }
            try await group.waitForAll()
        }
        let written = try await s.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM message")! }
        XCTAssertEqual(written, lanes * perLane)
        // The file keeps the largest size the WAL reached: 3,200 records write about 45 MB of frames,
        // all of it in the file when the WAL never starts over (seen with the writer's step removed).
        let wal = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as! Int
        XCTAssertLessThan(wal, 16 << 20, "the WAL started over again and again")
    }

    func testTheBulkStoreContract() async throws {
        let dir = self.dir!
        try await runBulkStoreContract {
            let s = try SQLiteStore(path: dir.appendingPathComponent("bulk-\(UUID().uuidString).sqlite").path)
            return (s, s)
        }
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

/// The migration that brings inbound's needs of the store to existing data.
final class SQLiteInboundStoreTests: XCTestCase, StoreFixtures {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-inbound-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func store() throws -> SQLiteStore { try SQLiteStore(path: dir.appendingPathComponent("wecare.sqlite").path) }

    func testTheMigrationKeepsExistingDataAndOpensEachContactsWindowsFromItsMessages() async throws {
        let path = dir.appendingPathComponent("wecare.sqlite").path
        // A database as the release before this one left it.
        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(old, upTo: "v4-leases")
        let t = t0.timeIntervalSince1970
        try await old.write { db in
            try db.execute(sql: "INSERT INTO contact (id, name, phone, optInWhatsApp, optInSms, optInEmail, lastInboundMessageAt, createdAt, updatedAt) VALUES ('c1', 'Asha', '+919330994400', 1, 0, 0, ?, ?, ?)",
                           arguments: [t + 20, t, t])
            for (id, number, offset) in [("m1", "phone-number-id-aaa", 10.0), ("m2", "phone-number-id-aaa", 5.0), ("m3", "phone-number-id-bbb", 20.0)] {
                try db.execute(sql: """
                    INSERT INTO message (id, contactId, channel, direction, status, kind, content, timestamp, whatsappMessageId, phoneNumberId, expiresAt)
                    VALUES (?, 'c1', 'whatsapp', 'inbound', 'received', 'text', 'hi', ?, ?, ?, 1900000000)
                    """, arguments: [id, t + offset, "wamid.\(id)", number])
            }
        }
        try old.close()
        let s = try store()
        let windows = try await s.inboundWindows(contactId: "c1")
        XCTAssertEqual(windows, ["phone-number-id-aaa": t0.addingTimeInterval(10), "phone-number-id-bbb": t0.addingTimeInterval(20)])
        let m = try await s.message(id: "m1")
        XCTAssertEqual(m?.content, "hi")
        XCTAssertNil(m?.inbound)
        let c = try await s.contact(id: "c1")
        XCTAssertEqual(c?.name, "Asha")
    }
}
