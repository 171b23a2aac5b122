import AWSClient
import Channels
import CoreTestSupport
import Foundation
import MessagingCore
import Stores
import XCTest

/// The edges of the protocol where a request races another or is retried, on DynamoDB (moto behind one
/// lock, faults injected) and, where the rule is the store's, on SQLite too.
final class IdempotentEdgeTests: XCTestCase, StoreFixtures {
    override class func tearDown() {
        MotoTables.server.stop()
        super.tearDown()
    }

    static let retries = RetryPolicy(maxRetries: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))

    func dynamo(_ faults: FaultyDynamoDB) async throws -> (DynamoDBStore, DynamoDBBulkStore) {
        let (client, names) = try await MotoTables.create(["TableContacts", "TableMessages", "TableDLQMessages", "TableBulkJobs", "TableBulkRecipients"],
                                                          transport: faults, retryPolicy: Self.retries)
        let store = DynamoDBStore(client: client, tables: .init(contacts: names["TableContacts"], messages: names["TableMessages"],
                                                                dlq: names["TableDLQMessages"]))
        return (store, DynamoDBBulkStore(client: client, jobsTable: names["TableBulkJobs"]!, recipientsTable: names["TableBulkRecipients"]!, messages: store))
    }

    func statusesNeverMoveBack(_ s: any MessagingStore) async throws {
        var m = Message(id: "m-status", contactId: "c", channel: .whatsapp, direction: .outbound, status: .read, kind: "text", content: "hi",
                        timestamp: t0, whatsappMessageId: "wamid.status", expiresAt: 1_900_000_000)
        _ = try await s.insertMessage(m)
        m.status = .delivered
        let lower: Set<MessageStatus> = [.received, .dryRun, .sent, .delivered]
        let moved = try await s.updateMessage(m, ifStatusIn: lower)
        XCTAssertFalse(moved, "a late `delivered` read before `read` was written does not overwrite it")
        let stored = try await s.message(id: "m-status")
        XCTAssertEqual(stored?.status, .read)
        m.status = .failed
        let failed = try await s.updateMessage(m, ifStatusIn: lower.union([.read]))
        XCTAssertTrue(failed)
    }

    func testStatusUpdatesNeverMoveBackOnSQLite() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-edge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try await statusesNeverMoveBack(try SQLiteStore(path: dir.appendingPathComponent("db.sqlite").path))
    }

    func testStatusUpdatesNeverMoveBackOnDynamoDB() async throws {
        let (store, _) = try await dynamo(FaultyDynamoDB())
        try await statusesNeverMoveBack(store)
    }

    func testATransactionConflictIsRetriedAndIfItPersistsFailsTheDeliveryInsteadOfTheDLQ() async throws {
        let faults = FaultyDynamoDB()
        let (store, _) = try await dynamo(faults)
        let deps = CoreDependencies(store: store, gateway: NoGateway(), clock: TestClock(), ids: SequentialIDs(), events: RecordingEvents())
        let inbound = InboundProcessor(deps, settings: CoreSettings(environment: "test", sendMode: .dryRun, allowlist: ["phone-number-id-aaa"],
                                                                    metaApiVersion: "v20.0", smsPoolId: "p", emailSender: "e", mediaBucket: "b",
                                                                    incomingPrefix: "in/", outgoingPrefix: "out/"))
        // Two senders' messages race on nothing here; the conflicts are injected on the transaction itself.
        faults.inject(.transactionConflict, on: "TransactWriteItems", count: 2)
        let first = try await inbound.process(Self.event(wamid: "wamid.A"), eventID: "sns-A")
        XCTAssertEqual(first.stored, ["wamid.A"], "retried past two conflicts")

        faults.inject(.transactionConflict, on: "TransactWriteItems", count: 1000)
        do {
            _ = try await inbound.process(Self.event(wamid: "wamid.B"), eventID: "sns-B")
            XCTFail("a conflict that persists fails the delivery")
        } catch {
            XCTAssertEqual(error.code, "INTERNAL", "not .invalid: the Lambda handler fails the invocation, so it is delivered again")
        }
        faults.clear()
        let dlq = try await store.dlqEntries(limit: 10, now: t0)
        XCTAssertEqual(dlq.count, 0, "nothing goes to the DLQ for a conflict")
        let again = try await inbound.process(Self.event(wamid: "wamid.B"), eventID: "sns-B")
        XCTAssertEqual(again.stored, ["wamid.B"], "the redelivery stores it")
    }

    func testConcurrentCreationsOfOneJobCreateItOnce() async throws {
        let (_, bulk) = try await dynamo(FaultyDynamoDB())
        let job = BulkJob(id: "idem-job", channel: .sms, status: .pending, content: BulkContent(text: "hi"), totalRecipients: 30, createdBy: "u",
                          createdAt: t0, updatedAt: t0)
        let won = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<5 { group.addTask { try await bulk.insertJob(job, contactIds: (0..<30).map { "c\($0)" }) } }
            return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        XCTAssertEqual(won, 1)
        let stored = try await bulk.job(id: "idem-job")
        XCTAssertEqual(stored?.totalRecipients, 30)
        let jobs = try await bulk.jobs(status: .pending)
        XCTAssertEqual(jobs.map(\.id), ["idem-job"], "the creation marker is no job")
    }

    func testAClaimAppliedButAnswered500IsRetriedByItsOwnerAndHolds() async throws {
        let faults = FaultyDynamoDB()
        let (_, bulk) = try await dynamo(faults)
        try await bulk.insertJob(BulkJob(id: "j500", channel: .sms, status: .inProgress, content: BulkContent(text: "hi"), totalRecipients: 1,
                                         createdBy: "u", createdAt: t0, updatedAt: t0), contactIds: ["c0"])
        faults.inject(.appliedThen500, on: "UpdateItem", count: 1)
        let claimed = try await bulk.claimRecipient(jobId: "j500", seq: 0, lease: Lease(owner: "w1", until: t0 + 60), at: t0)
        XCTAssertEqual(faults.injectedCounts[.appliedThen500], 1)
        XCTAssertTrue(claimed, "the client's retry finds its own claim")
        let other = try await bulk.claimRecipient(jobId: "j500", seq: 0, lease: Lease(owner: "w2", until: t0 + 60), at: t0)
        XCTAssertFalse(other)
    }

    static func event(wamid: String) -> String {
        let entry = #"{"changes":[{"field":"messages","value":{"contacts":[{"profile":{"name":"Diego"},"wa_id":"14255550150"}],"messages":[{"from":"14255550150","id":""# + wamid
            + #"","text":{"body":"hi"},"timestamp":"1795000000","type":"text"}],"messaging_product":"whatsapp","metadata":{"display_phone_number":"919330994400","phone_number_id":"831049713436137"}}}],"id":"1347766229904230"}"#
        let event: [String: Any] = [
            "context": ["MetaWabaIds": [["wabaId": "1347766229904230", "arn": "arn:aws:social-messaging:us-east-1:809904170947:waba/0aae"]],
                        "MetaPhoneNumberIds": [["metaPhoneNumberId": "831049713436137", "arn": "arn:aws:social-messaging:us-east-1:809904170947:phone-number-id/aaa"]]],
            "whatsAppWebhookEntry": entry, "aws_account_id": "809904170947", "message_timestamp": "2025-01-08T23:30:43.271279391Z",
        ]
        return String(data: try! JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]), encoding: .utf8)!
    }
}

/// A provider that is never called (DRY_RUN).
struct NoGateway: ChannelGateway {
    func wireBody(_ request: OutboundRequest) -> String { OutboundWire.body(request) }
    struct Called: Error {}
    func send(_ request: OutboundRequest) async throws -> String { throw Called() }
    func uploadWhatsAppMedia(phoneNumberId: String, bucket: String, key: String) async throws -> String { throw Called() }
    func downloadWhatsAppMedia(mediaId: String, phoneNumberId: String, bucket: String, key: String) async throws -> (mimeType: String, size: Int?) {
        throw Called()
    }
}
