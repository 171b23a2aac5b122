import Foundation
import XCTest

/// cfn-lint (from PyPI, installed by scripts/test) on every generated template: 0 errors, 0 warnings, and 0 of its
/// informational findings too (`--include-checks I`: such as I3011, a stateful resource without an explicit
/// DeletionPolicy and UpdateReplacePolicy).
final class CfnLintTests: XCTestCase {
    func testGeneratedTemplatesPassCfnLint() throws {
        let which = try runProcess("sh", ["-c", "command -v cfn-lint"])
        guard which.status == 0 else {
            return XCTFail("cfn-lint is not installed; scripts/test installs it (python3 -m pip install cfn-lint)")
        }
        let templates = ["preview", "production", "staging"].map { "generated/cloudformation/\($0).json" }
        let result = try runProcess("cfn-lint", ["--format", "parseable", "--include-checks", "I", "--"] + templates, cwd: packageRoot)
        XCTAssertEqual(result.status, 0, "cfn-lint found problems:\n\(result.output)")
        XCTAssertEqual(result.output.trimmingCharacters(in: .whitespacesAndNewlines), "", "cfn-lint printed findings:\n\(result.output)")
    }
}
