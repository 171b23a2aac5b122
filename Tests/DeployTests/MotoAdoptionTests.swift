import AWSClient
import Deploy
import Foundation
import SpecModel
import TestSupport
import XCTest

/// Production adopts the live system (environments/production.yaml `adopt:`): its tables, queues and log group are
/// created by hand in moto with data in them, as the client's account has them, and then taken over.
///
/// moto 5 has no CloudFormation import: it accepts `ChangeSetType=IMPORT` but ignores `ResourcesToImport`, and
/// executing such a change set would create the resources anew (and fail on the existing names). So a plan runs on
/// moto itself (the live reads and an IMPORT change set moto describes), and a deployment runs against
/// `ImportCheckingCloudFormation`, which checks the IMPORT request as CloudFormation does and plays the stack,
/// while every read of the live resources and their data goes to moto.
final class MotoAdoptionTests: XCTestCase {
    var server: MotoServer!
    var project: TempProject!

    override func setUpWithError() throws {
        server = MotoServer(accountID: "809904170947")
        project = try TempProject()
    }

    override func tearDown() {
        server.stop()
        project.remove()
    }

    static let adopted = ["LogGroupCommon", "QueueBulkDlq", "QueueBulkQueue", "QueueInboundDlq", "QueueOutboundDlq", "TableBulkJobs", "TableContacts"]

    func testAProductionPlanAgainstTheLiveNamesIsAnImportNotACreate() async throws {
        let recording = RecordingForwardingTransport()
        let aws = try await seededMotoClient(server, transport: recording)
        try await LiveSystem.create(aws)
        try await LiveSystem.writeData(aws)
        recording.reset()

        let plan = try await DeployFlow.plan(try project.inputs(branch: "main"), keep: true, deployer: deployer(aws))
        XCTAssertEqual(plan.changeSetType, "IMPORT")
        XCTAssertEqual(plan.changes.map(\.logicalID).sorted(), Self.adopted)
        XCTAssertEqual(Set(plan.changes.map(\.action)), ["Import"], plan.text)
        XCTAssertTrue(plan.text.contains("IMPORT: 7 live resources taken into the stack as they are; nothing is created"), plan.text)
        XCTAssertTrue(plan.text.contains("~ LogGroupCommon RetentionInDays: 14 → 30"), plan.text)
        XCTAssertTrue(plan.text.contains("~ TableContacts GlobalSecondaryIndexes: byPhone → byEmail, byPhone"), plan.text)
        XCTAssertTrue(plan.text.contains("~ QueueBulkQueue VisibilityTimeout: 300 → 720"), plan.text)
        XCTAssertTrue(plan.text.contains("Cutover checklist:"), plan.text)
        XCTAssertTrue(plan.text.contains("aws sns unsubscribe"), plan.text)
        XCTAssertTrue(plan.json.contains("\"imports\""), plan.json)

        // Only reads before the one write, the IMPORT change set; it names every live resource by its identifier.
        XCTAssertEqual(recording.writes.map(\.action), ["CreateChangeSet"])
        let request = try XCTUnwrap(recording.writes.first)
        XCTAssertEqual(request.fields["ChangeSetType"], "IMPORT")
        var identifiers: [String: String] = [:]
        var n = 1
        while let logical = request.fields["ResourcesToImport.member.\(n).LogicalResourceId"] {
            XCTAssertEqual(request.fields["ResourcesToImport.member.\(n).ResourceIdentifier.entry.2.key"], nil, "one identifier per resource")
            identifiers[logical] = request.fields["ResourcesToImport.member.\(n).ResourceIdentifier.entry.1.key"].map { $0 + "=" + (request.fields["ResourcesToImport.member.\(n).ResourceIdentifier.entry.1.value"] ?? "") }
            n += 1
        }
        XCTAssertEqual(identifiers["TableContacts"], "TableName=\(LiveSystem.contacts)")
        XCTAssertEqual(identifiers["LogGroupCommon"], "LogGroupName=\(LiveSystem.logGroup)")
        XCTAssertTrue(identifiers["QueueBulkDlq"]?.hasPrefix("QueueUrl=http") == true && identifiers["QueueBulkDlq"]?.hasSuffix("/base-wecare-digital-bulk-dlq") == true,
                      "\(identifiers)")
        XCTAssertEqual(identifiers.keys.sorted(), Self.adopted)
        guard case .object(let template) = try JSONValue.parse(request.fields["TemplateBody"] ?? ""), case .object(let resources)? = template["Resources"] else {
            return XCTFail("no template")
        }
        XCTAssertEqual(resources.keys.sorted(), Self.adopted, "an import into a new stack holds the imported resources and nothing else")
        for (logical, resource) in resources {
            guard case .object(let r) = resource else { continue }
            XCTAssertEqual(r["DeletionPolicy"], .string("Retain"), logical)
            XCTAssertEqual(r["UpdateReplacePolicy"], .string("Retain"), logical)
        }
        // Described as it is live: the log group keeps its 14 days until the update.
        if case .object(let group)? = resources["LogGroupCommon"], case .object(let props)? = group["Properties"] {
            XCTAssertEqual(props["RetentionInDays"], .int(14))
        }

        let data = try await LiveSystem.data(aws)
        XCTAssertEqual(data.contacts, ["c-1", "c-2", "c-3"])
        XCTAssertEqual(data.jobs, ["job-1"])
        XCTAssertEqual(data.deadLettered, "2")
    }

