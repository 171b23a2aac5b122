import AWSClient
import Deploy
import Foundation
import SpecModel
import XCTest

/// Previews per branch: each feature branch deploys its own stack, named with its slug; destroy removes only
/// a branch's own preview. Refusals are proven with a counting transport (nothing sent) or a fake
/// CloudFormation (nothing written).
final class PreviewTests: XCTestCase {
    var transport = CountingTransport()
    var project: TempProject!

    override func setUpWithError() throws {
        transport = CountingTransport()
        project = try TempProject()
    }

    override func tearDown() { project.remove() }

    // MARK: - The slug

    func testSlugsAreShortStableAndDistinct() throws {
        let branches = ["feature/add-login", "feature/add-logout", "feature/Add-Login_2", "feature/x", "feature/---", "feature/é",
                        "feature/" + String(repeating: "very-long-branch-name-", count: 20), "feature/a/b/c", "hotfix/urgent"]
        let pattern = try NSRegularExpression(pattern: BranchSlug.pattern)
        var seen = Set<String>()
        for branch in branches {
            let slug = BranchSlug.slug(for: branch, rule: "feature/*")
            XCTAssertLessThanOrEqual(slug.count, BranchSlug.maxLength, slug)
            XCTAssertNotNil(pattern.firstMatch(in: slug, range: NSRange(slug.startIndex..., in: slug)), "\(branch) → \(slug) does not match the parameter's pattern")
            XCTAssertEqual(slug, BranchSlug.slug(for: branch, rule: "feature/*"))
            XCTAssertTrue(seen.insert(slug).inserted, "\(branch) → \(slug) twice")
        }
        // Names are built from slugs: the function must never change for a branch that exists.
        XCTAssertEqual(BranchSlug.slug(for: "feature/add-login", rule: "feature/*"), "add-lo-\(hex("feature/add-login"))")
        XCTAssertEqual(BranchSlug.slug(for: "feature/Add-Login_2", rule: "feature/*").prefix(7), "add-lo-")
        XCTAssertEqual(BranchSlug.slug(for: "feature/---", rule: "feature/*"), hex("feature/---"))
    }

    /// FNV-1a, 32 bits, low 16 bits in hex: written out here so that a change to the slug's function fails.
    private func hex(_ s: String) -> String {
        var h: UInt32 = 2_166_136_261
        for b in s.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        let x = String(h & 0xffff, radix: 16)
        return String(repeating: "0", count: 4 - x.count) + x
    }

    // MARK: - Deploy targets

