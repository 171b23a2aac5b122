import Foundation
import XCTest

/// The GitHub Action (action.yml) and the pre-commit hooks (.pre-commit-hooks.yaml) call wecare with command lines
/// of their own: each is taken from its file and run here against a copy of the project, with the built binary,
/// so a renamed option or a changed exit status breaks this test rather than someone's CI.
final class CIPiecesTests: XCTestCase {
    /// Every line of `text` that runs wecare, as written.
    func wecareLines(_ text: String, marker: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix(marker) }
    }

    func bash(_ script: String, in directory: URL, environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = directory
        p.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }.merging(extra) { _, b in b }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testTheActionsCommandsRunAsWritten() throws {
        let project = try TempProject()
        defer { project.remove() }
        let action = try String(contentsOf: packageRoot.appendingPathComponent("action.yml"), encoding: .utf8)
        let lines = wecareLines(action, marker: "\"${{ steps.bin.outputs.path }}\"")
        XCTAssertEqual(lines.count, 6, "\(lines)")
        let temp = project.root.appendingPathComponent("runner-temp")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        // The base of the diff: a second copy of the project, as `git merge-base` would name the shipped specs.
        let base = try TempProject()
        defer { base.remove() }
        for line in lines {
            let script = line
                .replacingOccurrences(of: "\"${{ steps.bin.outputs.path }}\"", with: "\"\(CLITests.binary.path)\"")
                .replacingOccurrences(of: "${{ inputs.root }}", with: project.root.path)
                .replacingOccurrences(of: "${{ steps.diff.outputs.base }}", with: base.root.path)
                .replacingOccurrences(of: "${{ inputs.fail-on }}", with: "data-loss,send-mode")
            let run = try bash(script, in: project.root, environment: [
                "RUNNER_TEMP": temp.path, "GITHUB_REF_NAME": "main", "GITHUB_HEAD_REF": "feature/x", "base": base.root.path, "WECARE_TODAY": testToday,
            ])
            XCTAssertEqual(run.status, 0, "\(line)\n\(run.output)")
        }
        let comment = try String(contentsOf: temp.appendingPathComponent("wecare-diff.md"), encoding: .utf8)
        XCTAssertTrue(comment.hasPrefix("No changes to the platform"), comment)
        XCTAssertTrue(try String(contentsOf: temp.appendingPathComponent("wecare.sarif"), encoding: .utf8).contains("\"version\""))
        let json = try String(contentsOf: temp.appendingPathComponent("wecare-diff.json"), encoding: .utf8)
        XCTAssertTrue(json.contains("\"total\": 0"), json)
        // The sticky comment is found by the marker the Markdown starts with.
        XCTAssertTrue(action.contains(#"startswith("<!-- wecare-diff -->")"#))
    }

    func testTheHooksPassOnACleanTreeAndStopAStaleGeneratedFolder() throws {
        let project = try TempProject()
        defer { project.remove() }
        let hooks = try String(contentsOf: packageRoot.appendingPathComponent(".pre-commit-hooks.yaml"), encoding: .utf8)
        let entries = hooks.split(separator: "\n").compactMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            return t.hasPrefix("entry: ") ? String(t.dropFirst("entry: ".count)) : nil
        }
        XCTAssertEqual(entries, ["wecare check", "wecare build --check"])
        let binary = CLITests.binary.deletingLastPathComponent().path
        for entry in entries {
            let run = try bash(entry, in: project.root, environment: ["PATH": "\(binary):/usr/bin:/bin", "WECARE_TODAY": testToday])
            XCTAssertEqual(run.status, 0, "\(entry)\n\(run.output)")
        }
        try project.edit("specs/queues.yaml") { $0.replacingOccurrences(of: "retention: 1d", with: "retention: 2d") }
        let stale = try bash("wecare build --check", in: project.root, environment: ["PATH": "\(binary):/usr/bin:/bin", "WECARE_TODAY": testToday])
        XCTAssertEqual(stale.status, 1, stale.output)
    }
}