    func testDeployImportsThenUpdatesAndLosesNoData() async throws {
        let cloudFormation = ImportCheckingCloudFormation()
        let aws = try await seededMotoClient(server, transport: cloudFormation)
        try await LiveSystem.create(aws)
        try await LiveSystem.writeData(aws)

        let progress = RecordingProgress()
        let confirmed = PlanLog()
        let deployed = try await DeployFlow.deploy(try project.inputs(branch: "main"), reviewed: nil, allow: [.security], deployer: deployer(aws, progress)) {
            confirmed.add($0)
            return true
        }
        XCTAssertEqual(cloudFormation.rejections, [], "CloudFormation would have refused a request")
        XCTAssertEqual(cloudFormation.writes.map(\.action), ["CreateChangeSet", "ExecuteChangeSet", "CreateChangeSet", "ExecuteChangeSet"])
        XCTAssertEqual(confirmed.plans.map(\.changeSetType), ["IMPORT", "UPDATE"])
        XCTAssertEqual(deployed.changeSetType, "UPDATE")

        // The update after the import changes the adopted resources in place: nothing is replaced or removed.
        let update = try XCTUnwrap(confirmed.plans.last)
        for change in update.changes where Self.adopted.contains(change.logicalID) {
            XCTAssertEqual(change.action, "Modify", change.logicalID)
            XCTAssertEqual(change.replacement, "False", change.logicalID)
            XCTAssertNotEqual(change.risk, "data-loss", change.logicalID)
        }
        XCTAssertFalse(update.changes.contains { $0.action == "Remove" }, update.text)
        let stack = try XCTUnwrap(cloudFormation.stack)
        XCTAssertEqual(stack.status, "UPDATE_COMPLETE")
        XCTAssertEqual(stack.physical["TableContacts"], LiveSystem.contacts)
        XCTAssertEqual(stack.tags[StackTags.environment], "production")

        let data = try await LiveSystem.data(aws)
        XCTAssertEqual(data.contacts, ["c-1", "c-2", "c-3"])
        XCTAssertEqual(data.jobs, ["job-1"])
        XCTAssertEqual(data.deadLettered, "2")

        // Adopted once: the next deployment has nothing to import and nothing to change.
        let again = try await DeployFlow.deploy(try project.inputs(branch: "main"), reviewed: nil, deployer: deployer(aws)) { _ in true }
        XCTAssertEqual(again.verdict, .noChanges)
    }

