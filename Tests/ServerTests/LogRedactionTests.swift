import Foundation
import Hummingbird
import HummingbirdTesting
@testable import MessagingCore
@testable import Server
import XCTest

/// Nothing the service logs while serving holds a phone number or a bearer token (issue 15).
final class LogRedactionTests: XCTestCase {
    final class Recording: EventSink, @unchecked Sendable {
        let lock = NSLock()
        var lines: [String] = []
        func keeps(_ level: EventLevel) -> Bool { true }
        func record(_ level: EventLevel, _ event: String, _ fields: [String: String]) {
            lock.withLock { lines.append(event + " " + fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) }
        }
    }

    func testRequestsRefusalsAndConflictsLogNoPhoneOrToken() async throws {
        let log = Recording()
        var harness = ServerHarness()
        harness.events = log
        try await harness.store.insertContact(Contact(id: "c1", name: "A", phone: "+919330994400", email: nil, createdAt: harness.now, updatedAt: harness.now))
        let op = try await harness.token(["Operator"])
        try await harness.app().test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(op)"]
            try await client.execute(uri: "/api/contacts", method: .post, headers: auth, body: ByteBuffer(string: #"{"phone":"+91 93309 94400"}"#)) {
                XCTAssertEqual($0.status, .conflict)
            }
            try await client.execute(uri: "/api/messages", method: .post, headers: auth, body: ByteBuffer(string: #"{"channel":"sms","contactId":"c1","text":"hi"}"#)) {
                XCTAssertEqual($0.status, .unprocessableContent, "no SMS opt-in")
            }
            try await client.execute(uri: "/api/contacts?q=9330994400", method: .get, headers: auth) { XCTAssertEqual($0.status, .ok) }
            try await client.execute(uri: "/api/contacts", method: .get, headers: [.authorization: "Bearer \(op)x"]) { XCTAssertEqual($0.status, .unauthorized) }
        }
        XCTAssertFalse(log.lines.isEmpty, "requests are logged")
        for line in log.lines {
            XCTAssertFalse(line.contains("9330994400") || line.contains("93309 94400"), line)
            XCTAssertFalse(line.contains(String(op.prefix(20))), line)
        }
    }
}
