import AWSClient
import Deploy
import Pipeline
import SpecLoading
import SpecModel
import XCTest

/// A branch deploys only to its own environment's stack: checked for every branch against every kind of
/// stack it could meet, through `plan` and `deploy`, with a fake CloudFormation that records each request.
final class StackGateTests: XCTestCase {
    var project: TempProject!

    // Production without `adopt:`: these fakes answer CloudFormation only, not the live reads an adoption makes (MotoAdoptionTests).
    override func setUpWithError() throws { project = try TempProject().withoutAdoption() }
    override func tearDown() { project.remove() }

    static let branches = [("main", "production"), ("release/1.2", "staging"), ("feature/x", "preview")]
    /// Preview is deployed per branch: its stack here is feature/x's own.
    static let stacks = ["production": "base-wecare-digital", "staging": "base-wecare-digital-staging",
                         "preview": "base-wecare-digital-preview-" + BranchSlug.slug(for: "feature/x", rule: "feature/*")]

    enum Kind: CustomStringConvertible {
        case tagged(String)
        case untaggedWithResources
        case untaggedEmpty
        /// `--stack` with another environment's stack name (that stack tagged for its own environment).
        case wrongName(String)

        var description: String {
            switch self {
            case .tagged(let e): "stack tagged \(e)"
            case .untaggedWithResources: "untagged stack with resources"
            case .untaggedEmpty: "untagged empty stack"
            case .wrongName(let e): "--stack of \(e)"
            }
        }
    }

    static let kinds: [Kind] = [.tagged("production"), .tagged("staging"), .tagged("preview"), .untaggedWithResources, .untaggedEmpty,
                                .wrongName("production"), .wrongName("staging"), .wrongName("preview")]

    enum Operation: CaseIterable { case plan, deploy }

    func fake(_ kind: Kind, environment: String) -> (FakeCloudFormation, stackOverride: String?) {
        let own = Self.stacks[environment]!
        func stack(_ name: String, tags: [String: String], resources: Bool) -> FakeCloudFormation.Stack {
            FakeCloudFormation.Stack(name: name, id: "arn:aws:cloudformation:us-east-1:809904170947:stack/\(name)/1", tags: tags,
                                     resources: resources ? [("TableContacts", "AWS::DynamoDB::Table", "\(name)-contacts")] : [])
        }
        switch kind {
        case .tagged(let e):
            return (FakeCloudFormation(stack: stack(own, tags: [StackTags.environment: e, StackTags.specHash: "0", StackTags.branchRule: "x"], resources: true)), nil)
        case .untaggedWithResources: return (FakeCloudFormation(stack: stack(own, tags: [:], resources: true)), nil)
        case .untaggedEmpty: return (FakeCloudFormation(stack: stack(own, tags: ["team": "messaging"], resources: false)), nil)
        case .wrongName(let e):
            let other = Self.stacks[e]!
            return (FakeCloudFormation(stack: stack(other, tags: [StackTags.environment: e], resources: true)), other)
        }
    }

    /// What the gate must decide: nil to admit, or the refusal.
    func expected(_ kind: Kind, branch: String, environment: String) -> ((DeployError) -> Bool)? {
        switch kind {
        case .tagged(let e) where e == environment: return nil
        case .tagged(let e):
            return { $0 == .stackOfAnotherEnvironment(stack: Self.stacks[environment]!, tagged: e, branch: branch, environment: environment) }
        case .untaggedWithResources:
            return { if case .untaggedStack(let stack, let resources, _, _) = $0 { stack == Self.stacks[environment]! && resources.count == 1 } else { false } }
        case .untaggedEmpty: return nil
        case .wrongName(let e) where e == environment: return nil
        case .wrongName(let e) where environment == "preview":
            // A branch of a per-branch environment deploys to its own stack and no other.
            return { $0 == .stackOfAnotherBranch(stack: Self.stacks[e]!, own: Self.stacks[environment]!, branch: branch, environment: environment) }
        case .wrongName(let e):
            return { if case .stackNameOutsideEnvironment(let stack, _, let env, _, _, let owner) = $0 { stack == Self.stacks[e]! && env == environment && owner == e } else { false } }
        }
    }

    func run(_ operation: Operation, _ inputs: DeployFlow.Inputs, _ transport: FakeCloudFormation, allow: Set<AllowedRisk> = []) async throws {
        let d = deployer(fakeClient(transport))
        switch operation {
        case .plan: _ = try await DeployFlow.plan(inputs, keep: true, deployer: d)
        case .deploy: try await DeployFlow.deploy(inputs, reviewed: nil, allow: allow, deployer: d) { _ in true }
        }
    }

