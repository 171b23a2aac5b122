import Foundation
import XCTest

/// The built `wecare` binary's exit codes and messages, as CI scripts see them.
final class CLITests: XCTestCase {
    /// `swift build --build-tests` (and `swift test`) put the binary beside the test bundle.
    static var binary: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("wecare")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return packageRoot.appendingPathComponent(".build/debug/wecare")
    }

    /// Runs the binary with no AWS reachable: an endpoint on a closed loopback port and fake credentials.
    func wecare(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) { try wecare(arguments) }

    func wecare(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            XCTFail("no wecare binary at \(Self.binary.path); build it with `swift build --build-tests`")
            return (-1, "", "")
        }
        return try runWecare(arguments)
    }

    func testUsageErrorsExit2() throws {
        for arguments in [["check", "--bogus"], ["check", "--format", "yaml"], ["plan"], ["deploy", "--branch", "feature/x", "--allow", "everything"],
                          ["build", "--root"], ["explain", "no.such-rule"]] {
            let run = try wecare(arguments)
            XCTAssertEqual(run.status, 2, "wecare \(arguments.joined(separator: " ")): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("Error:"), "wecare \(arguments.joined(separator: " ")): \(run.stderr)")
        }
    }

    func testUnknownSubcommandSuggestsTheClosest() throws {
        let run = try wecare("chek")
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("unknown subcommand 'chek'; did you mean 'check'?"), run.stderr)
        let far = try wecare("frobnicate")
        XCTAssertEqual(far.status, 2)
        XCTAssertFalse(far.stderr.contains("did you mean"), far.stderr)
    }

    func testUnknownRuleSuggestsTheClosest() throws {
        let run = try wecare("explain", "sqs.visibilty-timeout")
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("unknown rule 'sqs.visibilty-timeout'; did you mean 'sqs.visibility-timeout'?"), run.stderr)
    }

    /// The version comes from one constant in the CLI target.
    func testVersion() throws {
        let source = try String(contentsOf: packageRoot.appendingPathComponent("Sources/wecare/Version.swift"), encoding: .utf8)
        let constant = try XCTUnwrap(source.firstMatch(of: /static let string = "([^"]+)"/)?.1)
        let run = try wecare("--version")
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.stdout, "\(constant)\n")
    }

    func testCompletionScripts() throws {
        for shell in ["bash", "zsh", "fish"] {
            let run = try wecare("--generate-completion-script", shell)
            XCTAssertEqual(run.status, 0, shell)
            XCTAssertTrue(run.stdout.contains("deploy"), shell)
        }
    }

    /// The issue's command: refused with what, where and how to fix, exit 1, before any request (the endpoint is a closed port).
    func testFeatureBranchOntoProductionStack() throws {
        let run = try wecare("deploy", "--branch", "feature/x", "--stack", "base-wecare-digital", "--yes", "--endpoint-url", "http://127.0.0.1:9",
                             "--parameter", "CodeBucket=b", "--parameter", "UserPoolClientId=c")
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("branch 'feature/x' deploys only to its own stack base-wecare-digital-preview-x-876a, not base-wecare-digital"),
                      run.stderr)
    }

    func testPlanFileThatIsNoPlan() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-plan-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try "[]".write(to: file, atomically: true, encoding: .utf8)
        let run = try wecare("deploy", "--branch", "feature/x", "--plan", file.path, "--endpoint-url", "http://127.0.0.1:9",
                             "--parameter", "CodeBucket=b", "--parameter", "UserPoolClientId=c")
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(run.stderr.contains("cannot use \(file.path) as a plan: it is not a JSON object"), run.stderr)
    }
}
