import SpecModel

/// Why a deployment was refused or failed. Every refusal happens before any request that writes to AWS:
/// those about the branch, the specs, the parameters, the stack name and the plan's hashes before any request
/// at all; those about the stack and the plan's change set after read-only requests only (DescribeStacks,
/// DescribeStackEvents, ListStackResources, DescribeChangeSet).
public enum DeployError: Error, CustomStringConvertible, Equatable {
    case branchDeploysNowhere(String)
    case environmentNotDeployable(String)
    case specErrors(count: Int, report: String)
    case drift(String)
    case planMismatch([String])
    case planUnreadable(path: String, reason: String)
    case missingParameters([String])
    /// `--stack` names a stack of another environment (`owner`), or of none.
    case stackNameOutsideEnvironment(stack: String, branch: String, environment: String, rule: String, file: String, owner: String?)
    /// In an environment deployed per branch, `--stack` names another stack than the branch's own.
    case stackOfAnotherBranch(stack: String, own: String, branch: String, environment: String)
    /// The stack's `wecare:branch` tag names another branch (two branches with one slug).
    case stackTaggedForAnotherBranch(stack: String, tagged: String, branch: String)
    /// `--parameter BranchSlug=…` differs from the branch's slug.
    case slugParameter(given: String, slug: String, branch: String)
    /// The stack's `wecare:environment` tag names another environment than the branch's.
    case stackOfAnotherEnvironment(stack: String, tagged: String, branch: String, environment: String)
    /// The stack has resources and no wecare tags, and `--adopt` was not given.
    case untaggedStack(stack: String, resources: [String], branch: String, environment: String)
    /// The change set has data-loss or security changes that `--allow` does not name.
    case risksNotAllowed(risks: [String], changes: [String])
    /// `wecare destroy` for a branch whose environment is not deployed per branch (staging, production).
    case notABranchPreview(branch: String, environment: String, stack: String)
    /// `wecare destroy` found a stack whose tags do not make it the branch's own copy.
    case destroyRefused(stack: String, reason: String)
    /// The spec adopts live resources that cannot be imported as they are.
    case adoptionBlocked(environment: String, blockers: [String])
    case notConfirmed(keptChangeSet: Bool)
    case changeSetFailed(String)
    case stackFailed(status: String, failures: [String])
    case aws(String)

    public var description: String {
        switch self {
        case .branchDeploysNowhere(let b):
            "branch '\(b)' deploys nowhere: no environment's branch rules match it (main and hotfix/* → production, release/* → staging, feature/* → preview)"
        case .environmentNotDeployable(let e): "environment '\(e)' has no branches and is never deployed"
        case .specErrors(let n, _): "the specs have \(n) error\(n == 1 ? "" : "s"); `wecare check` lists them. Nothing was deployed."
        case .drift: "generated/ is not what the specs produce; run `wecare build`, review and commit. Nothing was deployed."
        case .planMismatch(let what):
            "the plan no longer matches what would be deployed (\(what.joined(separator: "; "))); run `wecare plan --out` again and review it. Nothing was executed."
        case .planUnreadable(let path, let reason): "cannot use \(path) as a plan: \(reason); write it again with `wecare plan --out`"
        case .missingParameters(let names):
            "missing template parameters: \(names.joined(separator: ", ")); pass --parameter NAME=VALUE or set WECARE_PARAM_<NAME>"
        case .stackNameOutsideEnvironment(let stack, let branch, let environment, let rule, let file, let owner):
            "stack \(stack) is \(owner.map { "named for \($0)" } ?? "named for no environment"), but branch '\(branch)' deploys to \(environment), "
                + "whose stacks are named \(rule) (naming.prefix in \(file)); leave out --stack or pick such a name. Nothing was sent to AWS."
        case .stackOfAnotherBranch(let stack, let own, let branch, let environment):
            "\(environment) is deployed per branch, and branch '\(branch)' deploys only to its own stack \(own), not \(stack); "
                + "leave out --stack. Nothing was sent to AWS."
        case .stackTaggedForAnotherBranch(let stack, let tagged, let branch):
            "stack \(stack) is the preview of branch '\(tagged)' (tag \(StackTags.branch)), not of '\(branch)': the two branches share a slug; "
                + "rename one of them, or remove the other's preview with `wecare destroy --branch \(tagged)`. Nothing was written to AWS."
        case .slugParameter(let given, let slug, let branch):
            "--parameter \(BranchSlug.parameter)=\(given) differs from branch '\(branch)''s slug \(slug); the slug is set from the branch, "
                + "leave the parameter out. Nothing was sent to AWS."
        case .stackOfAnotherEnvironment(let stack, let tagged, let branch, let environment):
            "stack \(stack) belongs to \(tagged) (tag \(StackTags.environment)=\(tagged)), but branch '\(branch)' deploys to \(environment); "
                + "deploy \(tagged) from its own branches, and \(environment) to its own stack (leave out --stack). Nothing was written to AWS."
        case .untaggedStack(let stack, let resources, let branch, let environment):
            "stack \(stack) has \(resources.count) resource\(resources.count == 1 ? "" : "s") but no \(StackTags.environment) tag, so nothing shows it is "
                + "\(environment)'s (branch '\(branch)'); if it is (a stack deployed before wecare tagged its stacks), run again with --adopt "
                + "to take it over and tag it, otherwise pick another --stack. Nothing was written to AWS."
        case .risksNotAllowed(let risks, let changes):
            // A new stack has dozens of routes and permissions: name the first few, the plan lists them all.
            "the change set has \(changes.count) \(risks.joined(separator: " and ")) change\(changes.count == 1 ? "" : "s") ("
                + changes.prefix(8).joined(separator: ", ") + (changes.count > 8 ? ", and \(changes.count - 8) more, listed in the plan" : "")
                + "); after reviewing them, pass \(risks.map { "--allow \($0)" }.joined(separator: " ")) with --yes. Nothing was executed."
        case .notABranchPreview(let branch, let environment, let stack):
            "branch '\(branch)' deploys to \(environment) (stack \(stack)), which is not deployed per branch: wecare never destroys it. "
                + "Only a branch's own preview can be destroyed. Nothing was sent to AWS."
        case .destroyRefused(let stack, let reason):
            "refusing to destroy stack \(stack): \(reason). Nothing was deleted."
        case .adoptionBlocked(let environment, let blockers):
            "the spec adopts live resources in \(environment) that cannot be imported (\(blockers.joined(separator: "; "))); "
                + "`wecare adopt --check --env \(environment)` lists what blocks. Nothing was written to AWS."
        case .notConfirmed(let kept):
            kept ? "not confirmed: nothing was executed (the plan's change set is kept for `wecare deploy --plan`)"
                : "not confirmed: nothing was executed (the change set was removed)"
        case .changeSetFailed(let reason): "CloudFormation could not create the change set: \(reason)"
        case .stackFailed(let status, _): "the deployment failed: stack is \(status)"
        case .aws(let message): message
        }
    }
}
