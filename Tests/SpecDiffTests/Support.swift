import Foundation
@_exported import TestSupport
import Pipeline
import SpecDiff
import SpecLoading
import XCTest

/// The fixed date the tests check waivers against.
let testToday = "2026-11-22"

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func shippedSpecs() throws -> [SourceFile] {
    try SpecTree.read(root: packageRoot)
}

/// One text edit of a spec file: `old` must occur, so a drifting spec fails the test instead of silently diffing nothing.
struct Edit {
    var file: String
    var old: String
    var new: String
    init(_ file: String, _ old: String, _ new: String) {
        self.file = file
        self.old = old
        self.new = new
    }
}

/// The shipped specs with edits applied: the head side of a pair.
func edited(_ edits: [Edit], file: StaticString = #filePath, line: UInt = #line) throws -> [SourceFile] {
    var files = try shippedSpecs()
    for e in edits {
        let i = try XCTUnwrap(files.firstIndex { $0.path == e.file }, "no file \(e.file)", file: file, line: line)
        XCTAssertTrue(files[i].text.contains(e.old), "\(e.file) no longer contains \(e.old.debugDescription)", file: file, line: line)
        files[i].text = files[i].text.replacingOccurrences(of: e.old, with: e.new)
    }
    return files
}

/// Shipped specs (base) against the shipped specs with edits (head).
func diff(_ edits: [Edit]) throws -> DiffRun {
    try DiffRun.run(base: try shippedSpecs(), baseLabel: "shipped specs", head: try edited(edits), today: testToday)
}

/// Compares text with a golden file under Tests/SpecDiffTests/Golden; `WECARE_UPDATE_GOLDEN=1` rewrites it instead.
func assertGolden(_ actual: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let url = packageRoot.appendingPathComponent("Tests/SpecDiffTests/Golden").appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["WECARE_UPDATE_GOLDEN"] != nil {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        XCTFail("golden file \(name) is missing; run the tests with WECARE_UPDATE_GOLDEN=1 to create it", file: file, line: line)
        return
    }
    guard expected != actual else { return }
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false), e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let first = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
    XCTFail("""
        \(name) differs at line \(first + 1):
          expected: \(first < e.count ? String(e[first]) : "<end>")
          actual:   \(first < a.count ? String(a[first]) : "<end>")
        (WECARE_UPDATE_GOLDEN=1 rewrites golden files; review the diff)
        """, file: file, line: line)
}