    func testAReviewedImportPlanIsExecutedThenTheUpdateFollows() async throws {
        let cloudFormation = ImportCheckingCloudFormation()
        let aws = try await seededMotoClient(server, transport: cloudFormation)
        try await LiveSystem.create(aws)
        let plan = try await DeployFlow.plan(try project.inputs(branch: "main"), keep: true, deployer: deployer(aws))
        XCTAssertEqual(plan.changeSetType, "IMPORT")
        let read = try DeployPlan.parse(try XCTUnwrap(JSONSerialization.jsonObject(with: Data(plan.json.utf8)) as? [String: Any]))
        let deployed = try await DeployFlow.deploy(try project.inputs(branch: "main"), reviewed: read, allow: [.security], deployer: deployer(aws)) { _ in true }
        XCTAssertEqual(deployed.changeSetType, "UPDATE")
        XCTAssertEqual(cloudFormation.rejections, [])
        XCTAssertEqual(cloudFormation.writes.map(\.action), ["CreateChangeSet", "ExecuteChangeSet", "CreateChangeSet", "ExecuteChangeSet"])
    }

    func testWhatBlocksIsRefusedBeforeAnyWrite() async throws {
        let recording = RecordingForwardingTransport()
        let aws = try await seededMotoClient(server, transport: recording)
        // The bulk jobs table keyed on another attribute, the outbound DLQ never created.
        try await LiveSystem.create(aws, bulkJobsKey: "id", leaveOut: ["base-wecare-digital-outbound-dlq"])
        recording.reset()
        do {
            _ = try await DeployFlow.plan(try project.inputs(branch: "main"), deployer: deployer(aws))
            XCTFail("planned an import with blockers")
        } catch DeployError.adoptionBlocked(let environment, let blockers) {
            XCTAssertEqual(environment, "production")
            XCTAssertEqual(blockers.count, 2, "\(blockers)")
            XCTAssertTrue(blockers.contains { $0.hasPrefix("table 'BulkJobs' (\(LiveSystem.bulkJobs)): its key is id (S) HASH live but jobId (S) HASH in the spec") }, "\(blockers)")
            XCTAssertTrue(blockers.contains { $0.hasPrefix("queue 'outbound-dlq' (base-wecare-digital-outbound-dlq): there is no such queue") }, "\(blockers)")
        }
        XCTAssertEqual(recording.writes.map(\.action), [])
    }

    func testAResourceAnotherStackManagesBlocks() async throws {
        let aws = try await seededMotoClient(server)
        try await LiveSystem.create(aws)
        // The old system's queue as a stack of its own would have it: tagged by CloudFormation.
        let url = try await SQSClient(client: aws).getQueueURL(name: "base-wecare-digital-inbound-dlq")
        let _: EmptyShape = try await aws.json(.sqs, operation: "TagQueue", input: ["QueueUrl": .string(url), "Tags": .object(["aws:cloudformation:stack-name": .string("wecare-v1")])] as [String: JSONValueInput])
        do {
            _ = try await DeployFlow.plan(try project.inputs(branch: "main"), deployer: deployer(aws))
            XCTFail("imported a resource another stack manages")
        } catch DeployError.adoptionBlocked(_, let blockers) {
            XCTAssertEqual(blockers.count, 1, "\(blockers)")
            XCTAssertTrue(blockers[0].hasPrefix("queue 'inbound-dlq' (base-wecare-digital-inbound-dlq): CloudFormation stack wecare-v1 manages it"), blockers[0])
        }
    }

    func testCreateAdoptedCreatesInAnEmptyAccountAndRefusesALiveOne() async throws {
        let aws = try await seededMotoClient(server)
        let plan = try await DeployFlow.plan(try project.inputs(branch: "main", createAdopted: true), deployer: deployer(aws))
        XCTAssertEqual(plan.changeSetType, "CREATE")
        XCTAssertTrue(plan.changes.contains { $0.logicalID == "TableContacts" && $0.action == "Add" })
        try await LiveSystem.create(aws, leaveOut: Set([LiveSystem.bulkJobs] + LiveSystem.queues + [LiveSystem.logGroup]))
        do {
            _ = try await DeployFlow.plan(try project.inputs(branch: "main", createAdopted: true), deployer: deployer(aws))
            XCTFail("created over a live table")
        } catch DeployError.adoptionBlocked(_, let blockers) {
            XCTAssertEqual(blockers, ["table 'Contacts' (\(LiveSystem.contacts)): it exists, so it is adopted, not created; leave out --create-adopted"])
        }
    }

