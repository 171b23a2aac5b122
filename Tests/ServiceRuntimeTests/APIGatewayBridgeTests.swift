import Channels
import CoreTestSupport
import Foundation
import LambdaRuntime
import MessagingCore
@testable import Server
@testable import ServiceRuntime
import XCTest

/// API Gateway events answered in process by the router `serve` runs, with the caller taken from the
/// claims the JWT authorizer verified: same routes, same role matrix, same audit, no socket.
final class APIGatewayBridgeTests: XCTestCase {
    let store = InMemoryStore()
    let clock = TestClock()

    func bridge() -> APIGatewayBridge {
        let deps = CoreDependencies(store: store, gateway: LocalChannelGatewayStub(), clock: clock, ids: SequentialIDs(), events: RecordingEvents())
        let settings = CoreSettings(environment: "preview", sendMode: .dryRun, allowlist: ["phone-number-id-aaa"], metaApiVersion: "v20.0",
                                    smsPoolId: "pool", emailSender: "one@wecare.digital", mediaBucket: "b", incomingPrefix: "in/", outgoingPrefix: "out/")
        return APIGatewayBridge(ServiceContext(deps: deps, settings: RuntimeSettings(settings), authenticator: .authorizerClaims, sns: nil, allowDevInbound: false))
    }

    /// An API Gateway v2 event as `LambdaEvent` decodes it: claims are strings, groups one bracketed string.
    func event(_ method: String, _ path: String, query: String = "", body: String = "", groups: String? = "[Operator]") throws -> LambdaEvent.HTTPRequestEvent {
        var object: [String: Any] = [
            "version": "2.0", "routeKey": "\(method) \(path)", "rawPath": path, "rawQueryString": query,
            "headers": ["content-type": "application/json", "host": "abc.execute-api.us-east-1.amazonaws.com"],
            "body": body, "isBase64Encoded": false,
            "requestContext": ["http": ["method": method, "path": path], "requestId": "req-1"] as [String: Any],
        ]
        if let groups {
            var context = object["requestContext"] as! [String: Any]
            context["authorizer"] = ["jwt": ["claims": ["sub": "user-1", "cognito:groups": groups, "token_use": "id", "exp": "1795003600"],
                                             "scopes": NSNull()]]
            object["requestContext"] = context
        }
        guard case .http(let http) = LambdaEvent.decode(try JSONSerialization.data(withJSONObject: object)) else {
            throw XCTSkip("not decoded as an HTTP event")
        }
        return http
    }

    func answer(_ data: Data) throws -> (status: Int, body: [String: Any], headers: [String: String]) {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let text = object["body"] as? String ?? ""
        let body = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return (object["statusCode"] as? Int ?? 0, body, object["headers"] as? [String: String] ?? [:])
    }

    func testAnOperatorCreatesAContactInProcess() async throws {
        let created = try answer(try await bridge().handle(try event("POST", "/api/contacts", body: #"{"name":"Asha","phone":"+91 93309 94400"}"#),
                                                             requestId: "inv-1"))
        XCTAssertEqual(created.status, 201)
        XCTAssertEqual(created.body["phone"] as? String, "+919330994400")
        XCTAssertEqual(created.headers["x-request-id"], "inv-1", "the invocation names the request")
        let audit = try await store.audit(limit: 10, now: clock.now())
        XCTAssertEqual(audit.map(\.userId), ["user-1"], "the caller is the authorizer's sub")
    }

    func testTheRoleComesFromTheBracketedGroupsClaim() async throws {
        let viewer = try answer(try await bridge().handle(try event("POST", "/api/contacts", body: #"{"phone":"+919330994400"}"#, groups: "[Viewer]"), requestId: "r"))
        XCTAssertEqual(viewer.status, 403)
        XCTAssertEqual((viewer.body["error"] as? [String: Any])?["code"] as? String, "FORBIDDEN")
        let both = try answer(try await bridge().handle(try event("GET", "/api/me", groups: "[Viewer Admin]"), requestId: "r"))
        XCTAssertEqual(both.body["role"] as? String, "Admin", "the highest of the user's groups")
        let forbidden = try await store.audit(limit: 10, now: clock.now()).filter { $0.outcome == "forbidden" }
        XCTAssertEqual(forbidden.count, 1, "a refusal is audited as in serve")
    }

    func testNoClaimsIsUnauthenticated() async throws {
        let anonymous = try answer(try await bridge().handle(try event("GET", "/api/contacts", groups: nil), requestId: "r"))
        XCTAssertEqual(anonymous.status, 401)
    }

    func testQueryPathParametersAndUnknownRoutes() async throws {
        let b = bridge()
        _ = try await b.handle(try event("POST", "/api/contacts", body: #"{"name":"Asha","phone":"+919330994400","optInSms":true}"#), requestId: "r")
        let found = try answer(try await b.handle(try event("GET", "/api/contacts", query: "q=asha"), requestId: "r"))
        XCTAssertEqual((found.body["contacts"] as? [[String: Any]])?.count, 1)
        let id = try XCTUnwrap((found.body["contacts"] as? [[String: Any]])?.first?["id"] as? String)
        let sms = try answer(try await b.handle(try event("POST", "/api/messages/sms", body: "{\"contactId\":\"\(id)\",\"text\":\"hi\"}"), requestId: "r"))
        XCTAssertEqual(sms.status, 201, "the per-channel route of the outbound functions")
        XCTAssertEqual(sms.body["status"] as? String, "dry_run")
        XCTAssertEqual(sms.body["channel"] as? String, "sms")
        let unknown = try answer(try await b.handle(try event("GET", "/api/nothing"), requestId: "r"))
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual((unknown.body["error"] as? [String: String])?["code"], "NOT_FOUND", "a JSON error, like every other")
        XCTAssertEqual(unknown.headers["x-request-id"], "r")
        let wrongMethod = try answer(try await b.handle(try event("DELETE", "/api/messages"), requestId: "r2"))
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertEqual(wrongMethod.headers["allow"], "GET, POST")
        XCTAssertEqual(wrongMethod.headers["x-request-id"], "r2")
        let loose = try answer(try await b.handle(try event("PATCH", "/api/contacts/\(id)", body: #"{"optInSms":0}"#), requestId: "r3"))
        XCTAssertEqual(loose.status, 400, "the Lambda front door decodes as strictly as serve")
    }

    func testClaimLists() {
        XCTAssertEqual(AuthorizerClaims.list("[Admin Operator]"), ["Admin", "Operator"])
        XCTAssertEqual(AuthorizerClaims.list("Viewer"), ["Viewer"])
        XCTAssertEqual(AuthorizerClaims.list(#"["Admin","Viewer"]"#), ["Admin", "Viewer"])
        XCTAssertEqual(AuthorizerClaims.list(""), [])
    }
}

struct LocalChannelGatewayStub: ChannelGateway {
    func wireBody(_ request: OutboundRequest) -> String { OutboundWire.body(request) }
    func send(_ request: OutboundRequest) async throws -> String { "provider-id" }
    func uploadWhatsAppMedia(phoneNumberId: String, bucket: String, key: String) async throws -> String { "media-id" }
    func downloadWhatsAppMedia(mediaId: String, phoneNumberId: String, bucket: String, key: String) async throws -> (mimeType: String, size: Int?) { ("image/jpeg", 1) }
}
