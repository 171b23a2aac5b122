import AWSClient
import Foundation
import MessagingCore
import Stores
import XCTest

/// The bulk store on DynamoDB against moto (each step of the exactly-once protocol one conditional write, on
/// tables and the byStatus index created from the generated CloudFormation): the bulk store contract.
final class DynamoDBBulkStoreTests: XCTestCase, BulkStoreContract {
    override class func tearDown() {
        MotoTables.server.stop()
        super.tearDown()
    }

    func stores() async throws -> (DynamoDBBulkStore, DynamoDBStore) {
        let (client, names) = try await MotoTables.create(["TableBulkJobs", "TableBulkRecipients", "TableMessages", "TableContacts"])
        let messages = DynamoDBStore(client: client, tables: .init(contacts: names["TableContacts"], messages: names["TableMessages"]))
        return (DynamoDBBulkStore(client: client, jobsTable: names["TableBulkJobs"]!, recipientsTable: names["TableBulkRecipients"]!, messages: messages), messages)
    }

    func testTheBulkStoreContract() async throws {
        try await runBulkStoreContract { try await self.stores() }
    }
}
