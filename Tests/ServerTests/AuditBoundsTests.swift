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
        let rows = try await harness.store.audit(limit: 10, now: harness.now)
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
        for row in try await harness.store.audit(limit: 10, now: harness.now) {
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
        let rows = try await harness.store.audit(limit: 10, now: harness.now)
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
        XCTAssertEqual(AuditText.clean("Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig"), "Bearer [token]")
        XCTAssertEqual(AuditText.clean(String(repeating: "z", count: 400)).count, AuditText.maxDetails)
    }
}
