import AWSClient
import Foundation
import MessagingCore
@testable import Stores
import TestSupport
import XCTest

/// Inbound's needs of the store on DynamoDB (moto), met by key, never by scan (the contract itself runs in
/// `DynamoDBStoreTests`).
final class DynamoDBInboundStoreTests: XCTestCase, InboundStoreContract {
    override class func tearDown() {
        MotoTables.server.stop()
        super.tearDown()
    }

    /// A store on fresh tables, its requests counted by operation.
    func store() async throws -> (DynamoDBStore, FaultyDynamoDB) {
        let transport = FaultyDynamoDB()
        let (client, names) = try await MotoTables.create(["TableContacts", "TableMessages", "TableMediaFiles", "TableDLQMessages"], transport: transport)
        let store = DynamoDBStore(client: client, tables: .init(contacts: names["TableContacts"], messages: names["TableMessages"],
                                                                mediaFiles: names["TableMediaFiles"], dlq: names["TableDLQMessages"]))
        return (store, transport)
    }

    func testWindowsPerBusinessNumberAndTheNewestProfileName() async throws {
        let (s, transport) = try await store()
        try await checkWindowsPerBusinessNumberAndTheNewestProfileName(s)
        XCTAssertEqual(transport.count(of: "Scan"), 0)
        let contacts = try await s.searchContacts("", limit: 10)
        XCTAssertEqual(contacts.count, 1, "window items are not contacts")
    }

    func testParkedStatuses() async throws {
        let (s, transport) = try await store()
        try await checkParkedStatuses(s)
        XCTAssertEqual(transport.count(of: "Scan"), 0)
    }

    func testOutboundMessagesAreFoundByProviderIdThroughAMarkerNotAScan() async throws {
        let (s, transport) = try await store()
        try await checkOutboundMessagesAreFoundByProviderId(s)
        XCTAssertEqual(transport.count(of: "Scan"), 0, "a status finds its message by key")
    }

    func testOutboundMessagesStoredBeforeMarkersGetThemFromTheBackfill() async throws {
        let (s, _) = try await store()
        let out = Message(id: "o1", contactId: "c", channel: .whatsapp, direction: .outbound, status: .sent, kind: "text", content: "hi",
                          timestamp: t0, providerMessageId: "prov-old", expiresAt: 1_900_000_000)
        // As the release before this one wrote it: the message without its provider-id marker.
        try await s.db.putItem(table: try s.messagesTableName, item: MessageItem.item(out))
        let before = try await s.message(providerId: "prov-old")
        XCTAssertNil(before)
        let written = try await s.backfillProviderMarkers()
        XCTAssertEqual(written, 1)
        let after = try await s.message(providerId: "prov-old")
        XCTAssertEqual(after?.id, "o1")
        let again = try await s.backfillProviderMarkers()
        XCTAssertEqual(again, 0, "running it again writes nothing")
    }
}
