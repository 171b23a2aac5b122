import Foundation
import TestSupport
import XCTest

/// checkov (pinned, in the virtual environment scripts/test makes under .build/tools/checkov, so its own pins never
/// touch moto's) on every generated template: no failed check. What the specs decided against is skipped by the
/// waiver the generator wrote into the resource's Metadata, and checkov shows each skip with its reason.
final class CheckovTests: XCTestCase {
    func testEveryTemplatePassesCheckovOrSaysWhyNot() throws {
        let checkov = packageRoot.appendingPathComponent(".build/tools/checkov/bin/checkov")
        guard FileManager.default.isExecutableFile(atPath: checkov.path) else {
            return XCTFail("checkov is not installed; scripts/test installs it in .build/tools/checkov (a virtual environment, pinned)")
        }
        let out = try temporaryDirectory("wecare-checkov")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try runProcess(checkov.path, ["-d", "generated/cloudformation", "--framework", "cloudformation",
                                                   "-o", "json", "--output-file-path", out.path], cwd: packageRoot)
        let file = out.appendingPathComponent("results_json.json")
        guard let data = FileManager.default.contents(atPath: file.path) else { return XCTFail("checkov wrote no report (exit \(result.status)):\n\(result.output)") }
        let parsed = try JSONSerialization.jsonObject(with: data)
        let reports = (parsed as? [[String: Any]]) ?? [(parsed as? [String: Any]) ?? [:]]
        XCTAssertFalse(reports.isEmpty)
        var skipped = 0
        for report in reports {
            let results = try XCTUnwrap(report["results"] as? [String: Any], "\(report.keys)")
            let failed = results["failed_checks"] as? [[String: Any]] ?? []
            XCTAssertEqual(failed.map { "\($0["check_id"] ?? "?") \($0["resource"] ?? "?")" }, [], "checkov failed checks no waiver in specs/scanners.yaml explains")
            for skip in results["skipped_checks"] as? [[String: Any]] ?? [] {
                skipped += 1
                let comment = ((skip["check_result"] as? [String: Any])?["suppress_comment"] as? String) ?? ""
                XCTAssertTrue(comment.contains("waived in the specs until"), "\(skip["check_id"] ?? "?") on \(skip["resource"] ?? "?") is skipped without the specs' reason: \(comment)")
            }
        }
        XCTAssertGreaterThan(skipped, 0, "the specs' scanner waivers reach the templates")
    }
}
