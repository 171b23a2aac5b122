import Pipeline
import SpecDiff
import XCTest

/// Classification beyond the golden pairs: each assertion names the change a reviewer must not miss.
final class ClassificationTests: XCTestCase {
    func changes(_ edits: [Edit]) throws -> [Change] { try diff(edits).report.changes }

    func testPrefixMoveIsDataLossAndMovesTheGrant() throws {
        let c = try changes([Edit("specs/storage.yaml", "path: base-wecare-digital/reports/", "path: reports/")])
        let move = try XCTUnwrap(c.first { $0.resource == DiffResource("prefix", "reports") })
        XCTAssertEqual(move.risk, .dataLoss)
        XCTAssertEqual(move.environment, Change.allEnvironments)
        XCTAssertEqual(move.field, "path")
        // The role's object grant follows the prefix, per environment; no function variable is listed once per function.
        XCTAssertTrue(c.contains { $0.risk == .security && $0.resource == DiffResource("statement", "ReportsObjects") && $0.environment == "production" })
        XCTAssertFalse(c.contains { $0.field.hasPrefix("environment.") })
    }

    func testPrefixExpiryAddedIsDataLoss() throws {
        let c = try changes([Edit("specs/storage.yaml", "          # Kept: 000 says", "          expireAfter: 90d\n          # Kept: 000 says")])
        XCTAssertEqual(c.map(\.risk), [.dataLoss])
        XCTAssertEqual(c.first?.after, "90d")
    }

    func testTTLRetentionShortenedIsDataLoss() throws {
        let c = try changes([Edit("specs/tables.yaml", "ttl: { attribute: expiresAt, retention: 180d }", "ttl: { attribute: expiresAt, retention: 90d }")])
        XCTAssertEqual(c.filter { $0.field == "ttl.retention" }.map(\.risk), [.dataLoss])
    }

    func testRemovedQueueIsDataLoss() throws {
        let c = try changes([Edit("specs/observability.yaml", "queues: [inbound-dlq, outbound-dlq, bulk-dlq]", "queues: [inbound-dlq, bulk-dlq]")])
        XCTAssertTrue(c.contains { $0.resource == DiffResource("alarm", "dlq-depth/outbound-dlq") && $0.before != nil && $0.after == nil })
        XCTAssertEqual(Set(c.map(\.risk)), [.other])
    }

    func testAHandlersNeedsAreListed() throws {
        let c = try changes([Edit("specs/handlers.yaml", "    needs: [{ table: Contacts }]\n", "    needs: [{ table: Contacts }, { table: Messages }]\n")])
        let change = try XCTUnwrap(c.first { $0.resource == DiffResource("handler", "contacts.search") })
        XCTAssertEqual(change.field, "needs")
        XCTAssertEqual(change.before, "{ table: Contacts }")
        XCTAssertEqual(change.after, "{ table: Contacts }, { table: Messages }")
        XCTAssertEqual(change.risk, .other)
    }

    func testSecretReferenceIsSecurity() throws {
        let c = try changes([
            Edit("specs/existing.yaml", "  certificates:\n", "  secrets:\n    meta-app:\n      store: secretsmanager\n      name: wecare/meta-app-secret\n  certificates:\n"),
            Edit("specs/functions.yaml", "      WHATSAPP_EVENTS_TOPIC_ARN: { topic: whatsapp-events }\n",
                 "      WHATSAPP_EVENTS_TOPIC_ARN: { topic: whatsapp-events }\n      APP_SECRET_ARN: { secret: meta-app }\n"),
        ])
        XCTAssertTrue(c.contains { $0.risk == .security && $0.resource == DiffResource("secret", "meta-app") })
        XCTAssertTrue(c.contains { $0.risk == .security && $0.field == "environment.APP_SECRET_ARN" && $0.after == "{ secret: meta-app }" })
    }

    /// Issue 14: staging losing its own test topic subscribes its inbound handler to production's live topic.
    func testASubscriptionMovingToProductionsTopicIsSecurity() throws {
        let c = try changes([Edit("environments/staging.yaml", "    - { topic: whatsapp-events, by: whatsapp-test-events }\n", "")])
        let moved = try XCTUnwrap(c.first { $0.resource == DiffResource("subscription", "inbound-whatsapp-handler") && $0.field == "TopicArn" })
        XCTAssertEqual(moved.risk, .security)
        XCTAssertEqual(moved.environment, "staging")
        XCTAssertEqual(moved.after, "arn:aws:sns:us-east-1:809904170947:base-wecare-digital")
    }

    func testHardwiredSendModeNamesTheFunctionsChannels() throws {
        let c = try changes([Edit("specs/functions.yaml", "      SMS_POOL_ID: { smsPool: wecare }\n      RATE_LIMIT_TABLE",
                                  "      SMS_POOL_ID: { smsPool: wecare }\n      SEND_MODE: LIVE\n      RATE_LIMIT_TABLE")])
        let change = try XCTUnwrap(c.first { $0.field == "environment.SEND_MODE" })
        XCTAssertEqual(change.risk, .sendMode)
        XCTAssertEqual(change.channels, ["sms"])
    }

    func testRouteWithoutAuthorizerIsSecurityAndNewRouteIsOther() throws {
        let c = try changes([Edit("specs/functions.yaml", #"routes: ["GET /api/contacts"]"#, #"routes: ["GET /api/contacts", "GET /api/contacts/export"]"#)])
        XCTAssertTrue(c.contains { $0.resource == DiffResource("route", "GET /api/contacts/export") && $0.risk == .other && $0.environment == Change.allEnvironments })
    }

    func testProductionBranchIsSendModeOnEveryChannel() throws {
        let c = try changes([Edit("environments/production.yaml", #"branches: [main, "hotfix/*"]"#, #"branches: [main, "hotfix/*", "release/*"]"#)])
        let change = try XCTUnwrap(c.first { $0.resource == DiffResource("environment", "production") })
        XCTAssertEqual(change.risk, .sendMode)
        XCTAssertEqual(change.channels, ["whatsapp", "sms", "email"])
        XCTAssertTrue(change.why.contains("SEND_MODE=LIVE"), change.why)
    }
}
