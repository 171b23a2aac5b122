import AWSClient
import Foundation
import MessagingCore
import Stores
import TestSupport
import XCTest

/// The DynamoDB store against moto on 127.0.0.1, on tables created from the generated CloudFormation
/// (keys and indexes exactly as deployed): the messaging store contract, and what only it needs.
final class DynamoDBStoreTests: XCTestCase, MessagingStoreContract {
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

    func testTheMessagingStoreContract() async throws {
        try await runMessagingStoreContract { try await self.store() }
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
