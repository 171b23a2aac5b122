import Channels
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTKit
@testable import MessagingCore
@testable import Server
import Stores
import XCTest

/// The HTTP API with Cognito-style RS256 tokens checked against a JWKS: the role × route matrix,
/// every way a token can be bad, the audit of refusals, and the OpenAPI document against the routes.
final class ServerTests: XCTestCase {
    typealias Claims = ServerHarness.Claims
    static let issuer = ServerHarness.issuer
    let harness = ServerHarness()
    var store: InMemoryStore { harness.store }
    var now: Date { harness.now }

    func token(_ groups: [String], use: String = "id", iss: String = issuer, expiresIn: TimeInterval = 3600, aud: String = "client-1") async throws -> String {
        try await harness.token(groups, use: use, iss: iss, expiresIn: expiresIn, aud: aud)
    }

    func app() async throws -> some ApplicationProtocol { try await harness.app() }

    struct StubLinks: MediaLinkSigner {
        func link(bucket: String, key: String) throws -> URL { URL(string: "https://\(bucket).s3.amazonaws.com/\(key)?X-Amz-Expires=3600")! }
    }

    func testMessagesCarryOneHourMediaLinks() async throws {
        let m = Message(id: "m1", contactId: "c1", channel: .whatsapp, direction: .inbound, status: .received, kind: "image", content: nil,
                        timestamp: now, s3Key: "in/m1.jpg", expiresAt: Int(now.timeIntervalSince1970) + 100)
        _ = try await store.insertMessage(m)
        let viewer = try await token(["Viewer"])
        try await app().test(.router) { client in
            try await client.execute(uri: "/api/messages?contactId=c1", method: .get, headers: [.authorization: "Bearer \(viewer)"]) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertTrue(String(buffer: response.body).contains(#""mediaUrl":"https:\/\/b.s3.amazonaws.com\/in\/m1.jpg?X-Amz-Expires=3600""#), String(buffer: response.body))
            }
        }
    }

    func testRoleByRouteMatrix() async throws {
        let contact = Contact(id: "c1", name: "A", phone: "+919330994400", email: nil, createdAt: now, updatedAt: now)
        try await store.insertContact(contact)
        let tokens = [Role.viewer: try await token(["Viewer"]), .operator: try await token(["Operator"]), .admin: try await token(["Admin", "Viewer"])]
        let store = self.store
        try await app().test(.router) { client in
            for route in Routes.documented {
                guard let permission = route.operation else { continue }
                let path = route.path.replacingOccurrences(of: "{id}", with: "c1").replacingOccurrences(of: "{channel}", with: "sms") + (route.path == "/api/messages" && route.method == "GET" ? "?contactId=c1" : "")
                // No bulk job "c1" exists: allowed roles get past auth to a 404 there.
                let missingIsFine = route.path.hasPrefix("/api/bulk/jobs/")
                for role in Role.allCases {
                    try await store.updateContact(contact)  // undo an earlier role's delete
                    let status = try await client.execute(uri: path, method: HTTPRequest.Method(rawValue: route.method)!,
                                                          headers: [.authorization: "Bearer \(tokens[role]!)"], body: ByteBuffer(string: "{}")) { $0.status }
                    if permission.allowed(for: role) {
                        XCTAssertFalse([401, 403].contains(status.code) || (status.code == 404 && !missingIsFine), "\(route.method) \(route.path) as \(role): \(status)")
                    } else {
                        XCTAssertEqual(status, .forbidden, "\(route.method) \(route.path) as \(role)")
                    }
                }
            }
        }
        let denied = try await store.audit(limit: 1000, now: now).filter { $0.outcome == "forbidden" }
        XCTAssertFalse(denied.isEmpty, "403s are written to the audit log")
    }

    func testBulkJobsOverHTTP() async throws {
        var ids: [String] = []
        for i in 0..<21 {
            let c = Contact(id: "b\(i)", name: "B\(i)", phone: "+9193309944\(String(format: "%02d", i))", email: nil, optInSms: true, createdAt: now, updatedAt: now)
            try await store.insertContact(c)
            ids.append(c.id)
        }
        let op = try await token(["Operator"])
        let auth: HTTPFields = [.authorization: "Bearer \(op)"]
        let body = try JSONSerialization.data(withJSONObject: ["channel": "sms", "contactIds": ids, "text": "hello"])
        try await app().test(.router) { client in
            let id = try await client.execute(uri: "/api/bulk/jobs", method: .post, headers: auth, body: ByteBuffer(bytes: body)) { response in
                XCTAssertEqual(response.status, .accepted, "21 recipients wait for a confirmation")
                let job = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
                XCTAssertEqual(job["status"] as? String, "pending")
                XCTAssertEqual(job["needsConfirmation"] as? Bool, true)
                return job["id"] as! String
            }
            try await client.execute(uri: "/api/bulk/jobs/\(id)/confirm", method: .post, headers: auth) { XCTAssertEqual($0.status, .ok) }
            try await client.execute(uri: "/api/bulk/jobs/\(id)", method: .put, headers: auth, body: ByteBuffer(string: #"{"action":"stop"}"#)) {
                XCTAssertEqual($0.status, .badRequest)
                XCTAssertTrue(String(buffer: $0.body).contains("pause, resume, cancel"))
            }
            try await client.execute(uri: "/api/bulk/jobs/\(id)", method: .put, headers: auth, body: ByteBuffer(string: #"{"action":"cancel"}"#)) {
                XCTAssertEqual($0.status, .ok)
                XCTAssertTrue(String(buffer: $0.body).contains(#""cancelled":21"#), String(buffer: $0.body))
            }
            try await client.execute(uri: "/api/bulk/jobs/\(id)/report", method: .get, headers: auth) {
                XCTAssertEqual($0.status, .ok)
                XCTAssertTrue(String(buffer: $0.body).contains(#""status": "cancelled""#))
            }
            try await client.execute(uri: "/api/bulk/jobs", method: .post, headers: auth, body: ByteBuffer(string: #"{"channel":"sms","text":"x"}"#)) {
                XCTAssertEqual($0.status, .badRequest)
            }
        }
    }

    func testBadTokensAre401AndAudited() async throws {
        let good = try await token(["Operator"])
        var tampered = Array(good)
        let i = tampered.count - 5
        tampered[i] = tampered[i] == "A" ? "B" : "A"
        let cases: [(String, String?)] = [
            ("missing", nil),
            ("expired", try await token(["Operator"], expiresIn: -60)),
            ("wrong issuer", try await token(["Operator"], iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OTHER")),
            ("wrong token_use", try await token(["Operator"], use: "refresh")),
            ("other app client", try await token(["Operator"], aud: "client-2")),
            ("no role group", try await token(["Guests"])),
            ("tampered", String(tampered)),
            ("not a JWT", "abc.def"),
        ]
        let access = try await token(["Viewer"], use: "access")
        try await app().test(.router) { client in
            for (name, token) in cases {
                let headers: HTTPFields = token.map { [.authorization: "Bearer \($0)"] } ?? [:]
                try await client.execute(uri: "/api/contacts", method: .get, headers: headers) { response in
                    XCTAssertEqual(response.status, .unauthorized, name)
                    XCTAssertTrue(String(buffer: response.body).hasPrefix(#"{"error":{"code":"UNAUTHENTICATED","message":"#), name)
                }
            }
            try await client.execute(uri: "/api/contacts", method: .get, headers: [.authorization: "Bearer \(access)"]) { XCTAssertEqual($0.status, .ok) }
        }
        let unauthenticated = try await store.audit(limit: 100, now: now).filter { $0.outcome == "unauthenticated" }
        XCTAssertEqual(unauthenticated.count, cases.count)
    }

    func testErrorsHaveTheOneShapeAndTheRightStatus() async throws {
        let op = try await token(["Operator"])
        try await app().test(.router) { client in
            try await client.execute(uri: "/api/contacts", method: .post, headers: [.authorization: "Bearer \(op)"], body: ByteBuffer(string: #"{"name":"x"}"#)) {
                XCTAssertEqual($0.status, .badRequest)
                XCTAssertEqual(String(buffer: $0.body), #"{"error":{"code":"INVALID_REQUEST","message":"a contact needs a phone number or an email address (Req 2.2)"}}"#)
            }
            try await client.execute(uri: "/api/contacts/nope", method: .get, headers: [.authorization: "Bearer \(op)"]) { XCTAssertEqual($0.status, .notFound) }
            try await client.execute(uri: "/api/messages", method: .post, headers: [.authorization: "Bearer \(op)"],
                                     body: ByteBuffer(string: #"{"channel":"whatsapp","contactId":"nope","text":"hi"}"#)) {
                XCTAssertEqual($0.status, .unprocessableContent)
                XCTAssertTrue(String(buffer: $0.body).contains("CONTACT_NOT_FOUND"))
            }
        }
    }

    func testOpenAPIDocumentsEveryRoute() async throws {
        let doc = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json().utf8)) as! [String: Any]
        XCTAssertEqual(doc["openapi"] as? String, "3.1.0")
        let paths = doc["paths"] as! [String: [String: Any]]
        let documented = Set(paths.flatMap { path, ops in ops.keys.map { "\($0.uppercased()) \(path)" } })
        XCTAssertEqual(documented, Set(Routes.documented.map { "\($0.method) \($0.path)" }))
        try await app().test(.router) { client in
            for route in Routes.documented {
                let status = try await client.execute(uri: route.path.replacingOccurrences(of: "{id}", with: "x"),
                                                      method: HTTPRequest.Method(rawValue: route.method)!) { $0.status }
                XCTAssertNotEqual(status, .notFound, "\(route.method) \(route.path) is documented but not routed")
            }
        }
    }

    /// The contact bodies' phone and email fields carry the core's own rules as patterns (which
    /// `FieldPatternTests` hold to the core), so a client, and schemathesis, know what is a phone
    /// number: a value the pattern takes is stored, one it refuses answers 400.
    func testContactFieldsCarryTheCoresPatterns() async throws {
        let doc = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json().utf8)) as! [String: Any]
        let schemas = (doc["components"] as! [String: Any])["schemas"] as! [String: [String: Any]]
        for body in ["CreateContactBody", "UpdateContactBody"] {
            let properties = schemas[body]!["properties"] as! [String: [String: Any]]
            XCTAssertEqual(properties["phone"]?["pattern"] as? String, PhoneNumber.pattern, body)
            XCTAssertEqual(properties["email"]?["pattern"] as? String, EmailAddress.pattern, body)
        }
        let op = try await token(["Operator"])
        let auth: HTTPFields = [.authorization: "Bearer \(op)"]
        try await app().test(.router) { client in
            for (body, status) in [(#"{"phone":" (+91) 93309-94400 "}"#, HTTPResponse.Status.created), (#"{"phone":"+91 933"}"#, .badRequest),
                                   (#"{"email":" Asha@Example.com"}"#, .created), (#"{"email":"a@@b.c"}"#, .badRequest)] {
                try await client.execute(uri: "/api/contacts", method: .post, headers: auth, body: ByteBuffer(string: body)) {
                    XCTAssertEqual($0.status, status, body)
                }
            }
        }
    }

    func testLocalDevelopmentTokens() async throws {
        let secret = Data(repeating: 7, count: 32)
        let verifier = await TokenVerifier.local(secret: secret)
        let token = try await TokenVerifier.localToken(secret: secret, role: .admin)
        let caller = try await verifier.verify(authorization: "Bearer \(token)")
        XCTAssertEqual(caller.role, .admin)
        let other = await TokenVerifier.local(secret: Data(repeating: 8, count: 32))
        do {
            _ = try await other.verify(authorization: "Bearer \(token)")
            XCTFail("a token signed with another key verified")
        } catch {}
    }
}

struct FixedClock: MessagingCore.Clock { let date: Date; func now() -> Date { date } }
struct NoEvents: EventSink { func record(_ level: EventLevel, _ event: String, _ fields: [String: String]) {} }
struct LocalGatewayStub: ChannelGateway {
    func wireBody(_ request: OutboundRequest) -> String { OutboundWire.body(request) }
    func send(_ request: OutboundRequest) async throws -> String { "x" }
    func uploadWhatsAppMedia(phoneNumberId: String, bucket: String, key: String) async throws -> String { "m" }
    func downloadWhatsAppMedia(mediaId: String, phoneNumberId: String, bucket: String, key: String) async throws -> (mimeType: String, size: Int?) { ("image/jpeg", 1) }
}
