import Foundation
import TestSupport
import XCTest

/// `scripts/test` on a machine that lacks a pinned tool: asking pip for its version fails, and under
/// `set -euo pipefail` that failure had ended the script at once, with no message and status 1, before
/// it installed anything.
final class TestScriptTests: XCTestCase {
    private static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/test").path

    /// Runs the script's own `installed_version` under the script's shell options.
    private func installedVersion(_ package: String) throws -> (status: Int32, output: String) {
        let function = try String(contentsOfFile: Self.script, encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("installed_version()") }
        let definition = try XCTUnwrap(function, "scripts/test defines installed_version() on one line")
        return try runProcess("/bin/bash", ["-c", "set -euo pipefail\n\(definition)\nv=$(installed_version python3 \"$1\")\necho \"version=[$v]\"", "bash", package])
    }

    func testAPackageThatIsNotInstalledGivesAnEmptyVersionAndTheScriptGoesOn() throws {
        let (status, output) = try installedVersion("wecare-no-such-package")
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("version=[]"), output)
    }

    func testAnInstalledPackageGivesItsVersion() throws {
        let (status, output) = try installedVersion("pip")
        XCTAssertEqual(status, 0, output)
        XCTAssertNotNil(output.range(of: #"version=\[[0-9]+\.[0-9]"#, options: .regularExpression), output)
    }
}
