import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import MessagingCore
@testable import Server
import XCTest

/// The typed API contract: bodies decoded strictly from their types, the OpenAPI document read from the
/// same types and the route table, and JSON errors with the request id on every path (issue 15, "the
/// API's types are loose").
final class APIContractTests: XCTestCase {
    let harness = ServerHarness()


    func testOneIsNotConsent() async throws {
        let op = try await harness.token(["Operator"])
        let store = harness.store
        try await harness.app().test(.router) { client in
            try await client.execute(uri: "/api/contacts", method: .post, headers: [.authorization: "Bearer \(op)"],
                                     body: body(#"{"name":"Asha","phone":"+919330994400","optInWhatsApp":1}"#)) {
                XCTAssertEqual($0.status, .badRequest)
                XCTAssertEqual(String(buffer: $0.body), #"{"error":{"code":"INVALID_REQUEST","message":"'optInWhatsApp' must be true or false"}}"#)
            }
            try await client.execute(uri: "/api/contacts", method: .post, headers: [.authorization: "Bearer \(op)"],
                                     body: body(#"{"name":"Asha","phone":"+919330994400","optInWhatsap":true}"#)) {
                XCTAssertEqual($0.status, .badRequest, "a misspelled opt-in is refused, not taken as no consent")
                XCTAssertTrue(String(buffer: $0.body).contains("unknown field 'optInWhatsap'"), String(buffer: $0.body))
            }
        }
        let created = await store.searchContacts("Asha", limit: 10)
        XCTAssertTrue(created.isEmpty, "no contact was created")
    }

    func testReplayRefusesWrongTypesAndUnknownKeysAndReplaysNothing() async throws {
        let store = harness.store
        for i in 0..<3 {
            await store.insertDLQ(DLQEntry(id: "d\(i)", originalMessageId: "m\(i)", queue: "inbound", payload: "{}", error: "x", retryCount: 0,
                                               lastAttemptAt: harness.now, expiresAt: Int(harness.now.timeIntervalSince1970) + 1000))
        }
        let op = try await harness.token(["Operator"])
        try await harness.app().test(.router) { client in
            for (bad, why) in [(#"{"ids":[123]}"#, "'ids[0]' must be a string"), (#"{"idz":["d0"]}"#, "unknown field 'idz'"),
                               (#"{"ids":"d0"}"#, "'ids'"), (#"{"limit":"5"}"#, "'limit' must be an integer"), (#"{"limit":null}"#, "'limit' must not be null"), (#"{"limit":0}"#, "between 1 and 100"),
                               ("[]", "JSON object"), ("", "must be JSON")] {
                try await client.execute(uri: "/api/dlq/replay", method: .post, headers: [.authorization: "Bearer \(op)"], body: body(bad)) {
                    XCTAssertEqual($0.status, .badRequest, bad)
                    XCTAssertTrue(String(buffer: $0.body).contains(why), "\(bad): \(String(buffer: $0.body))")
                }
            }
        }
        let left = await store.dlqEntries(limit: 10, now: harness.now)
        XCTAssertEqual(left.map(\.retryCount), [0, 0, 0], "nothing was replayed")
    }

    func testNestedObjectsRefuseUnknownKeysToo() async throws {
        let op = try await harness.token(["Operator"])
        try await harness.app().test(.router) { client in
            try await client.execute(uri: "/api/messages", method: .post, headers: [.authorization: "Bearer \(op)"],
                                     body: body(#"{"channel":"whatsapp","contactId":"c","template":{"name":"t","paramaters":["1"]}}"#)) {
                XCTAssertEqual($0.status, .badRequest)
                XCTAssertTrue(String(buffer: $0.body).contains("unknown field 'template.paramaters'"), String(buffer: $0.body))
            }
            try await client.execute(uri: "/api/bulk/jobs", method: .post, headers: [.authorization: "Bearer \(op)"],
                                     body: body(#"{"channel":"sms","filter":{"q":"a","optedInOnly":"no"},"text":"x"}"#)) {
                XCTAssertEqual($0.status, .badRequest)
                XCTAssertTrue(String(buffer: $0.body).contains("'filter.optedInOnly' must be true or false"), String(buffer: $0.body))
            }
            try await client.execute(uri: "/api/messages", method: .post, headers: [.authorization: "Bearer \(op)"],
                                     body: body(#"{"channel":"fax","contactId":"c","text":"x"}"#)) {
                XCTAssertEqual($0.status, .badRequest)
            }
            try await client.execute(uri: "/api/contacts?limit=many", method: .get, headers: [.authorization: "Bearer \(op)"]) {
                XCTAssertEqual($0.status, .badRequest, "a query parameter of the wrong type is refused")
            }
        }
    }

    func testAPatchTellsNullFromAbsent() async throws {
        let store = harness.store
        try await store.insertContact(Contact(id: "c1", name: "A", phone: "+919330994400", email: "a@example.com", createdAt: harness.now, updatedAt: harness.now))
        let op = try await harness.token(["Operator"])
        try await harness.app().test(.router) { client in
            try await client.execute(uri: "/api/contacts/c1", method: .patch, headers: [.authorization: "Bearer \(op)"], body: body(#"{"name":"B"}"#)) {
                XCTAssertEqual($0.status, .ok)
                XCTAssertEqual(json($0.body)["email"] as? String, "a@example.com", "absent leaves the field")
            }
            try await client.execute(uri: "/api/contacts/c1", method: .patch, headers: [.authorization: "Bearer \(op)"], body: body(#"{"email":null}"#)) {
                XCTAssertEqual($0.status, .ok)
                XCTAssertNil(json($0.body)["email"], "null clears it")
            }
        }
    }

    func testUnknownRoutesAndWrongMethodsAnswerJSONWithTheRequestId() async throws {
        try await harness.app().test(.router) { client in
            try await client.execute(uri: "/api/nothing", method: .get) {
                XCTAssertEqual($0.status, .notFound)
                XCTAssertEqual(json($0.body)["error"].flatMap { ($0 as? [String: String])?["code"] }, "NOT_FOUND", String(buffer: $0.body))
                XCTAssertNotNil($0.headers[requestId])
                XCTAssertEqual($0.headers[.contentType], "application/json")
            }
            try await client.execute(uri: "/api/config", method: .delete, headers: [requestId: "req-1"]) {
                XCTAssertEqual($0.status, .methodNotAllowed)
                XCTAssertEqual($0.headers[.allow], "GET, PUT")
                XCTAssertEqual($0.headers[requestId], "req-1")
                XCTAssertEqual(json($0.body)["error"].flatMap { ($0 as? [String: String])?["code"] }, "METHOD_NOT_ALLOWED")
            }
            try await client.execute(uri: "/api/contacts/c1", method: .post) {
                XCTAssertEqual($0.status, .methodNotAllowed)
                XCTAssertEqual($0.headers[.allow], "DELETE, GET, PATCH")
            }
        }
    }

    func testTheDocumentHasRealSchemasParametersAndEveryStatus() throws {
        let doc = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json().utf8)) as! [String: Any]
        let paths = doc["paths"] as! [String: [String: [String: Any]]]
        let schemas = (doc["components"] as! [String: Any])["schemas"] as! [String: [String: Any]]
        for route in Routes.documented {
            let op = try XCTUnwrap(paths[route.path]?[route.method.lowercased()], "\(route.method) \(route.path)")
            let responses = op["responses"] as! [String: Any]
            for status in route.statuses { XCTAssertNotNil(responses[String(status)], "\(route.method) \(route.path) answers \(status)") }
            if route.operation != nil { XCTAssertNotNil(responses["401"]); XCTAssertNotNil(responses["403"]) }
            if let body = route.body {
                let schema = try XCTUnwrap(schemas[String(describing: body)])
                XCTAssertEqual(schema["additionalProperties"] as? Bool, false, "\(body)")
                XCTAssertFalse((schema["properties"] as? [String: Any] ?? [:]).isEmpty, "\(body) has its properties")
            }
            let names = Set((op["parameters"] as? [[String: Any]] ?? []).compactMap { $0["in"] as? String == "path" ? $0["name"] as? String : nil })
            let inPath = Set(route.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
            XCTAssertEqual(names, inPath, "\(route.method) \(route.path)")
        }
        let statuses = Set(paths.values.flatMap(\.values).flatMap { ($0["responses"] as! [String: Any]).keys })
        XCTAssertTrue(statuses.isSuperset(of: ["201", "202", "204", "409", "422", "503"]), "\(statuses.sorted())")
        let contact = schemas["CreateContactBody"]!["properties"] as! [String: [String: Any]]
        XCTAssertEqual(contact["optInWhatsApp"]?["type"] as? String, "boolean")
        let send = schemas["SendMessageBody"]!
        XCTAssertEqual(send["required"] as? [String], ["contactId"])
        let channel = (send["properties"] as! [String: [String: Any]])["channel"]!
        XCTAssertEqual(channel["enum"] as? [String], ["whatsapp", "sms", "email"])
        let update = (schemas["UpdateContactBody"]!["properties"] as! [String: [String: Any]])["email"]!
        XCTAssertEqual(update["type"] as? [String], ["string", "null"], "a PATCH may clear the email")
        let replay = (schemas["DLQReplayBody"]!["properties"] as! [String: [String: Any]])["ids"]!
        XCTAssertEqual(replay["type"] as? String, "array")
        XCTAssertEqual((replay["items"] as? [String: String])?["type"], "string")
        let messages = paths["/api/messages"]!["get"]!["parameters"] as! [[String: Any]]
        XCTAssertEqual(messages.first { $0["name"] as? String == "contactId" }?["required"] as? Bool, true)
    }

    func testEveryRouteOfTheTableIsRouted() async throws {
        try await harness.app().test(.router) { client in
            for route in Routes.documented {
                let path = route.path.replacingOccurrences(of: "{id}", with: "x").replacingOccurrences(of: "{channel}", with: "sms")
                try await client.execute(uri: path, method: HTTPRequest.Method(rawValue: route.method)!) {
                    XCTAssertFalse(String(buffer: $0.body).contains("no route"), "\(route.method) \(route.path) is in the table but not routed")
                    XCTAssertNotEqual($0.status, .methodNotAllowed, "\(route.method) \(route.path)")
                }
            }
        }
    }
}

private func body(_ s: String) -> ByteBuffer { ByteBuffer(string: s) }

private func json(_ b: ByteBuffer) -> [String: Any] { (try? JSONSerialization.jsonObject(with: Data(buffer: b))) as? [String: Any] ?? [:] }

private let requestId = HTTPField.Name("X-Request-Id")!
