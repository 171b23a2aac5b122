import Pipeline
import SpecCheck
import SpecLoading
import SpecModel
import XCTest

/// Issue 14, part 2, beyond the rule examples: the other way the specs can keep non-production data out of
/// production's prefixes (a bucket of its own), and the shipped specs' answer.
final class IsolationTests: XCTestCase {
    /// Preview without an object prefix, but with a bucket of its own: the prefixes keep their paths there,
    /// so nothing overlaps production, and the role's grants, variables and inventory name preview's bucket.
    func testAnEnvironmentMayUseABucketOfItsOwn() throws {
        let storage = ExampleBase.files["specs/storage.yaml"]! + """
            media-preview:
              name: preview-media.example.com

        """
        let preview = ExampleBase.files["environments/preview.yaml"]!
            .replacingOccurrences(of: "objectPrefix: preview/ }", with: "objectPrefix: \"\" }")
            .replacingOccurrences(of: "    - { topic: events, by: test-events }\n", with: "    - { topic: events, by: test-events }\n    - { bucket: media, by: media-preview }\n")
        let run = try check(exampleTree([RuleExample("specs/storage.yaml", storage), RuleExample("environments/preview.yaml", preview)]))
        XCTAssertEqual(run.report.diagnostics.filter { $0.severity == .error }.map { "\($0.rule) \($0.message)" }, [])
        let platform = try XCTUnwrap(run.platform)
        let d = Deployment(platform: platform, environment: try XCTUnwrap(platform.environment("preview")))
        let incoming = try XCTUnwrap(d.prefix(named: "incoming"))
        XCTAssertEqual(d.prefixARN(incoming), "arn:aws:s3:::preview-media.example.com/media/incoming/*")
        XCTAssertEqual(d.resolve(Reference(kind: .bucket, name: Located("media", at: incoming.id.location))), "preview-media.example.com")
        let production = Deployment(platform: platform, environment: try XCTUnwrap(platform.environment("production")))
        XCTAssertEqual(production.prefixARN(incoming), "arn:aws:s3:::media.example.com/media/incoming/*", "production keeps its bucket")

        // The same preview without its own bucket writes into production's keys.
        let shared = preview.replacingOccurrences(of: "    - { bucket: media, by: media-preview }\n", with: "")
        let overlap = try check(exampleTree([RuleExample("specs/storage.yaml", storage), RuleExample("environments/preview.yaml", shared)]))
        XCTAssertTrue(overlap.report.diagnostics.contains { $0.rule == RuleID.isolationPrefix && $0.environments == ["preview"] })
    }

    /// The shipped specs keep preview and staging off production's topic and prefixes, and pass every isolation rule.
    func testTheShippedNonProductionEnvironmentsAreIsolated() throws {
        let run = try check(try shippedSpecs())
        XCTAssertFalse(run.report.diagnostics.contains { $0.rule.hasPrefix("isolation.") || $0.rule.hasPrefix("alarms.") })
        XCTAssertTrue(run.report.waived.allSatisfy { !$0.diagnostic.rule.hasPrefix("isolation.") }, "no isolation finding is waived")
        let platform = try XCTUnwrap(run.platform)
        for name in ["preview", "staging"] {
            let environment = try XCTUnwrap(platform.environment(name))
            XCTAssertEqual(environment.substitutes.map(\.replacement.name.value), ["whatsapp-test-events"], name)
            XCTAssertFalse(environment.objectPrefix.value.isEmpty, name)
        }
    }
}
