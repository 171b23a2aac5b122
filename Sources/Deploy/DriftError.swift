/// Why `wecare drift` could not compare at all. Each is a usage or I/O error (exit 2): a drift run that cannot
/// look must never pass as "no drift". Those about the environment, the specs and generated/ come before any
/// request to AWS; those about the stack after DescribeStacks alone.
public enum DriftError: Error, CustomStringConvertible, Equatable {
    case unknownEnvironment(String, known: [String], suggestion: String?)
    case branchDeploysNowhere(String)
    case environmentNotDeployable(String)
    case specsDoNotLoad(count: Int, report: String)
    /// `--stack` names a stack of another environment (`owner`), or of none.
    case stackNameOutsideEnvironment(stack: String, environment: String, rule: String, file: String, owner: String?)
    /// `--env` names an environment deployed per branch, without `--branch` or `--stack` to say whose copy.
    case perBranchNeedsBranch(environment: String, rule: String)
    case generatedMissing(path: String, reason: String)
    case stackNotFound(stack: String, environment: String)
    /// The stack's `wecare:environment` tag names another environment.
    case stackOfAnotherEnvironment(stack: String, tagged: String, environment: String)
    case aws(String)

    public var description: String {
        switch self {
        case .unknownEnvironment(let name, let known, let suggestion):
            "no environment '\(name)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "") + " (environments: \(known.joined(separator: ", ")))"
        case .branchDeploysNowhere(let b):
            "branch '\(b)' deploys nowhere: no environment's branch rules match it, so it has no stack to compare"
        case .environmentNotDeployable(let e): "environment '\(e)' has no branches and is never deployed, so it has no stack to compare"
        case .specsDoNotLoad(let n, _):
            "the specs have \(n) error\(n == 1 ? "" : "s") and do not load into a model; `wecare check` lists them. Nothing was compared."
        case .stackNameOutsideEnvironment(let stack, let environment, let rule, let file, let owner):
            "stack \(stack) is \(owner.map { "named for \($0)" } ?? "named for no environment"), not for \(environment), "
                + "whose stacks are named \(rule) (naming.prefix in \(file)); leave out --stack or pick such a name. Nothing was sent to AWS."
        case .perBranchNeedsBranch(let environment, let rule):
            "\(environment) is deployed per branch (stacks named \(rule)); say whose copy to compare with --branch NAME "
                + "(or --stack NAME; `wecare previews` lists them). Nothing was sent to AWS."
        case .generatedMissing(let path, let reason):
            "cannot read \(path): \(reason); run `wecare build` and commit generated/"
        case .stackNotFound(let stack, let environment):
            "stack \(stack) does not exist: nothing of \(environment) is deployed there to compare (deploy it, or name it with --stack)"
        case .stackOfAnotherEnvironment(let stack, let tagged, let environment):
            "stack \(stack) belongs to \(tagged) (tag \(StackTags.environment)=\(tagged)), not to \(environment); "
                + "compare \(tagged) with --env \(tagged), and \(environment) with its own stack (leave out --stack). Nothing was compared."
        case .aws(let message): message
        }
    }
}
