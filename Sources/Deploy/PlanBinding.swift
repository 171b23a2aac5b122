import AWSClient

/// What makes a reviewed plan binding: `deploy --plan` executes the plan's own change set, and only while
/// everything the plan was made from is as it was. Each check lists every difference, so one run names them all.
public enum PlanBinding {
    /// What can be compared without AWS: the branch and its environment, the stack name, the specs, the template,
    /// the parameters given now.
    public static func mismatches(_ plan: DeployPlan, target: DeployTarget) -> [String] {
        var found: [String] = []
        if plan.branch != target.branch { found.append("branch was '\(plan.branch)', now '\(target.branch)'") }
        if plan.environment != target.environment {
            found.append("the plan deploys to \(plan.environment), branch '\(target.branch)' deploys to \(target.environment)")
        }
        if plan.stack != target.stack { found.append("stack was \(plan.stack), now \(target.stack)") }
        if plan.specHash != target.specHash {
            found.append("the specs changed since the plan (spec hash \(plan.specHash.prefix(12)) → \(target.specHash.prefix(12)))")
        }
        if plan.templateHash != target.templateHash {
            found.append("the template changed since the plan (template hash \(plan.templateHash.prefix(12)) → \(target.templateHash.prefix(12)))")
        }
        let now = Dictionary(target.parameters.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        for name in Set(plan.parameters.keys).union(now.keys).sorted() where plan.parameters[name] != now[name] {
            found.append("parameter \(name) was \(quoted(plan.parameters[name])), now \(quoted(now[name]))")
        }
        return found
    }

    /// What only AWS can tell: the stack is the one the plan was made against and has not changed since,
    /// and the plan's change set is still there to execute.
    public static func mismatches(_ plan: DeployPlan, stack: StackState?, changeSet: CloudFormationClient.ChangeSet?) -> [String] {
        var found: [String] = []
        guard let stack else { return ["stack \(plan.stack) no longer exists"] }
        if let id = plan.stackID, stack.stackID != id {
            found.append("stack \(plan.stack) is another stack now (id \(id) → \(stack.stackID)): it was deleted and created again")
        }
        if let stamp = plan.stackStamp {
            if stack.stamp.updated != stamp.updated {
                found.append("stack \(plan.stack) was updated since the plan (last updated \(stamp.updated) → \(stack.stamp.updated))")
            } else if stack.stamp.lastEvent != stamp.lastEvent {
                found.append("stack \(plan.stack) has new events since the plan (latest event \(stamp.lastEvent ?? "none") → \(stack.stamp.lastEvent ?? "none"))")
            }
        } else if stack.status != "REVIEW_IN_PROGRESS" {
            // The plan created the stack for review; anything else means someone deployed it meanwhile.
            found.append("stack \(plan.stack) did not exist when the plan was made and is \(stack.status) now")
        }
        guard plan.verdict == .ready, let id = plan.changeSetID else { return found }
        guard let changeSet else {
            found.append("change set \(id) no longer exists (CloudFormation deletes a stack's change sets when one is executed)")
            return found
        }
        if changeSet.status != "CREATE_COMPLETE" || changeSet.executionStatus != "AVAILABLE" {
            found.append("change set \(id) cannot be executed (status \(changeSet.status), execution status \(changeSet.executionStatus ?? "none"))")
        }
        if let planned = plan.stackID, let owner = changeSet.stackID, owner != planned {
            found.append("change set \(id) belongs to stack \(owner), not \(planned)")
        }
        return found
    }

    private static func quoted(_ value: String?) -> String { value.map { "'\($0)'" } ?? "not given" }
}