    func testAdoptCheckExitCodes() async throws {
        let aws = try await seededMotoClient(server)
        let endpoint = try await server.start().absoluteString
        try await LiveSystem.create(aws, bulkJobsKey: "id")
        let blocked = try wecare("adopt", "--check", "--env", "production", "--endpoint-url", endpoint, "--root", project.root.path)
        XCTAssertEqual(blocked.status, 1, blocked.stdout + blocked.stderr)
        XCTAssertTrue(blocked.stdout.contains("✗ TableBulkJobs [AWS::DynamoDB::Table] \(LiveSystem.bulkJobs): blocked"), blocked.stdout)
        XCTAssertTrue(blocked.stdout.contains("→ TableContacts [AWS::DynamoDB::Table] \(LiveSystem.contacts): import"), blocked.stdout)
        XCTAssertTrue(blocked.stdout.contains("1 blocker: nothing can be imported"), blocked.stdout)

        let _: EmptyShape = try await aws.json(.dynamoDB, operation: "DeleteTable", input: ["TableName": LiveSystem.bulkJobs])
        try await LiveSystem.create(aws, leaveOut: Set([LiveSystem.contacts] + LiveSystem.queues + [LiveSystem.logGroup]))
        let ready = try wecare("adopt", "--check", "--env", "production", "--endpoint-url", endpoint, "--root", project.root.path)
        XCTAssertEqual(ready.status, 0, ready.stdout + ready.stderr)
        XCTAssertTrue(ready.stdout.contains("Ready: an IMPORT change set takes 7 resources into the stack"), ready.stdout)
        XCTAssertTrue(ready.stdout.contains("Cutover checklist:"), ready.stdout)

        let preview = try wecare("adopt", "--check", "--env", "preview", "--endpoint-url", endpoint, "--root", project.root.path)
        XCTAssertEqual(preview.status, 0, preview.stderr)
        XCTAssertEqual(preview.stdout, "preview adopts nothing: its stack creates every resource\n")
        // A check that could not look (here: no credentials) is neither "ok" nor "blocked".
        let unread = try wecare("adopt", "--check", "--env", "production", "--endpoint-url", endpoint, "--profile", "wecare-test-no-such-profile",
                                "--root", project.root.path)
        XCTAssertEqual(unread.status, 2, unread.stdout + unread.stderr)
        XCTAssertTrue(unread.stderr.contains("could not read the live resources"), unread.stderr)
        for arguments in [["adopt", "--env", "production"], ["adopt", "--check", "--env", "nowhere", "--root", project.root.path], ["adopt", "--check"]] {
            XCTAssertEqual(try wecare(arguments).status, 2, arguments.joined(separator: " "))
        }
    }
}

/// Runs the built `wecare` binary as CI would, with test credentials and nothing else of AWS from this environment.
func wecare(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) { try wecare(arguments) }

func wecare(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) { try runWecare(arguments) }

/// A JSON input of strings and objects, for the few requests tests make by hand.
enum JSONValueInput: Encodable {
    case string(String)
    case object([String: JSONValueInput])

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .object(let o): try c.encode(o)
        }
    }
}

/// The plans a deployment asked to confirm, in order.
final class PlanLog: @unchecked Sendable {
    private let lock = NSLock()
    private var _plans: [DeployPlan] = []
    var plans: [DeployPlan] { lock.withLock { _plans } }
    func add(_ plan: DeployPlan) { lock.withLock { _plans.append(plan) } }
}
