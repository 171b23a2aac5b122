import Foundation
import XCTest

/// `wecare drift`'s usage errors and refusals, as CI sees them: exit 2, before any request (the endpoint is a closed port).
final class DriftCLITests: XCTestCase {
    func testUsageErrorsExit2() throws {
        for arguments in [["drift"], ["drift", "--env", "preview", "--branch", "main"], ["drift", "--env", "preview", "--format", "yaml"],
                          ["drift", "--env", "preview", "--watch", "soon"], ["drift", "--env", "preview", "--watch", "0s"],
                          ["drift", "--env", "preview", "--watch", "5m", "--format", "markdown"],
                          ["drift", "--env", "preview", "--alert-topic", "arn:aws:sns:us-east-1:1:t"],
                          ["drift", "--env", "preview", "--watch", "5m", "--alert-topic", "my-topic"]] {
            let run = try MotoDriftTests.wecare(arguments + ["--endpoint-url", "http://127.0.0.1:9"])
            XCTAssertEqual(run.status, 2, "wecare \(arguments.joined(separator: " ")): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("Error:"), "wecare \(arguments.joined(separator: " ")): \(run.stderr)")
        }
    }

    func testRefusalsBeforeAnyRequestExit2() throws {
        for (arguments, message) in [
            (["--env", "prevew"], "no environment 'prevew'; did you mean 'preview'?"),
            (["--env", "local"], "environment 'local' has no branches and is never deployed"),
            (["--branch", "chore/x"], "branch 'chore/x' deploys nowhere"),
            (["--env", "preview", "--stack", "base-wecare-digital"], "stack base-wecare-digital is named for production, not for preview"),
        ] {
            let run = try MotoDriftTests.wecare(["drift"] + arguments + ["--root", packageRoot.path, "--endpoint-url", "http://127.0.0.1:9"])
            XCTAssertEqual(run.status, 2, "\(arguments): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }
}
