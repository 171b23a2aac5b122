import Foundation
import Generators
import Pipeline
import XCTest

/// generated/ is the golden output of the shipped specs: every file is compared byte for byte.
final class GeneratedFilesTests: XCTestCase {
    func testGeneratedFolderMatchesTheSpecs() throws {
        let build = try shippedBuild()
        let drift = build.drift(against: packageRoot.appendingPathComponent("generated"))
        XCTAssertEqual(drift, "", "generated/ is stale; run `swift run wecare build` and review the diff:\n\(drift.prefix(3000))")
        XCTAssertEqual(build.files.map(\.path), [
            "cloudformation/preview.json", "cloudformation/production.json", "cloudformation/staging.json",
            "docs/resources.md", "iam/preview.json", "iam/production.json", "iam/staging.json",
            "swift/WecareConfig/AlarmMetrics.swift", "swift/WecareConfig/ConfigLoader.swift", "swift/WecareConfig/Environments.swift", "swift/WecareConfig/Functions.swift",
            "swift/WecareConfig/Messaging.swift", "swift/WecareConfig/Schema.swift",
        ])
    }

    /// Every resource of another kind that a handler needs has a typed name, so the runtime names it in
    /// checked code (`.agent(.wecare, .alias)`) rather than in strings.
    func testResourcesOfOtherKindsThatHandlersNeedAreTyped() throws {
        let functions = try XCTUnwrap(try shippedBuild().files.first { $0.path == "swift/WecareConfig/Functions.swift" }).contents
        let start = try XCTUnwrap(functions.range(of: "public var needs: [SpecResource] {"))
        let end = try XCTUnwrap(functions.range(of: "\n    }\n", range: start.upperBound..<functions.endIndex))
        let others = try Regex(#"\.other\(kind: "(\w+)", name: "([\w-]+)", attribute: (nil|"(\w+)")\)"#)
        var checked = 0
        for match in functions[start.upperBound..<end.lowerBound].matches(of: others) {
            let kind = String(match.output[1].substring!), name = String(match.output[2].substring!)
            let type = kind.prefix(1).uppercased() + kind.dropFirst()
            XCTAssertTrue(functions.contains("public enum \(type)Name: String, CaseIterable, Sendable {"), type)
            XCTAssertTrue(functions.contains("= \"\(name)\""), name)
            if let attribute = match.output[4].substring {
                XCTAssertTrue(functions.contains("public enum \(type)Attribute: String, CaseIterable, Sendable {"), type)
                XCTAssertTrue(functions.contains("case \(attribute) = \"\(attribute)\""), String(attribute))
            }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 5, "the shipped handlers need a user pool, a knowledge base and an agent")
        XCTAssertTrue(functions.contains("public static func agent(_ name: AgentName, _ attribute: AgentAttribute? = nil) -> SpecResource {"))
    }

    func testBuildingTwiceGivesTheSameBytes() throws {
        let first = try shippedBuild().files
        let second = try shippedBuild().files
        XCTAssertEqual(first, second)
    }

    func testFilesAreStable() throws {
        for file in try shippedBuild().files {
            XCTAssertTrue(file.contents.hasSuffix("\n") && !file.contents.hasSuffix("\n\n"), "\(file.path): exactly one trailing newline")
            XCTAssertFalse(file.contents.contains(packageRoot.path), "\(file.path) names an absolute path")
            XCTAssertNil(file.contents.range(of: #"20\d\d-\d\d-\d\dT\d\d:"#, options: .regularExpression), "\(file.path) holds a timestamp")
            XCTAssertFalse(file.contents.contains("\r"), file.path)
        }
    }

    func testTemplatesHoldWhatTheSpecsSay() throws {
        let build = try shippedBuild()
        let preview = try XCTUnwrap(build.files.first { $0.path == "cloudformation/preview.json" })
        let json = try JSONSerialization.jsonObject(with: Data(preview.contents.utf8)) as! [String: Any]
        let resources = json["Resources"] as! [String: [String: Any]]
        let types = resources.values.map { $0["Type"] as! String }
        XCTAssertEqual(types.filter { $0 == "AWS::DynamoDB::Table" }.count, 11)
        XCTAssertEqual(types.filter { $0 == "AWS::SQS::Queue" }.count, 4)
        XCTAssertEqual(types.filter { $0 == "AWS::Lambda::Function" }.count, 17, "every function of the specs, the two AI functions included")
        // The scheduled reconcile: an EventBridge rule targeting the function, and the permission it invokes with.
        let rule = resources["FunctionBulkReconcileSchedule"]?["Properties"] as? [String: Any]
        XCTAssertEqual(rule?["ScheduleExpression"] as? String, "rate(1 minute)")
        let permission = resources["FunctionBulkReconcileSchedulePermission"]?["Properties"] as? [String: Any]
        XCTAssertEqual(permission?["Principal"] as? String, "events.amazonaws.com")
        XCTAssertFalse(types.contains { $0.hasPrefix("AWS::IAM::") }, "no IAM resource is created or changed")
        // TTL and the SNS subscription, which moto ignores, asserted from the template.
        let messages = resources["TableMessages"]!["Properties"] as! [String: Any]
        XCTAssertEqual((messages["TimeToLiveSpecification"] as! [String: Any])["AttributeName"] as? String, "expiresAt")
        // Preview is deployed per branch: its names take the branch's slug from the template parameter.
        XCTAssertEqual(messages["TableName"] as? [String: String], ["Fn::Sub": "base-wecare-digital-preview-${BranchSlug}-MessagesTable"])
        let subscription = resources["FunctionInboundWhatsappHandlerSubscription"]!["Properties"] as! [String: Any]
        XCTAssertEqual(subscription["TopicArn"] as? [String: String], ["Ref": "TopicWhatsappTestEvents"], "preview's own input")
        XCTAssertEqual(subscription["Protocol"] as? String, "lambda")
        let fn = resources["FunctionBulkWorker"]!["Properties"] as! [String: Any]
        XCTAssertEqual(fn["Role"] as? String, "arn:aws:iam::809904170947:role/base-wecare-digital")
        XCTAssertEqual(fn["ReservedConcurrentExecutions"] as? Int, 5)
        let variables = (fn["Environment"] as! [String: Any])["Variables"] as! [String: Any]
        XCTAssertEqual(variables["SEND_MODE"] as? String, "DRY_RUN")
        XCTAssertEqual(variables["REPORT_PREFIX"] as? [String: String], ["Fn::Sub": "preview/${BranchSlug}/base-wecare-digital/reports/"])
        XCTAssertEqual(variables["BULK_DLQ_URL"] as? [String: String], ["Ref": "QueueBulkDlq"])
        let production = try XCTUnwrap(build.files.first { $0.path == "cloudformation/production.json" })
        XCTAssertTrue(production.contents.contains("\"SEND_MODE\": \"LIVE\""))
        XCTAssertFalse(preview.contents.contains("\"LIVE\""))
    }

    /// Issue 14: preview and staging take events from a topic of their own, production from the live one;
    /// every alarm notifies the environment's alert topic, which emails a person.
    func testNonProductionHasItsOwnInputAndAlarmsEmailAPerson() throws {
        let build = try shippedBuild()
        func resources(_ environment: String) throws -> [String: [String: Any]] {
            let file = try XCTUnwrap(build.files.first { $0.path == "cloudformation/\(environment).json" })
            let json = try JSONSerialization.jsonObject(with: Data(file.contents.utf8)) as! [String: Any]
            return json["Resources"] as! [String: [String: Any]]
        }
        let live = "arn:aws:sns:us-east-1:809904170947:base-wecare-digital"
        for environment in ["preview", "staging", "production"] {
            let r = try resources(environment)
            // Preview is deployed per branch: its names are `Fn::Sub`s of the branch's slug.
            let prefix = environment == "production" ? "base-wecare-digital" : environment == "preview" ? "base-wecare-digital-preview-${BranchSlug}" : "base-wecare-digital-\(environment)"
            func name(_ value: Any?) -> String? { value as? String ?? (value as? [String: String])?["Fn::Sub"] }
            let subscription = try XCTUnwrap(r["FunctionInboundWhatsappHandlerSubscription"]?["Properties"] as? [String: Any])
            let permission = try XCTUnwrap(r["FunctionInboundWhatsappHandlerTopicPermission"]?["Properties"] as? [String: Any])
            let variables = ((r["FunctionInboundWhatsappHandler"]?["Properties"] as? [String: Any])?["Environment"] as? [String: Any])?["Variables"] as? [String: Any]
            if environment == "production" {
                XCTAssertEqual(subscription["TopicArn"] as? String, live)
                XCTAssertEqual(permission["SourceArn"] as? String, live)
                XCTAssertNil(r["TopicWhatsappTestEvents"], "production creates no test topic")
            } else {
                let own = ["Ref": "TopicWhatsappTestEvents"]
                XCTAssertEqual(subscription["TopicArn"] as? [String: String], own, environment)
                XCTAssertEqual(permission["SourceArn"] as? [String: String], own, environment)
                XCTAssertEqual(variables?["WHATSAPP_EVENTS_TOPIC_ARN"] as? [String: String], own, environment)
                let topic = try XCTUnwrap(r["TopicWhatsappTestEvents"]?["Properties"] as? [String: Any])
                XCTAssertEqual(name(topic["TopicName"]), "\(prefix)-whatsapp-test-events")
            }
            let templateText = try XCTUnwrap(build.files.first { $0.path == "cloudformation/\(environment).json" }).contents
            if environment != "production" { XCTAssertFalse(templateText.contains(live), "\(environment) names production's topic") }

            let alerts = try XCTUnwrap(r["TopicAlerts"]?["Properties"] as? [String: Any])
            XCTAssertEqual(name(alerts["TopicName"]), "\(prefix)-alerts")
            let email = try XCTUnwrap(r["TopicAlertsEmail1"]?["Properties"] as? [String: Any])
            XCTAssertEqual(email["Protocol"] as? String, "email")
            XCTAssertEqual(email["Endpoint"] as? String, "one@wecare.digital")
            XCTAssertEqual(email["TopicArn"] as? [String: String], ["Ref": "TopicAlerts"])
            let alarms = r.values.filter { $0["Type"] as? String == "AWS::CloudWatch::Alarm" }
            XCTAssertFalse(alarms.isEmpty)
            for alarm in alarms {
                let actions = (alarm["Properties"] as? [String: Any])?["AlarmActions"] as? [[String: String]]
                XCTAssertEqual(actions, [["Ref": "TopicAlerts"]], "\(environment): every alarm emails the alert topic")
            }
        }
    }

    func testPolicyGrantsPrefixesNotBuckets() throws {
        let policy = try XCTUnwrap(try shippedBuild().files.first { $0.path == "iam/production.json" }).contents
        XCTAssertTrue(policy.contains("arn:aws:s3:::stream.wecare.digital/whatsapp-media/whatsapp-media-incoming/*"))
        XCTAssertFalse(policy.contains("arn:aws:s3:::stream.wecare.digital/*"))
        XCTAssertFalse(policy.contains("\"*\""))
    }
}
