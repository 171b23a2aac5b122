import AWSClient
import Foundation
import MessagingCore
import Stores
import TestSupport
import XCTest

/// The AI interactions' store contract, run on memory, SQLite and DynamoDB (moto, the AIInteractions
/// table from the generated template): insert once, conditional decisions, filters, newest first, paging.
func runAIInteractionStoreContract(_ make: () async throws -> any AIInteractionStore, file: StaticString = #filePath, line: UInt = #line) async throws {
    let store = try await make()
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    func interaction(_ id: String, contact: String, at seconds: Double) -> AIInteraction {
        AIInteraction(id: id, messageId: "m-\(id)", contactId: contact, query: "q \(id)",
                      passages: [Passage(text: "p", source: "whatsapp.md#window", score: 1.5)], suggestion: "s \(id)", provider: "local",
                      model: "bm25-extractive", latencyMs: 1.25, createdAt: t0.addingTimeInterval(seconds))
    }
    for (i, contact) in ["c1", "c2", "c1", "c1"].enumerated() {
        try await store.insertInteraction(interaction("i\(i)", contact: contact, at: Double(i)))
    }
    do {
        try await store.insertInteraction(interaction("i0", contact: "c1", at: 9))
        XCTFail("an id is inserted once", file: file, line: line)
    } catch StoreError.duplicate {}
    let read = try await store.interaction(id: "i1")
    XCTAssertEqual(read, interaction("i1", contact: "c2", at: 1), "read back whole", file: file, line: line)
    let missing = try await store.interaction(id: "nope")
    XCTAssertNil(missing, file: file, line: line)

    var decided = interaction("i2", contact: "c1", at: 2)
    decided.status = .dryRun
    decided.decidedBy = "operator-1"
    decided.feedback = AIFeedback(rating: 4, comment: "good", by: "operator-1", at: t0)
    let first = try await store.updateInteraction(decided, ifStatus: .pending)
    XCTAssertTrue(first, file: file, line: line)
    let second = try await store.updateInteraction(decided, ifStatus: .pending)
    XCTAssertFalse(second, "a decision is conditional on pending: a second one writes nothing", file: file, line: line)
    let after = try await store.interaction(id: "i2")
    XCTAssertEqual(after, decided, file: file, line: line)

    let all = try await store.interactions(status: nil, contactId: nil, before: nil, limit: 10).map(\.id)
    XCTAssertEqual(all, ["i3", "i2", "i1", "i0"], "newest first", file: file, line: line)
    let pendingOfC1 = try await store.interactions(status: .pending, contactId: "c1", before: nil, limit: 10).map(\.id)
    XCTAssertEqual(pendingOfC1, ["i3", "i0"], file: file, line: line)
    let page = try await store.interactions(status: nil, contactId: nil, before: t0.addingTimeInterval(2), limit: 1).map(\.id)
    XCTAssertEqual(page, ["i1"], "`before` pages by creation time", file: file, line: line)
}

final class AIInteractionStoreTests: XCTestCase {
    override class func tearDown() {
        MotoTables.server.stop()
        super.tearDown()
    }

    func testInMemory() async throws {
        try await runAIInteractionStoreContract { InMemoryStore() }
    }

    func testSQLite() async throws {
        try await runAIInteractionStoreContract {
            try SQLiteStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("wecare-ai-\(UUID().uuidString).sqlite").path)
        }
    }

    func testDynamoDB() async throws {
        try await runAIInteractionStoreContract {
            let (client, names) = try await MotoTables.create(["TableAIInteractions"])
            return DynamoDBAIInteractionStore(client: client, table: names["TableAIInteractions"]!)
        }
    }
}
