/// Decides whether a branch's deployment may touch a stack, from read-only facts alone, so a refusal
/// comes before any write request. A stack is the branch's environment's when its `wecare:environment`
/// tag says so; an untagged stack with resources is nobody's until `--adopt` takes it over.
public enum StackGate {
    public enum Admission: Sendable, Equatable {
        /// No stack yet: the change set creates it with the tags.
        case newStack
        /// Tagged for this environment.
        case owned
        /// Untagged and empty (such as the stack a CREATE change set leaves for review): nothing to take over.
        case untaggedEmpty
        /// Untagged with resources, taken over with `--adopt`; the change set tags it.
        case adopting([String])
    }

    public static func admit(_ state: StackState?, target: DeployTarget, adopt: Bool) throws -> Admission {
        guard let state else { return .newStack }
        if let tagged = state.environment {
            guard tagged == target.environment else {
                throw DeployError.stackOfAnotherEnvironment(stack: state.name, tagged: tagged, branch: target.branch, environment: target.environment)
            }
            if target.branchSlug != nil, let owner = state.branch, owner != target.branch {
                throw DeployError.stackTaggedForAnotherBranch(stack: state.name, tagged: owner, branch: target.branch)
            }
            return .owned
        }
        let resources = (state.resources ?? []).map { "\($0.logicalResourceID) [\($0.resourceType)]" + ($0.physicalResourceID.map { " \($0)" } ?? "") }
        if resources.isEmpty { return .untaggedEmpty }
        guard adopt else {
            throw DeployError.untaggedStack(stack: state.name, resources: resources, branch: target.branch, environment: target.environment)
        }
        return .adopting(resources)
    }
}
