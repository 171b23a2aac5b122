import Foundation
import Pipeline
import SpecLoading
import SpecModel

/// What `wecare drift` compares one environment's stack and role with: the environment, its stack (named as
/// `plan` and `deploy` name it), and generated/ as committed. Building one sends nothing to AWS.
public struct DriftTarget: Sendable {
    /// How the environment is picked: by name (`--env`) or as a branch deploys (`--branch`).
    public enum Selector: Sendable, Equatable {
        case environment(String)
        case branch(String)
    }

    public var environment: String
    public var stack: String
    public var region: String
    public var platform: Platform
    /// sha256 of the specs now, as the `wecare:spec-hash` tag records it at each deployment.
    public var specHash: String
    /// generated/cloudformation/<environment>.json.
    public var template: JSONValue
    public var templatePath: String
    /// generated/iam/<environment>.json; nil when the specs give the role no policy.
    public var policy: JSONValue?
    public var policyPath: String
    /// The execution role the policy is for, by name and ARN (`existing.roles.<role>.arn`).
    public var roleName: String?
    public var roleARN: String?
    /// The generated policies of the other deployable environments: the one execution role serves them all, so
    /// a grant that one of them needs is no extra of this environment's.
    public var sharedPolicies: [String: JSONValue]
    /// Things a reader must know about the comparison itself (specs with errors, a stale generated/).
    public var notes: [String]

    public init(environment: String, stack: String, region: String, platform: Platform, specHash: String, template: JSONValue,
                templatePath: String, policy: JSONValue?, policyPath: String, roleName: String?, roleARN: String?,
                sharedPolicies: [String: JSONValue] = [:], notes: [String] = []) {
        self.environment = environment
        self.stack = stack
        self.region = region
        self.platform = platform
        self.specHash = specHash
        self.template = template
        self.templatePath = templatePath
        self.policy = policy
        self.policyPath = policyPath
        self.roleName = roleName
        self.roleARN = roleARN
        self.sharedPolicies = sharedPolicies
        self.notes = notes
    }

    /// - Parameters:
    ///   - generated: the committed generated/ folder.
    ///   - stackOverride: `--stack`; must be named for the environment, as for `deploy`.
    public static func prepare(_ selector: Selector, files: [SourceFile], generated: URL, stackOverride: String? = nil,
                               today: String) throws -> DriftTarget {
        let check = try CheckRun.run(files: files, today: today)
        guard let platform = check.platform else {
            throw DriftError.specsDoNotLoad(count: check.report.errorCount, report: check.render(.text))
        }
        let environment: Environment
        var branch: String?
        switch selector {
        case .environment(let name):
            guard let found = platform.environment(name) else {
                let names = platform.environments.map(\.name.value).sorted()
                throw DriftError.unknownEnvironment(name, known: names, suggestion: Spelling.closest(to: name, in: names))
            }
            environment = found
        case .branch(let named):
            guard let found = BranchRules.environment(for: named, in: platform.environments) else { throw DriftError.branchDeploysNowhere(named) }
            environment = found
            branch = named
        }
        let name = environment.name.value
        guard environment.isDeployable else { throw DriftError.environmentNotDeployable(name) }
        if environment.isPerBranch, branch == nil, stackOverride == nil {
            throw DriftError.perBranchNeedsBranch(environment: name, rule: StackNaming.rule(for: environment))
        }
        let stack = stackOverride ?? branch.map { StackNaming.stack(of: $0, in: environment) } ?? environment.stack
        let owner = StackNaming.owner(of: stack, in: platform.environments)
        guard owner?.name.value == name else {
            throw DriftError.stackNameOutsideEnvironment(stack: stack, environment: name, rule: StackNaming.rule(for: environment),
                                                         file: environment.file, owner: owner?.name.value)
        }

        var notes: [String] = []
        if check.report.errorCount > 0 {
            notes.append("the specs have \(check.report.errorCount) error\(check.report.errorCount == 1 ? "" : "s") (`wecare check` lists them); "
                         + "the comparison uses generated/ as committed")
        } else if !BuildRun(check: check, files: BuildRun.generate(platform)).drift(against: generated).isEmpty {
            notes.append("generated/ is not what the specs produce (run `wecare build`); the comparison uses generated/ as committed")
        }

        let templatePath = "generated/cloudformation/\(name).json", policyPath = "generated/iam/\(name).json"
        let template = try read(generated.appendingPathComponent("cloudformation/\(name).json"), shownAs: templatePath)
        var roleName: String?, roleARN: String?, policy: JSONValue?
        var shared: [String: JSONValue] = [:]
        if let role = platform.rolePolicy?.role, let arn = platform.existing(.role, role.name.value)?["arn"]?.value {
            roleARN = arn
            roleName = arn.split(separator: "/").last.map(String.init)
            policy = try read(generated.appendingPathComponent("iam/\(name).json"), shownAs: policyPath)
            for other in platform.environments where other.isDeployable && other.name.value != name {
                let url = generated.appendingPathComponent("iam/\(other.name.value).json")
                if FileManager.default.fileExists(atPath: url.path) {
                    shared[other.name.value] = try read(url, shownAs: "generated/iam/\(other.name.value).json")
                }
            }
        }
        return DriftTarget(environment: name, stack: stack, region: platform.region.value, platform: platform, specHash: DeployTarget.hash(files),
                           template: template, templatePath: templatePath, policy: policy, policyPath: policyPath, roleName: roleName,
                           roleARN: roleARN, sharedPolicies: shared, notes: notes)
    }

    static func read(_ url: URL, shownAs path: String) throws -> JSONValue {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw DriftError.generatedMissing(path: path, reason: (error as? CocoaError)?.code == .fileReadNoSuchFile ? "no such file" : "\(error.localizedDescription)")
        }
        do {
            return try JSONValue.parse(text)
        } catch {
            throw DriftError.generatedMissing(path: path, reason: "it is \(error)")
        }
    }
}
