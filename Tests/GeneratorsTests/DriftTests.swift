import Foundation
import Pipeline
import XCTest

/// `wecare build --check` and the writer: diffs, stale files, nothing lost.
final class DriftTests: XCTestCase {
    func testUnifiedDiff() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n"
        let new = "a\nb\nc\nD\ne\nf\ng\nh\ni\n"
        XCTAssertEqual(UnifiedDiff.diff(old: old, new: new, oldName: "a/x", newName: "b/x"), """
        --- a/x
        +++ b/x
        @@ -1,8 +1,9 @@
         a
         b
         c
        -d
        +D
         e
         f
         g
         h
        +i

        """)
        XCTAssertEqual(UnifiedDiff.diff(old: old, new: old, oldName: "a", newName: "b"), "")
        XCTAssertEqual(UnifiedDiff.diff(old: "", new: "x\n", oldName: "/dev/null", newName: "b/x"), "--- /dev/null\n+++ b/x\n@@ -0,0 +1,1 @@\n+x\n")
    }

    func testSeparateHunks() {
        let old = (1...30).map(String.init).joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "\n3\n", with: "\nthree\n").replacingOccurrences(of: "\n27\n", with: "\ntwenty-seven\n")
        let diff = UnifiedDiff.diff(old: old, new: new, oldName: "a", newName: "b")
        XCTAssertEqual(diff.components(separatedBy: "\n@@").count - 1, 2, diff)
        XCTAssertTrue(diff.contains("@@ -1,6 +1,6 @@"), diff)
        XCTAssertTrue(diff.contains("@@ -24,7 +24,7 @@"), diff)
    }

    func testWriteThenCheckThenDrift() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let build = try shippedBuild()
        XCTAssertFalse(build.drift(against: dir).isEmpty, "an empty folder drifts")
        try build.write(to: dir)
        XCTAssertEqual(build.drift(against: dir), "")

        // A hand edit and a stale file both show in the diff, and the writer repairs both.
        let iam = dir.appendingPathComponent("iam/preview.json")
        try "{}\n".write(to: iam, atomically: true, encoding: .utf8)
        let stale = dir.appendingPathComponent("cloudformation/old.json")
        try "{}\n".write(to: stale, atomically: true, encoding: .utf8)
        let unowned = dir.appendingPathComponent("notes.txt")
        try "mine\n".write(to: unowned, atomically: true, encoding: .utf8)
        let diff = build.drift(against: dir)
        XCTAssertTrue(diff.contains("--- a/generated/iam/preview.json\n+++ b/generated/iam/preview.json"), diff)
        XCTAssertTrue(diff.contains("--- a/generated/cloudformation/old.json\n+++ /dev/null"), diff)
        try build.write(to: dir)
        XCTAssertEqual(build.drift(against: dir), "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path))
        XCTAssertEqual(try String(contentsOf: unowned, encoding: .utf8), "mine\n", "files outside the owned folders are left alone")
    }

    func testBuildRefusesSpecsWithErrors() throws {
        var files = try SpecTree.read(root: packageRoot)
        let i = files.firstIndex { $0.path == "environments/preview.yaml" }!
        files[i].text = files[i].text.replacingOccurrences(of: "sendMode: DRY_RUN", with: "sendMode: LIVE")
        XCTAssertThrowsError(try BuildRun.run(files: files, today: testToday)) { error in
            XCTAssertTrue(String(describing: error).hasPrefix("refusing to generate: the specs have 1 error"), "\(error)")
        }
    }
}
