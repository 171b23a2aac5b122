import Pipeline
import SpecCheck
import SpecModel
import XCTest

/// The specs this repository ships: clean, complete, and routing branches as Req 10 says.
final class ShippedSpecTests: XCTestCase {
    func testShippedSpecsAreClean() throws {
        let run = try check(try shippedSpecs())
        XCTAssertEqual(run.report.diagnostics.map { "\($0.rule)@\($0.location) \($0.message)" }, [])
        XCTAssertEqual(run.environments, ["local", "preview", "production", "staging"])
    }

    func testShippedSpecsModelTheSeeds() throws {
        let platform = try XCTUnwrap(try check(try shippedSpecs()).platform)
        XCTAssertEqual(platform.tables.count, 11)
        XCTAssertEqual(platform.functions.count, 17)
        XCTAssertEqual(platform.handlers.count, 17)
        XCTAssertEqual(platform.queues.count, 4)
        XCTAssertEqual(platform.prefixes.count, 3)
        XCTAssertEqual(platform.alarms.count, 5)
        XCTAssertEqual(platform.buckets.map(\.name.value), ["stream.wecare.digital"])
        XCTAssertTrue(platform.functions.allSatisfy { $0.runtime.value == "provided.al2023" })
        XCTAssertEqual(Set(platform.functions.map(\.handler.value)).count, 17, "one runtime handler per function")
        XCTAssertEqual(platform.ai?.knowledgeFiles.count, 6, "the knowledge folder's markdown, listed by the loader")
    }

    func testBranchesResolveAsRequirement10Says() throws {
        let run = try check(try shippedSpecs())
        let cases: [(String, String?, String?)] = [
            ("main", "production", "LIVE"), ("hotfix/urgent", "production", "LIVE"),
            ("release/1.2", "staging", "DRY_RUN"), ("feature/bulk", "preview", "DRY_RUN"),
            ("develop", nil, nil), ("mainline", nil, nil), ("feature", nil, nil),
        ]
        for (branch, env, mode) in cases {
            let r = run.branch(branch)
            XCTAssertEqual(r.environment, env, branch)
            XCTAssertEqual(r.sendMode, mode, branch)
        }
        XCTAssertEqual(run.branch("develop").sentence, "branch 'develop' deploys nowhere: no environment's branch rules match it")
    }

    func testOneEnvironmentAndUnknownEnvironment() throws {
        let run = try CheckRun.run(files: try shippedSpecs(), environment: "preview", today: testToday)
        XCTAssertEqual(run.environments, ["preview"])
        XCTAssertThrowsError(try CheckRun.run(files: try shippedSpecs(), environment: "qa", today: testToday))
    }

    func testDiagnosticsAcrossEnvironmentsAreMerged() throws {
        // A literal ARN that matches production's prefixes but not preview's: reported once, for the environments it breaks.
        var files = try shippedSpecs()
        let i = files.firstIndex { $0.path == "specs/iam.yaml" }!
        files[i].text = files[i].text.replacingOccurrences(of: "resources: [{ prefix: reports }]",
                                                           with: "resources: [\"arn:aws:s3:::stream.wecare.digital/base-wecare-digital/reports/*\"]")
        let hits = try check(files).report.diagnostics.filter { $0.rule == RuleID.objectARN }
        XCTAssertEqual(hits.count, 1)
        XCTAssertEqual(hits.first?.environments, ["local", "preview", "staging"])
    }

    func testMediaBucketConflictIsCaught() throws {
        // The seeds' auth.wecare.digital default: the role grants nothing there.
        var files = try shippedSpecs()
        let i = files.firstIndex { $0.path == "specs/functions.yaml" }!
        files[i].text = files[i].text.replacingOccurrences(of: "      MEDIA_BUCKET: { bucket: media }\n      MEDIA_INBOUND_PREFIX: { prefix: media-incoming }\n      INBOUND_DLQ_URL",
                                                           with: "      MEDIA_BUCKET: auth.wecare.digital\n      MEDIA_INBOUND_PREFIX: { prefix: media-incoming }\n      INBOUND_DLQ_URL")
        let hits = try check(files).report.diagnostics.filter { $0.rule == RuleID.environmentOutsideGrant }
        XCTAssertEqual(hits.count, 2, "inbound-whatsapp-handler and dlq-replay both name it: \(hits)")
        XCTAssertTrue(hits.allSatisfy { $0.message.contains("names bucket 'auth.wecare.digital'") })
    }

    func testWaiverSilencesAndExpires() throws {
        var files = exampleTree(WaiverRules_examples.passing)
        var run = try check(files)
        XCTAssertEqual(run.report.errorCount, 0)
        XCTAssertEqual(run.report.waived.count, 1)
        files = exampleTree(WaiverRules_examples.failing)
        run = try check(files)
        XCTAssertTrue(run.report.diagnostics.contains { $0.rule == RuleID.waiverExpired })
        XCTAssertTrue(run.report.diagnostics.contains { $0.rule == RuleID.visibilityTimeout }, "an expired waiver silences nothing")
    }

    func testSendModeCannotBeWaived() throws {
        let files = exampleTree([RuleExample("environments/preview.yaml", """
        environment:
          name: preview
          sendMode: LIVE
          logLevel: DEBUG
          naming: { prefix: example-preview, objectPrefix: preview/ }
          deploy:
            branches: ["feature/*"]
        """)])
        let run = try check(files)
        XCTAssertTrue(run.report.diagnostics.contains { $0.rule == RuleID.liveOutsideProduction })
        XCTAssertEqual(run.exitCode(warningsAsErrors: false), 1)
    }
}

enum WaiverRules_examples {
    static let passing = RuleCatalogue.rule(RuleID.waiverExpired)!.passing
    static let failing = RuleCatalogue.rule(RuleID.waiverExpired)!.failing
}
