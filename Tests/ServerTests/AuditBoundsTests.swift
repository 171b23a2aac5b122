import CoreTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import MessagingCore
@testable import Server
import XCTest

/// Audit rows anyone can cause stay small, and hold no phone number or token (issue 15, "auth and abuse").
final class AuditBoundsTests: XCTestCase {
    let harness = ServerHarness()

    func testAnUnauthenticatedCallerWithA50KBIdAddsASmallRow() async throws {
        let huge = String(repeating: "x", count: 50_000)
        try await harness.app().test(.router) { client in
            try await client.execute(uri: "/api/contacts/\(huge)", method: .delete, headers: [.authorization: "Bearer \(huge)"]) {
                XCTAssertEqual($0.status, .unauthorized)
            }
        }
        let rows = await harness.store.audit(limit: 10, now: harness.now)
        XCTAssertEqual(rows.count, 1)
        let row = try XCTUnwrap(rows.first)
        XCTAssertLessThanOrEqual(row.details?.count ?? 0, AuditText.maxDetails)
        XCTAssertLessThanOrEqual(row.resourceId?.count ?? 0, AuditText.maxId)
        XCTAssertLessThan(try JSONEncoder().encode(row).count, 1_000, "the whole row")
    }

    func testAnAuthenticatedCallersLongIdIsCutToo() async throws {
        let op = try await harness.token(["Operator"])
        let long = String(repeating: "y", count: 5_000)
        try await harness.app().test(.router) { client in
            try await client.execute(uri: "/api/contacts/\(long)", method: .delete, headers: [.authorization: "Bearer \(op)"]) {
                XCTAssertEqual($0.status, .notFound)
            }
        }
        for row in await harness.store.audit(limit: 10, now: harness.now) {
            XCTAssertLessThanOrEqual(row.details?.count ?? 0, AuditText.maxDetails)
            XCTAssertLessThanOrEqual(row.resourceId?.count ?? 0, AuditText.maxId)
        }
    }

    func testAConflictDoesNotWriteThePhoneNumberIntoTheAuditLog() async throws {
        try await harness.store.insertContact(Contact(id: "c1", name: "A", phone: "+919330994400", email: nil, createdAt: harness.now, updatedAt: harness.now))
        let op = try await harness.token(["Operator"])
        try await harness.app().test(.router) { client in
            try await client.execute(uri: "/api/contacts", method: .post, headers: [.authorization: "Bearer \(op)"],
                                     body: ByteBuffer(string: #"{"name":"B","phone":"+91 93309 94400"}"#)) {
                XCTAssertEqual($0.status, .conflict)
            }
            // A token sent where no token belongs, e.g. in the path, is not kept either.
            try await client.execute(uri: "/api/contacts/\(op)", method: .delete, headers: [.authorization: "Bearer \(op)"]) { _ in }
        }
        let rows = await harness.store.audit(limit: 10, now: harness.now)
        XCTAssertFalse(rows.isEmpty)
        for row in rows {
            let text = (row.details ?? "") + " " + (row.resourceId ?? "")
            XCTAssertFalse(text.contains("9330994400"), text)
            XCTAssertFalse(text.contains(String(op.prefix(40))), text)
        }
    }

    func testTheCleaner() {
        XCTAssertEqual(AuditText.clean("a contact with phone +919330994400 already exists"), "a contact with phone +…00 already exists")
        XCTAssertEqual(AuditText.clean("DELETE /api/contacts/c1 → 204"), "DELETE /api/contacts/c1 → 204")
        // Identifiers keep their digits: random ids are not phone numbers (a UUID once lost its first
        // segment this way, so an audit row no longer named its resource).
        XCTAssertEqual(AuditText.clean("POST /api/ai/interactions/12345678-7741-4cae-a74e-46c1c89fe91d/approve"),
                       "POST /api/ai/interactions/12345678-7741-4cae-a74e-46c1c89fe91d/approve")
        XCTAssertEqual(AuditText.clean("b1671019-7741-4cae"), "b1671019-7741-4cae")
        XCTAssertEqual(AuditText.clean("to=+919330994400,"), "to=+…00,")
        XCTAssertEqual(AuditText.clean("Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig"), "Bearer [token]")
        XCTAssertEqual(AuditText.clean(String(repeating: "z", count: 400)).count, AuditText.maxDetails)
    }
}

/// Unauthenticated requests add audit rows at a bounded rate; the ones over it are counted in the next row.
final class AuditRateTests: XCTestCase {
    func testABurstOfUnauthenticatedRequestsAddsAtMostTheBudgetAndTheNextRowCountsTheRest() async throws {
        var harness = ServerHarness()
        let clock = TestClock(Date(timeIntervalSince1970: 1_795_000_000))
        harness.clock = clock
        harness.auditBudget = AuditBudget(perSecond: 2, burst: 5)
        let store = harness.store
        try await harness.app().test(.router) { client in
            for _ in 0..<40 {
                try await client.execute(uri: "/api/contacts", method: .get) { XCTAssertEqual($0.status, .unauthorized) }
            }
            var rows = await store.audit(limit: 100, now: clock.now())
            XCTAssertEqual(rows.count, 5, "the burst, no more")
            clock.advance(1)
            try await client.execute(uri: "/api/contacts", method: .get) { XCTAssertEqual($0.status, .unauthorized) }
            rows = await store.audit(limit: 100, now: clock.now())
            XCTAssertEqual(rows.count, 6)
            XCTAssertTrue(rows.contains { $0.details?.hasPrefix("35 more since the last such row") == true }, "\(rows.map(\.details))")
        }
    }

    func testTheBucketRefillsAtItsRate() {
        let budget = AuditBudget(perSecond: 1, burst: 2)
        let t = Date(timeIntervalSince1970: 0)
        XCTAssertEqual(budget.take(at: t).write, true)
        XCTAssertEqual(budget.take(at: t).write, true)
        XCTAssertEqual(budget.take(at: t).write, false)
        XCTAssertEqual(budget.take(at: t + 0.5).write, false)
        let next = budget.take(at: t + 1.6)
        XCTAssertEqual(next.write, true)
        XCTAssertEqual(next.folded, 2)
    }
}
