import Foundation
import MessagingCore
import XCTest

/// The in-memory store, which the core's own tests run on: the messaging store contract, as the
/// SQLite and DynamoDB stores keep it.
final class InMemoryStoreTests: XCTestCase, MessagingStoreContract {
    func testTheMessagingStoreContract() async throws {
        try await runMessagingStoreContract { InMemoryStore() }
    }
}
