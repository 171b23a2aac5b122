import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import MessagingCore
@testable import Server
import XCTest

/// Every JSON answer the handlers give, checked against the schema `/openapi.json` declares for it: the
/// document is read from the answer types, so this catches a handler that encodes something else.
final class ResponseSchemaTests: XCTestCase {
    let harness = ServerHarness()

    func testEveryJSONAnswerHasASchemaOfItsOwn() {
        // The two whose answer is not one type: the document itself and a bulk report (its format is the stored report's).
        let untyped = Set(["GET /openapi.json", "GET /api/bulk/jobs/{id}/report", "GET /metrics", "DELETE /api/contacts/{id}",
                           "DELETE /api/bulk/jobs/{id}", "POST /webhooks/sns", "GET /api/events"])
        for route in Routes.documented where !untyped.contains("\(route.method) \(route.path)") {
            XCTAssertNotNil(route.response, "\(route.method) \(route.path) declares no answer type")
        }
    }

    func testAnswersMatchTheirDocumentedSchemas() async throws {
        let admin = try await harness.token(["Admin"])
        let store = harness.store
        let now = harness.now
        await store.insertDLQ(DLQEntry(id: "d1", originalMessageId: "m1", queue: "inbound", payload: "{}", error: "x", retryCount: 0,
                                       lastAttemptAt: now, expiresAt: 2_000_000_000))
        let answers = Answers()
        try await harness.app().test(.router) { client in
            @discardableResult
            func call(_ method: HTTPRequest.Method, _ uri: String, _ path: String, _ body: String? = nil) async throws -> [String: Any] {
                try await client.execute(uri: uri, method: method, headers: [.authorization: "Bearer \(admin)", .contentType: "application/json"],
                                         body: body.map { ByteBuffer(string: $0) }) { response in
                    XCTAssertTrue(response.status.code < 300, "\(method) \(uri): \(response.status.code) \(String(buffer: response.body))")
                    let data = Data(buffer: response.body)
                    answers.add(method.rawValue.lowercased(), uri, path, String(response.status.code), data)
                    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
                }
            }
            try await call(.get, "/healthz", "/healthz")
            try await call(.get, "/api/me", "/api/me")
            let contact = try await call(.post, "/api/contacts", "/api/contacts",
                                         #"{"name":"Asha","phone":"+919330994400","email":"a@example.com","optInWhatsApp":true,"optInSms":true}"#)
            let id = try XCTUnwrap(contact["id"] as? String)
            // An inbound message with typed content, so that a message page shows every optional part.
            var inbound = Message(id: "in-1", contactId: id, channel: .whatsapp, direction: .inbound, status: .received, kind: "location", content: "HQ",
                                  timestamp: now, whatsappMessageId: "wamid.1", phoneNumberId: "phone-number-id-aaa", expiresAt: 2_000_000_000)
            inbound.inbound = InboundDetails(content: .location(location: InboundLocation(latitude: 1, longitude: 2, name: "HQ")),
                                             context: ReplyContext(id: "wamid.0", from: "15550783881"), referral: nil, metaPhoneNumberId: "1065",
                                             displayPhoneNumber: "15550783881")
            _ = try await store.insertMessage(inbound)
            try await call(.get, "/api/contacts?q=Asha", "/api/contacts")
            try await call(.get, "/api/contacts/\(id)", "/api/contacts/{id}")
            try await call(.patch, "/api/contacts/\(id)", "/api/contacts/{id}", #"{"email":null}"#)
            try await call(.post, "/api/messages", "/api/messages", #"{"contactId":"\#(id)","channel":"sms","text":"hi"}"#)
            try await call(.post, "/api/messages/sms", "/api/messages/{channel}", #"{"contactId":"\#(id)","text":"hi"}"#)
            try await call(.get, "/api/messages?contactId=\(id)", "/api/messages")
            let job = try await call(.post, "/api/bulk/jobs", "/api/bulk/jobs", #"{"channel":"sms","contactIds":["\#(id)"],"text":"hi"}"#)
            let jobId = try XCTUnwrap(job["id"] as? String)
            try await call(.get, "/api/bulk/jobs/\(jobId)", "/api/bulk/jobs/{id}")
            try await call(.put, "/api/bulk/jobs/\(jobId)", "/api/bulk/jobs/{id}", #"{"action":"cancel"}"#)
            try await call(.get, "/api/dlq", "/api/dlq")
            try await call(.post, "/api/dlq/replay", "/api/dlq/replay", #"{"ids":["d1"]}"#)
            try await call(.get, "/api/audit", "/api/audit")
            try await call(.get, "/api/config", "/api/config")
            try await call(.put, "/api/config", "/api/config", #"{"autoAcknowledge":true}"#)
        }
        let doc = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json().utf8)) as! [String: Any]
        let schemas = (doc["components"] as! [String: Any])["schemas"] as! [String: Any]
        let paths = doc["paths"] as! [String: [String: [String: Any]]]
        let all = answers.all
        XCTAssertEqual(all.count, 17)
        for a in all {
            let content = ((paths[a.path]?[a.method]?["responses"] as? [String: Any])?[a.status] as? [String: Any])?["content"] as? [String: Any]
            let schema = try XCTUnwrap((content?["application/json"] as? [String: Any])?["schema"] as? [String: Any], "\(a.method) \(a.path) \(a.status)")
            let value = try JSONSerialization.jsonObject(with: a.body)
            XCTAssertEqual(SchemaCheck(schemas: schemas).problems(value, schema, at: "$"), [], "\(a.method) \(a.uri)")
        }
    }

    /// The answers a test collected, in order.
    final class Answers: @unchecked Sendable {
        struct Answer { var method, uri, path, status: String; var body: Data }
        private let lock = NSLock()
        private var answers: [Answer] = []
        func add(_ method: String, _ uri: String, _ path: String, _ status: String, _ body: Data) {
            lock.withLock { answers.append(Answer(method: method, uri: uri, path: path, status: status, body: body)) }
        }
        var all: [Answer] { lock.withLock { answers } }
    }

    func testTheCheckFindsAnAnswerThatDoesNotMatch() {
        let schemas: [String: Any] = ["T": ["type": "object", "required": ["a"], "properties": ["a": ["type": "string"], "b": ["type": "array", "items": ["type": "integer"]]]]]
        let check = SchemaCheck(schemas: schemas)
        XCTAssertEqual(check.problems(["a": "x", "b": [1, 2]], ["$ref": "#/components/schemas/T"], at: "$"), [])
        XCTAssertEqual(check.problems(["b": [1, "2"]], ["$ref": "#/components/schemas/T"], at: "$"), ["$: 'a' is required", "$.b[1]: expected integer"])
    }
}

/// The part of JSON Schema the document uses: $ref, type (or a list of types), properties, required,
/// additionalProperties false, items and enum.
struct SchemaCheck {
    let schemas: [String: Any]

    func problems(_ value: Any, _ schema: [String: Any], at path: String) -> [String] {
        if let ref = schema["$ref"] as? String {
            guard let target = schemas[String(ref.split(separator: "/").last!)] as? [String: Any] else { return ["\(path): unknown \(ref)"] }
            return problems(value, target, at: path)
        }
        let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if !types.isEmpty, !types.contains(where: { matches(value, $0) }) { return ["\(path): expected \(types.joined(separator: " or "))"] }
        if let allowed = schema["enum"] as? [String], let s = value as? String, !allowed.contains(s) { return ["\(path): '\(s)' is not one of \(allowed)"] }
        var out: [String] = []
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            for key in (schema["required"] as? [String] ?? []) where object[key] == nil { out.append("\(path): '\(key)' is required") }
            for (key, v) in object.sorted(by: { $0.key < $1.key }) {
                if let p = properties[key] { out += problems(v, p, at: "\(path).\(key)") }
                else if schema["additionalProperties"] as? Bool == false { out.append("\(path): '\(key)' is not allowed") }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, v) in array.enumerated() { out += problems(v, items, at: "\(path)[\(i)]") }
        }
        return out
    }

    /// JSONSerialization answers true and false as NSNumber too; only their type name tells them from 1 and 0.
    func isBoolean(_ value: Any) -> Bool { (value as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? false }

    func matches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "boolean": return isBoolean(value)
        case "integer": return !isBoolean(value) && (value as? NSNumber).map { $0.doubleValue == $0.doubleValue.rounded() } ?? false
        case "number": return !isBoolean(value) && value is NSNumber
        default: return true
        }
    }
}
