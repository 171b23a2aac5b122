import Pipeline
import Generators
@testable import SpecDiff
import SpecModel
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
        XCTAssertTrue(c.contains { $0.risk == .securityBroadening && $0.resource == DiffResource("statement", "ReportsObjects") && $0.environment == "production" })
        XCTAssertTrue(c.contains { $0.risk == .securityNarrowing && $0.resource == DiffResource("statement", "ReportsObjects") && $0.environment == "production" })
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

    /// A queue removed from the specs leaves the template: CloudFormation deletes it with its messages.
    func testRemovedQueueIsDataLoss() throws {
        let queues = try XCTUnwrap(try shippedSpecs().first { $0.path == "specs/queues.yaml" }).text
        let start = try XCTUnwrap(queues.range(of: "  outbound-dlq:\n"))
        // The queue's block: its key line and every line indented under it.
        let block = queues[start.lowerBound...].split(separator: "\n", omittingEmptySubsequences: false)
            .prefix { $0 == "  outbound-dlq:" || $0.hasPrefix("    ") }.joined(separator: "\n") + "\n"
        let c = try changes([Edit("specs/queues.yaml", block, "")])
        let removed = try XCTUnwrap(c.first { $0.resource == DiffResource("queue", "outbound-dlq") && $0.field == "resource" && $0.after == nil },
                                    "\(c.map { "\($0.risk) \($0.resource) \($0.field)" })")
        XCTAssertEqual(removed.risk, .dataLoss)
        XCTAssertEqual(removed.action, .remove)
        XCTAssertTrue(removed.why.contains("the messages in it are lost"), removed.why)
    }

    /// An alarm that stops watching a queue is a change to the alarms only.
    func testAnAlarmThatStopsWatchingAQueueIsOther() throws {
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
        XCTAssertTrue(c.contains { $0.risk == .securityBroadening && $0.resource == DiffResource("secret", "meta-app") })
        XCTAssertTrue(c.contains { $0.risk == .securityBroadening && $0.field == "environment.APP_SECRET_ARN" && $0.after == "{ secret: meta-app }" })
    }

    /// Issue 14: staging losing its own test topic subscribes its inbound handler to production's live topic.
    func testASubscriptionMovingToProductionsTopicIsSecurity() throws {
        let c = try changes([Edit("environments/staging.yaml", "    - { topic: whatsapp-events, by: whatsapp-test-events }\n", "")])
        let moved = try XCTUnwrap(c.first { $0.resource == DiffResource("subscription", "inbound-whatsapp-handler") && $0.field == "TopicArn" })
        XCTAssertEqual(moved.risk, .securityBroadening)
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

    func testANewRouteIsOther() throws {
        let c = try changes([Edit("specs/functions.yaml", #"routes: ["GET /api/contacts"]"#, #"routes: ["GET /api/contacts", "GET /api/contacts/export"]"#)])
        XCTAssertTrue(c.contains { $0.resource == DiffResource("route", "GET /api/contacts/export") && $0.risk == .other && $0.environment == Change.allEnvironments })
    }

    /// The specs give every route the authorizer; a template whose route lost it (edited by hand, or a generator
    /// bug) is what this compares: anyone may call that route now.
    func testARouteWithoutTheAuthorizerIsSecurityBroadening() throws {
        let platform = try XCTUnwrap(try CheckRun.run(files: try shippedSpecs(), today: testToday).platform)
        let staging = try XCTUnwrap(platform.environment("staging"))
        let template = CloudFormationGenerator.template(for: GeneratedView.template(platform, staging))
        guard case .object(var root) = template, case .object(var resources)? = root["Resources"],
              let routeID = resources.keys.sorted().first(where: { $0.hasPrefix("Route") }),
              case .object(var route)? = resources[routeID], case .object(var properties)? = route["Properties"] else {
            return XCTFail("no route in the staging template")
        }
        properties["AuthorizationType"] = .string("NONE")
        properties["AuthorizerId"] = nil
        route["Properties"] = .object(properties)
        resources[routeID] = .object(route)
        root["Resources"] = .object(resources)
        let base = DiffSide(label: "shipped", platform: platform, templates: ["staging": template], policies: [:])
        let head = DiffSide(label: "edited", platform: platform, templates: ["staging": .object(root)], policies: [:])
        let c = SpecDiff.compare(base: base, head: head).changes
        XCTAssertFalse(c.isEmpty)
        XCTAssertTrue(c.allSatisfy { $0.risk == .securityBroadening }, "\(c.map { "\($0.risk) \($0.field)" })")
        XCTAssertTrue(c.contains { $0.field == "AuthorizationType" && $0.after == "NONE" })
    }

    func testProductionBranchIsSendModeOnEveryChannel() throws {
        let c = try changes([Edit("environments/production.yaml", #"branches: [main, "hotfix/*"]"#, #"branches: [main, "hotfix/*", "release/*"]"#)])
        let change = try XCTUnwrap(c.first { $0.resource == DiffResource("environment", "production") })
        XCTAssertEqual(change.risk, .sendMode)
        XCTAssertEqual(change.channels, ["whatsapp", "sms", "email"])
        XCTAssertTrue(change.why.contains("SEND_MODE=LIVE"), change.why)
    }
}

/// The risk model's structured fields, and the prose that follows them.
final class ReplacementTests: XCTestCase {
    func testAKeyChangeOnAFixedNameTableIsRefusedNotLost() throws {
        let c = try diff(DiffGoldenTests.pairs["table-key"]!).report.changes
        let key = try XCTUnwrap(c.first { $0.field == "KeySchema" })
        XCTAssertEqual(key.replacement, .refused)
        XCTAssertEqual(key.action, .modify)
        XCTAssertNil(key.retained)
        XCTAssertTrue(key.why.contains("CloudFormation cannot replace it, so the update fails and rolls back"), key.why)
        XCTAssertFalse(key.why.contains("items are lost"), key.why)
    }

    func testARenamedTableIsKeptInProductionAndLostElsewhere() throws {
        let c = try diff([Edit("specs/tables.yaml", "name: ContactsTable", "name: PeopleTable")]).report.changes.filter { $0.field == "TableName" }
        let production = try XCTUnwrap(c.first { $0.environment == "production" })
        XCTAssertEqual(production.replacement, .always)
        XCTAssertEqual(production.retained, true)
        XCTAssertTrue(production.why.contains("the old one keeps its items (UpdateReplacePolicy Retain)"), production.why)
        let staging = try XCTUnwrap(c.first { $0.environment == "staging" })
        XCTAssertEqual(staging.retained, false)
        XCTAssertTrue(staging.why.contains("deletes the old one: its items are lost"), staging.why)
    }

    func testUnitsAreKept() throws {
        let c = try diff([Edit("specs/queues.yaml", "    purpose: Bulk chunks that failed as a whole (Req 8.9)\n    visibilityTimeout: 300s",
                               "    purpose: Bulk chunks that failed as a whole (Req 8.9)\n    visibilityTimeout: 900s")]).report.changes
        let change = try XCTUnwrap(c.first { $0.field == "VisibilityTimeout" })
        XCTAssertEqual([change.before, change.after], ["300 s", "900 s"])
    }

    func testAnActionAddedToADenyNarrowsTheRoleAndTheTableShowsTheEffect() throws {
        func policy(_ statements: [(String, String, [String])]) -> JSONValue {
            .object(["Statement": .array(statements.map { sid, effect, actions in
                .object(["Sid": .string(sid), "Effect": .string(effect), "Action": .array(actions.map { .string($0) }), "Resource": .string("*")])
            })])
        }
        let base = policy([("Read", "Allow", ["s3:GetObject"]), ("NoDelete", "Deny", ["s3:DeleteObject"])])
        let head = policy([("Read", "Allow", ["s3:GetObject", "s3:PutObject"]), ("NoDelete", "Deny", ["s3:DeleteObject", "s3:DeleteBucket"])])
        let c = PolicyDiff.changes(base: base, head: head, environment: "production")
        let allow = try XCTUnwrap(c.first { $0.resource.name == "Read" })
        let deny = try XCTUnwrap(c.first { $0.resource.name == "NoDelete" })
        XCTAssertEqual([allow.risk, deny.risk], [.securityBroadening, .securityNarrowing], "a Deny that covers more takes a permission away")
        XCTAssertEqual([allow.effect, deny.effect], ["Allow", "Deny"])
        let table = MarkdownDiffRenderer.statementTable(c)
        XCTAssertTrue(table.contains("| `NoDelete` | Deny | Action |"), table)
        let removed = PolicyDiff.changes(base: head, head: policy([("Read", "Allow", ["s3:GetObject", "s3:PutObject"])]), environment: "production")
        XCTAssertEqual(removed.map(\.risk), [.securityBroadening], "removing a Deny lets the role do more")
    }
}