    func testTwoBranchesDeployTwoStacksFromOneTemplate() throws {
        let a = try project.inputs(branch: "feature/add-login").target()
        let b = try project.inputs(branch: "feature/add-logout").target()
        let slugA = BranchSlug.slug(for: "feature/add-login", rule: "feature/*")
        XCTAssertEqual(a.stack, "base-wecare-digital-preview-\(slugA)")
        XCTAssertNotEqual(a.stack, b.stack)
        XCTAssertEqual(a.templateBody, b.templateBody, "one template, the slug is a parameter")
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: a.parameters.map { ($0.key, $0.value) })[BranchSlug.parameter], slugA)
        XCTAssertTrue(a.tags.contains { $0.key == StackTags.branch && $0.value == "feature/add-login" }, "\(a.tags)")
        // Staging and production stay one stack each, without a branch tag.
        let staging = try project.inputs(branch: "release/1.0").target()
        XCTAssertEqual(staging.stack, "base-wecare-digital-staging")
        XCTAssertNil(staging.branchSlug)
        XCTAssertFalse(staging.tags.contains { $0.key == StackTags.branch })
    }

    func testTheTemplateNamesEverythingWithTheSlug() throws {
        let template = try project.inputs(branch: "feature/x").target().templateBody
        XCTAssertTrue(template.contains(#""Fn::Sub": "base-wecare-digital-preview-${BranchSlug}-ContactsTable""#), "tables")
        XCTAssertTrue(template.contains(#""Fn::Sub": "base-wecare-digital-preview-${BranchSlug}-inbound-whatsapp-handler""#), "functions")
        XCTAssertTrue(template.contains(#""Fn::Sub": "preview/${BranchSlug}/"#), "object prefixes")
        XCTAssertEqual(template.components(separatedBy: #""base-wecare-digital-preview-"#).count,
                       template.components(separatedBy: #""base-wecare-digital-preview-${BranchSlug}-"#).count, "a physical name without the slug")
        let policy = try String(contentsOf: project.root.appendingPathComponent("generated/iam/preview.json"), encoding: .utf8)
        XCTAssertTrue(policy.contains("table/base-wecare-digital-preview-*-ContactsTable"), "the role's policy covers every branch's copy")
    }

    func testAnotherBranchsStackIsRefusedBeforeAnyRequest() async throws {
        let other = try project.inputs(branch: "feature/b").target().stack
        do {
            try await DeployFlow.deploy(try project.inputs(branch: "feature/a", stack: other), reviewed: nil,
                                        deployer: deployer(fakeClient(transport))) { _ in true }
            XCTFail("deployed onto another branch's preview")
        } catch let DeployError.stackOfAnotherBranch(stack, own, branch, environment) {
            XCTAssertEqual([stack, branch, environment], [other, "feature/a", "preview"])
            XCTAssertEqual(own, try project.inputs(branch: "feature/a").target().stack)
        }
        // The environment's bare stack is no branch's either.
        do {
            _ = try project.inputs(branch: "feature/a", stack: "base-wecare-digital-preview").target()
            XCTFail("deployed onto the bare preview stack")
        } catch DeployError.stackOfAnotherBranch {}
        XCTAssertEqual(transport.count, 0)
    }

    func testASlugParameterOtherThanTheBranchsIsRefused() throws {
        var parameters = ["CodeBucket": "wecare-code", "UserPoolClientId": "local"]
        parameters[BranchSlug.parameter] = "other-0000"
        XCTAssertThrowsError(try project.inputs(branch: "feature/a", parameters: parameters).target()) { error in
            guard case DeployError.slugParameter(given: "other-0000", _, "feature/a") = error else { return XCTFail("\(error)") }
        }
    }

    func testAStackTaggedForAnotherBranchWithTheSameSlugIsRefusedBeforeAnyWrite() async throws {
        let target = try project.inputs(branch: "feature/a").target()
        let fake = FakeCloudFormation(stack: .init(name: target.stack, id: "arn:stack/\(target.stack)/1",
                                                   tags: [StackTags.environment: "preview", StackTags.branch: "feature/A"]))
        do {
            try await DeployFlow.deploy(try project.inputs(branch: "feature/a"), reviewed: nil, deployer: deployer(fakeClient(fake))) { _ in true }
            XCTFail("deployed onto another branch's preview")
        } catch let DeployError.stackTaggedForAnotherBranch(_, tagged, branch) {
            XCTAssertEqual([tagged, branch], ["feature/A", "feature/a"])
        }
        XCTAssertEqual(fake.writes.map(\.action), [])
    }

    // MARK: - Destroy

    func testDestroyRefusesStagingAndProductionBeforeAnyRequest() throws {
        for branch in ["main", "hotfix/x", "release/2.0"] {
            XCTAssertThrowsError(try DestroyTarget.prepare(branch: branch, files: try project.inputs(branch: branch).files, today: testToday)) { error in
                guard case DeployError.notABranchPreview(branch, _, _) = error else { return XCTFail("\(branch): \(error)") }
            }
        }
        XCTAssertThrowsError(try DestroyTarget.prepare(branch: "develop", files: try project.inputs(branch: "develop").files, today: testToday)) {
            XCTAssertEqual($0 as? DeployError, .branchDeploysNowhere("develop"))
        }
    }

    func testDestroyRefusesAStackWhoseTagsDoNotSayItIsTheBranchsPreview() async throws {
        let target = try DestroyTarget.prepare(branch: "feature/a", files: try project.inputs(branch: "feature/a").files, today: testToday)
        let cases: [(tags: [String: String], reason: String)] = [
            ([:], "no tags"),
            ([StackTags.environment: "production", StackTags.branch: "feature/a"], "do not say"),
            ([StackTags.environment: "preview"], "do not say"),
            ([StackTags.environment: "preview", StackTags.branch: "feature/b"], "of branch 'feature/b'"),
        ]
        for c in cases {
            let fake = FakeCloudFormation(stack: .init(name: target.stack, id: "arn:stack/\(target.stack)/1", tags: c.tags))
            do {
                _ = try await deployer(fakeClient(fake)).destroy(target) { _ in true }
                XCTFail("destroyed a stack tagged \(c.tags)")
            } catch let DeployError.destroyRefused(stack, reason) {
                XCTAssertEqual(stack, target.stack)
                XCTAssertTrue(reason.contains(c.reason), reason)
            }
            XCTAssertEqual(fake.writes.map(\.action), [], "\(c.tags)")
        }
        // No stack: nothing to destroy, and nothing written.
        let empty = FakeCloudFormation()
        let outcome = try await deployer(fakeClient(empty)).destroy(target) { _ in true }
        XCTAssertEqual(outcome, .nothingToDestroy)
        XCTAssertEqual(empty.writes.map(\.action), [])
    }

    func testPreviewListing() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let previews = [
            PreviewStack(stack: "base-wecare-digital-preview-add-lo-1a2b", stackID: "id-1", environment: "preview", branch: "feature/add-login",
                         status: "UPDATE_COMPLETE", created: now.addingTimeInterval(-3 * 86_400 - 7200), updated: now.addingTimeInterval(-300)),
            PreviewStack(stack: "base-wecare-digital-preview-x-0f0f", stackID: "id-2", environment: "preview", branch: "feature/x",
                         status: "CREATE_COMPLETE", created: now.addingTimeInterval(-45), updated: nil),
        ]
        XCTAssertEqual(Previews.text(previews, now: now), """
            STACK                                    BRANCH             AGE    UPDATED  STATUS
            base-wecare-digital-preview-add-lo-1a2b  feature/add-login  3d 2h  5m ago   UPDATE_COMPLETE
            base-wecare-digital-preview-x-0f0f       feature/x          45s    never    CREATE_COMPLETE

            """)
        let json = Previews.json(previews, now: now)
        XCTAssertTrue(json.contains(#""ageSeconds": 266400"#), json)
        XCTAssertTrue(json.contains(#""created": "2027-01-12T06:00:00Z""#), json)
        XCTAssertEqual(Previews.text([], now: now), "no branch previews\n")
    }
}
