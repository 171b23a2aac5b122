import Crypto
import Foundation
import Pipeline
import SpecLoading
import SpecModel

/// What a branch deploys: checked, compared with generated/, hashed. Building one sends nothing to AWS,
/// so every refusal (unknown branch, check errors, drift, missing parameters) happens before any request.
public struct DeployTarget: Sendable {
    public var branch: String
    public var environment: String
    public var stack: String
    public var region: String
    public var templateBody: String
    public var specHash: String
    public var templateHash: String
    public var parameters: [(key: String, value: String)]

    public init(branch: String, environment: String, stack: String, region: String, templateBody: String, specHash: String,
                templateHash: String, parameters: [(key: String, value: String)]) {
        self.branch = branch
        self.environment = environment
        self.stack = stack
        self.region = region
        self.templateBody = templateBody
        self.specHash = specHash
        self.templateHash = templateHash
        self.parameters = parameters
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
        guard let environment = BranchRules.environment(for: branch, in: platform.environments) else {
            throw DeployError.branchDeploysNowhere(branch)
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
        return DeployTarget(
            branch: branch, environment: name, stack: stackOverride ?? environment.stack, region: platform.region.value,
            templateBody: template, specHash: hash(files), templateHash: hash(template),
            parameters: parameters.filter { declared.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
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

    /// Checks a reviewed plan against this target; lists every difference.
    public func verify(_ plan: DeployPlan) throws {
        var mismatches: [String] = []
        if plan.branch != branch { mismatches.append("branch was '\(plan.branch)', now '\(branch)'") }
        if plan.environment != environment { mismatches.append("environment was \(plan.environment), now \(environment)") }
        if plan.stack != stack { mismatches.append("stack was \(plan.stack), now \(stack)") }
        if plan.specHash != specHash { mismatches.append("the specs changed since the plan (spec hash \(plan.specHash.prefix(12)) → \(specHash.prefix(12)))") }
        if plan.templateHash != templateHash { mismatches.append("the template changed since the plan (template hash \(plan.templateHash.prefix(12)) → \(templateHash.prefix(12)))") }
        guard mismatches.isEmpty else { throw DeployError.planMismatch(mismatches) }
    }
}