    func testEveryBranchAgainstEveryStack() async throws {
        var checked = 0
        for (branch, environment) in Self.branches {
            for kind in Self.kinds {
                for operation in Operation.allCases {
                    let (transport, stackOverride) = fake(kind, environment: environment)
                    let inputs = try project.inputs(branch: branch, stack: stackOverride)
                    let context = "\(operation) --branch \(branch) onto \(kind)"
                    do {
                        try await run(operation, inputs, transport)
                        XCTFail("\(context): the fake fails every write, so the flow cannot succeed")
                    } catch let error as DeployError {
                        if let refusal = expected(kind, branch: branch, environment: environment) {
                            XCTAssertTrue(refusal(error), "\(context): refused with \(error)")
                            XCTAssertEqual(transport.writes.map(\.action), [], "\(context): a refusal made a write request")
                            if case .wrongName = kind {
                                XCTAssertEqual(transport.requests.count, 0, "\(context): a stack name is refused before any request")
                            }
                        } else {
                            XCTFail("\(context): refused with \(error)")
                        }
                    } catch {
                        // Admitted: the flow went on to its first write, which the fake fails.
                        XCTAssertNil(expected(kind, branch: branch, environment: environment), "\(context): admitted, but should be refused (\(error))")
                        let first = try XCTUnwrap(transport.writes.first, context)
                        XCTAssertEqual(first.action, "CreateChangeSet", context)
                        var expectedTags = [StackTags.branchRule: branch == "main" ? "main" : branch.hasPrefix("release/") ? "release/*" : "feature/*",
                                            StackTags.environment: environment, StackTags.specHash: try inputs.target().specHash]
                        if environment == "preview" { expectedTags[StackTags.branch] = branch }
                        XCTAssertEqual(tags(of: first), expectedTags, context)
                    }
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 3 * 8 * 2)
    }

    func tags(of request: RecordedRequest) -> [String: String] {
        var tags: [String: String] = [:]
        var n = 1
        while let key = request.fields["Tags.member.\(n).Key"] {
            tags[key] = request.fields["Tags.member.\(n).Value"]
            n += 1
        }
        return tags
    }

    func testAdoptTakesOverAnUntaggedStackAndSaysWhat() async throws {
        let (transport, _) = fake(.untaggedWithResources, environment: "preview")
        let progress = RecordingProgress()
        do {
            _ = try await DeployFlow.plan(try project.inputs(branch: "feature/x", adopt: true), deployer: deployer(fakeClient(transport), progress))
            XCTFail("the fake fails CreateChangeSet")
        } catch is AWSError {}
        XCTAssertEqual(transport.writes.map(\.action), ["CreateChangeSet"])
        XCTAssertEqual(tags(of: transport.writes[0])[StackTags.environment], "preview")
        XCTAssertTrue(progress.lines.contains { $0.hasPrefix("adopting stack \(Self.stacks["preview"]!) for preview (--adopt): the change set tags it wecare:environment=preview, and what it holds (1 resource)") }, "\(progress.lines)")
        XCTAssertTrue(progress.lines.contains("  TableContacts [AWS::DynamoDB::Table] \(Self.stacks["preview"]!)-contacts"), "\(progress.lines)")
    }

    func testAdoptNeverTakesAStackOfAnotherEnvironment() async throws {
        let (transport, _) = fake(.tagged("production"), environment: "preview")
        do {
            _ = try await DeployFlow.plan(try project.inputs(branch: "feature/x", adopt: true), deployer: deployer(fakeClient(transport)))
            XCTFail("adopted production's stack")
        } catch let error as DeployError {
            XCTAssertEqual(error, .stackOfAnotherEnvironment(stack: Self.stacks["preview"]!, tagged: "production", branch: "feature/x", environment: "preview"))
        }
        XCTAssertEqual(transport.writes.count, 0)
    }

    /// The issue's report: a feature branch onto production's stack, refused before any request, with what, where and how to fix.
    func testFeatureBranchOntoProductionStackIsRefusedBeforeAnyRequest() async throws {
        let transport = FakeCloudFormation()
        do {
            try await DeployFlow.deploy(try project.inputs(branch: "feature/x", stack: "base-wecare-digital"), reviewed: nil, allow: [.dataLoss, .security],
                                        deployer: deployer(fakeClient(transport))) { _ in true }
            XCTFail("deployed a feature branch onto production")
        } catch let error as DeployError {
            XCTAssertEqual(error.description,
                           "preview is deployed per branch, and branch 'feature/x' deploys only to its own stack base-wecare-digital-preview-x-876a, "
                           + "not base-wecare-digital; leave out --stack. Nothing was sent to AWS.")
        }
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testStackNamesBelongToTheLongestPrefix() throws {
        let platform = try XCTUnwrap(try CheckRun.run(files: try SpecTree.read(root: project.root), today: testToday).platform)
        func owner(_ stack: String) -> String? { StackNaming.owner(of: stack, in: platform.environments)?.name.value }
        XCTAssertEqual(owner("base-wecare-digital"), "production")
        XCTAssertEqual(owner("base-wecare-digital-blue"), "production")
        XCTAssertEqual(owner("base-wecare-digital-preview"), "preview")
        XCTAssertEqual(owner("base-wecare-digital-preview-pr-12"), "preview")
        XCTAssertEqual(owner("base-wecare-digital-staging"), "staging")
        XCTAssertNil(owner("base-wecare-digitalx"))
        XCTAssertNil(owner("wecare-broken"))
    }
}
