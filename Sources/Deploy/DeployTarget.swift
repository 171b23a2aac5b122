import Crypto
import Foundation
import Pipeline
import SpecLoading
import SpecModel

/// What a branch deploys: checked, compared with generated/, hashed. Building one sends nothing to AWS,
/// so every refusal (unknown branch, check errors, drift, missing parameters, a stack name of another
/// environment) happens before any request.
public struct DeployTarget: Sendable {
    public var branch: String
    /// The branch pattern that matched (`feature/*`), tagged on the stack.
    public var branchRule: String
    public var environment: String
    public var stack: String
    public var region: String
    public var templateBody: String
    public var specHash: String
    public var templateHash: String
    public var parameters: [(key: String, value: String)]
    /// The branch's slug when the environment is deployed per branch (the stack is then the branch's own).
    public var branchSlug: String?
    /// The live resources the environment's stack takes over (`adopt:`), as the template declares them.
    public var adopted: [AdoptedResource]
    /// What a person does around taking them over; printed with an import plan.
    public var cutoverChecklist: [String]

    public init(branch: String, branchRule: String, environment: String, stack: String, region: String, templateBody: String, specHash: String,
                templateHash: String, parameters: [(key: String, value: String)], branchSlug: String? = nil, adopted: [AdoptedResource] = [],
                cutoverChecklist: [String] = []) {
        self.branch = branch
        self.branchRule = branchRule
        self.environment = environment
        self.stack = stack
        self.region = region
        self.templateBody = templateBody
        self.specHash = specHash
        self.templateHash = templateHash
        self.parameters = parameters
        self.branchSlug = branchSlug
        self.adopted = adopted
        self.cutoverChecklist = cutoverChecklist
    }

    /// - Parameters:
    ///   - generated: the committed generated/ folder the template is read from.
    ///   - parameters: template parameter values (`--parameter`, `WECARE_PARAM_<NAME>`).
    public static func prepare(branch: String, files: [SourceFile], generated: URL, parameters: [String: String],
                               stackOverride: String? = nil, today: String) throws -> DeployTarget {
        let check = try CheckRun.run(files: files, today: today)
        guard let platform = check.platform else {
            throw DeployError.specErrors(count: check.report.errorCount, report: check.render(.text))
        }
        guard let environment = BranchRules.environment(for: branch, in: platform.environments),
              let rule = environment.branches.first(where: { Glob.matches($0.value, branch) })?.value else {
            throw DeployError.branchDeploysNowhere(branch)
        }
        let slug = StackNaming.slug(of: branch, in: environment)
        let stack = stackOverride ?? StackNaming.stack(of: branch, in: environment)
        if slug != nil, stack != StackNaming.stack(of: branch, in: environment) {
            throw DeployError.stackOfAnotherBranch(stack: stack, own: StackNaming.stack(of: branch, in: environment), branch: branch,
                                                   environment: environment.name.value)
        }
        if let slug, let given = parameters[BranchSlug.parameter], given != slug {
            throw DeployError.slugParameter(given: given, slug: slug, branch: branch)
        }
        var parameters = parameters
        parameters[BranchSlug.parameter] = slug ?? parameters[BranchSlug.parameter]
        let owner = StackNaming.owner(of: stack, in: platform.environments)
        guard owner?.name.value == environment.name.value else {
            throw DeployError.stackNameOutsideEnvironment(stack: stack, branch: branch, environment: environment.name.value,
                                                          rule: StackNaming.rule(for: environment), file: environment.file, owner: owner?.name.value)
        }
        guard check.report.errorCount == 0 else {
            throw DeployError.specErrors(count: check.report.errorCount, report: check.render(.text))
        }
        let expected = BuildRun(check: check, files: BuildRun.generate(platform))
        let drift = expected.drift(against: generated)
        guard drift.isEmpty else { throw DeployError.drift(drift) }
        let name = environment.name.value
        guard let template = expected.files.first(where: { $0.path == "cloudformation/\(name).json" })?.contents else {
            throw DeployError.environmentNotDeployable(name)
        }
        let required = try requiredParameters(of: template)
        let missing = required.filter { parameters[$0] == nil }
        guard missing.isEmpty else { throw DeployError.missingParameters(missing) }
        let declared = try declaredParameters(of: template)
        let adopted = AdoptedResource.find(in: environment, platform: platform, template: try JSONValue.parse(template))
        return DeployTarget(
            branch: branch, branchRule: rule, environment: name, stack: stack, region: platform.region.value,
            templateBody: template, specHash: hash(files), templateHash: hash(template),
            parameters: parameters.filter { declared.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, branchSlug: slug,
            adopted: adopted, cutoverChecklist: CutoverChecklist.items(platform: platform, environment: environment, adopted: adopted))
    }

    /// sha256 over every spec file, path and text, in path order.
    public static func hash(_ files: [SourceFile]) -> String {
        var hasher = SHA256()
        for f in files.sorted(by: { $0.path < $1.path }) {
            hasher.update(data: Data(f.path.utf8) + Data([0]) + Data(f.text.utf8) + Data([0]))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    public static func hash(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func parametersObject(_ template: String) throws -> [String: [String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(template.utf8)) as? [String: Any]
        return json?["Parameters"] as? [String: [String: Any]] ?? [:]
    }

    static func requiredParameters(of template: String) throws -> [String] {
        try parametersObject(template).filter { $0.value["Default"] == nil }.keys.sorted()
    }

    static func declaredParameters(of template: String) throws -> Set<String> {
        Set(try parametersObject(template).keys)
    }

    /// The tags every stack wecare creates or updates carries: they tell the next deployment whose stack it is.
    public var tags: [(key: String, value: String)] {
        [(StackTags.environment, environment), (StackTags.specHash, specHash), (StackTags.branchRule, branchRule)]
            + (branchSlug == nil ? [] : [(StackTags.branch, branch)])
    }
}
