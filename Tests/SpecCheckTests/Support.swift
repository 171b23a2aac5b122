import Foundation
import Pipeline
import SpecCheck
import SpecLoading
import SpecModel

/// The fixed date the tests check waivers against.
let testToday = "2026-11-22"

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The example base tree with some files replaced by rule examples (markers removed).
func exampleTree(_ examples: [RuleExample]) -> [SourceFile] {
    var files = ExampleBase.files
    for e in examples { files[e.file] = e.text }
    return files.map { SourceFile(path: $0.key, text: $0.value) }.sorted { $0.path < $1.path }
}

func check(_ files: [SourceFile], environment: String? = nil) throws -> CheckRun {
    try CheckRun.run(files: files, environment: environment, today: testToday)
}

func shippedSpecs() throws -> [SourceFile] {
    try SpecTree.read(root: packageRoot)
}

/// Compares text with a golden file; `WECARE_UPDATE_GOLDEN=1` rewrites it instead, except in CI (`CI` set),
/// where a golden file is only ever compared.
func assertGolden(_ actual: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String? {
    let url = packageRoot.appendingPathComponent("Tests/SpecCheckTests/Golden").appendingPathComponent(name)
    let environment = ProcessInfo.processInfo.environment
    if environment["WECARE_UPDATE_GOLDEN"] != nil, environment["CI"] == nil {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try actual.write(to: url, atomically: true, encoding: .utf8)
        return nil
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        return "golden file \(name) is missing; run the tests with WECARE_UPDATE_GOLDEN=1 to create it"
    }
    guard expected != actual else { return nil }
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false), e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let firstDiff = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
    return "\(name) differs at line \(firstDiff + 1):\n  expected: \(firstDiff < e.count ? String(e[firstDiff]) : "<end>")\n  actual:   \(firstDiff < a.count ? String(a[firstDiff]) : "<end>")\n(WECARE_UPDATE_GOLDEN=1 rewrites golden files; review the diff)"
}
