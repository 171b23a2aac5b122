/// Why a deployment was refused or failed. Every refusal happens before any request to AWS.
public enum DeployError: Error, CustomStringConvertible, Equatable {
    case branchDeploysNowhere(String)
    case environmentNotDeployable(String)
    case specErrors(count: Int, report: String)
    case drift(String)
    case planMismatch([String])
    case missingParameters([String])
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
        case .planMismatch(let what): "the plan no longer matches what would be deployed (\(what.joined(separator: "; "))); run `wecare plan --out` again and review it"
        case .missingParameters(let names):
            "missing template parameters: \(names.joined(separator: ", ")); pass --parameter NAME=VALUE or set WECARE_PARAM_<NAME>"
        case .changeSetFailed(let reason): "CloudFormation could not create the change set: \(reason)"
        case .stackFailed(let status, _): "the deployment failed: stack is \(status)"
        case .aws(let message): message
        }
    }
}
