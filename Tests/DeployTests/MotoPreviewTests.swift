import AWSClient
import Deploy
import Pipeline
import Foundation
import SpecModel
import TestSupport
import XCTest

/// Two branches' previews side by side on moto: each its own stack and tables, listed with their branches;
/// destroying one leaves the other and its data alone.
final class MotoPreviewTests: XCTestCase {
    static let server = MotoServer(accountID: "809904170947")

    override class func tearDown() {
        server.stop()
        super.tearDown()
    }

    func testTwoBranchesSideBySideThenOneDestroyed() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let aws = try await seededMotoClient(Self.server)
        let cloudFormation = CloudFormationClient(client: aws)
        let dynamo = DynamoDBClient(client: aws)
        let branches = ["feature/add-login", "feature/add-logout"]

        var stacks: [String] = []
        for branch in branches {
            let result = try await DeployFlow.deploy(try project.inputs(branch: branch), reviewed: nil, allow: [.security], deployer: deployer(aws)) { _ in true }
            XCTAssertEqual(result.changeSetType, "CREATE", branch)
            stacks.append(result.stack)
        }
        XCTAssertNotEqual(stacks[0], stacks[1])
        let slugs = branches.map { BranchSlug.slug(for: $0, rule: "feature/*") }
        for (i, slug) in slugs.enumerated() {
            let stack = try await cloudFormation.describeStack(name: stacks[i])
            XCTAssertEqual(stack?.status, "CREATE_COMPLETE")
            XCTAssertEqual(stack?.tags[StackTags.branch], branches[i])
            XCTAssertEqual(stack?.tags[StackTags.environment], "preview")
            let table = try await dynamo.describeTable(name: "base-wecare-digital-preview-\(slug)-ContactsTable")
            XCTAssertEqual(table.tableName, "base-wecare-digital-preview-\(slug)-ContactsTable")
        }
        // Data in the second branch's preview, to prove destroying the first leaves it alone.
        let kept = "base-wecare-digital-preview-\(slugs[1])-ContactsTable"
        try await dynamo.putItem(table: kept, item: ["contactId": .s("c-1"), "phone": .s("+447700900001")])

        let listed = try await Previews.list(cloudFormation, environments: try platform(project).environments)
        XCTAssertEqual(listed.map(\.branch), branches)
        XCTAssertEqual(listed.map(\.stack), stacks)

        // Destroying the first asks, deletes, and follows the stack to its end.
        let target = try DestroyTarget.prepare(branch: branches[0], files: try project.inputs(branch: branches[0]).files, today: testToday)
        XCTAssertEqual(target.stack, stacks[0])
        let progress = RecordingProgress()
        let declined = try await deployer(aws, progress).destroy(target) { _ in false }
        XCTAssertEqual(declined, .notConfirmed)
        let stillThere = try await cloudFormation.describeStack(name: stacks[0])
        XCTAssertNotNil(stillThere)
        XCTAssertTrue(progress.lines.contains { $0.contains("TableContacts [AWS::DynamoDB::Table]") }, "\(progress.lines)")

        let outcome = try await deployer(aws).destroy(target) { _ in true }
        XCTAssertEqual(outcome, .deleted)
        let gone = try await cloudFormation.describeStack(name: stacks[0])
        XCTAssertNil(gone)
        do {
            _ = try await dynamo.describeTable(name: "base-wecare-digital-preview-\(slugs[0])-ContactsTable")
            XCTFail("the destroyed preview's table is still there")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "ResourceNotFoundException")
        }
        let item = try await dynamo.getItem(table: kept, key: ["contactId": .s("c-1")])
        XCTAssertEqual(item?["phone"], .s("+447700900001"))
        let after = try await Previews.list(cloudFormation, environments: try platform(project).environments)
        XCTAssertEqual(after.map(\.branch), [branches[1]])

        // Destroying it again finds nothing to destroy.
        let again = try await deployer(aws).destroy(target) { _ in true }
        XCTAssertEqual(again, .nothingToDestroy)
    }

    private func platform(_ project: TempProject) throws -> Platform {
        try XCTUnwrap(CheckRun.run(files: try project.inputs(branch: "main").files, today: testToday).platform)
    }
}
