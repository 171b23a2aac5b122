import Foundation
import Pipeline
import SpecDiff
import XCTest

/// The base read from git: a temporary repository holding the shipped specs, edited in its working tree.
final class GitBaseTests: XCTestCase {
    var repo: URL!

    override func setUpWithError() throws {
        repo = try temporaryDirectory()
        let fm = FileManager.default
        for folder in ["specs", "environments", "knowledge"] {
            try fm.copyItem(at: packageRoot.appendingPathComponent(folder), to: repo.appendingPathComponent(folder))
        }
        try git("init", "-q", "-b", "main")
        try git("add", "specs", "environments", "knowledge")
        try git("-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "shipped specs")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: repo)
    }

    func git(_ arguments: String...) throws {
        let r = try runProcess("git", Array(arguments), cwd: repo)
        XCTAssertEqual(r.status, 0, "git \(arguments.joined(separator: " ")): \(r.output)")
    }

    func edit(_ path: String, _ old: String, _ new: String) throws {
        let url = repo.appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(text.contains(old))
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    func testUnchangedWorkingTreeAgainstHEAD() throws {
        let run = try DiffRun.run(base: .gitRef("HEAD"), root: repo, today: testToday)
        XCTAssertTrue(run.report.isEmpty)
        XCTAssertTrue(run.render(.markdown).hasPrefix("No changes to the platform between HEAD ("))
    }

    func testEditedWorkingTreeAgainstHEAD() throws {
        try edit("specs/queues.yaml", "    name: bulk-queue\n", "    name: bulk-jobs-queue\n")
        let run = try DiffRun.run(base: .gitRef("HEAD"), root: repo, today: testToday)
        let renames = run.report.changes.filter { $0.resource == DiffResource("queue", "bulk-queue") && $0.field == "QueueName" }
        XCTAssertEqual(renames.map(\.environment), ["preview", "production", "staging"], "the physical name differs per environment")
        XCTAssertTrue(renames.allSatisfy { $0.risk == .dataLoss })
        XCTAssertEqual(renames.first { $0.environment == "production" }?.after, "base-wecare-digital-bulk-jobs-queue")
        // The role's grant moves with the name: one ARN removed and one added, per environment.
        XCTAssertEqual(run.report.changes.filter { $0.resource == DiffResource("statement", "QueuesSendConsume") }.count, 6)
        XCTAssertEqual(run.exitCode(failOn: [.dataLoss]), 1)
        XCTAssertEqual(run.exitCode(failOn: [.sendMode, .capacity]), 0)
        XCTAssertTrue(run.report.base.hasPrefix("HEAD ("))
    }

    func testDefaultBaseIsTheMergeBaseWithMain() throws {
        try git("checkout", "-q", "-b", "feature/faster")
        try edit("specs/functions.yaml", "    timeout: 120 ", "    timeout: 125 ")
        try git("-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-am", "faster worker")
        try edit("specs/functions.yaml", "    timeout: 120\n", "    timeout: 120\n    memory: 512\n")
        let run = try DiffRun.run(base: DiffRun.Base.parse(nil), root: repo, today: testToday)
        XCTAssertTrue(run.report.base.hasPrefix("merge base with main ("), run.report.base)
        // Committed and uncommitted changes both count: the base is where the branch left main.
        XCTAssertEqual(Set(run.report.changes.map(\.field)), ["Timeout", "MemorySize"])
        XCTAssertTrue(run.report.changes.allSatisfy { $0.risk == .capacity })
    }

    func testDirectoryBase() throws {
        try edit("environments/preview.yaml", #"branches: ["feature/*"]"#, #"branches: ["feature/*", "spike/*"]"#)
        let base = DiffRun.Base.parse(packageRoot.path)
        XCTAssertEqual(base, .directory(packageRoot.standardizedFileURL))
        let run = try DiffRun.run(base: base, root: repo, today: testToday)
        XCTAssertEqual(run.report.changes.map(\.risk), [.sendMode])
        XCTAssertEqual(run.report.changes.first?.after, "spike/*")
    }

    func testBadRefIsAFailure() throws {
        XCTAssertEqual(DiffRun.Base.parse("no-such-ref"), .gitRef("no-such-ref"))
        XCTAssertThrowsError(try DiffRun.run(base: .gitRef("no-such-ref"), root: repo, today: testToday)) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("'no-such-ref' is neither a folder with specs/ nor a git commit"), message)
        }
    }

    func testNothingIsWrittenToTheRepository() throws {
        try edit("specs/queues.yaml", "retention: 1d", "retention: 2d")
        let before = try runProcess("git", ["status", "--porcelain"], cwd: repo).output
        _ = try DiffRun.run(base: .gitRef("HEAD"), root: repo, today: testToday)
        XCTAssertEqual(try runProcess("git", ["status", "--porcelain"], cwd: repo).output, before)
    }
}
