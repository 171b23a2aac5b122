import AWSClient
import Foundation
import Pipeline
import SpecLoading

/// `wecare plan` and `wecare deploy` as library calls: the CLI adds only printing and the prompt.
public enum DeployFlow {
    /// Everything a run needs besides AWS.
    public struct Inputs: Sendable {
        public var branch: String
        public var files: [SourceFile]
        public var generated: URL
        public var parameters: [String: String]
        public var stack: String?
        public var today: String
        /// Take over a stack that has resources but no wecare tags (`--adopt`).
        public var adopt: Bool
        /// Create the live resources the spec adopts, in an account that has none of them (`--create-adopted`).
        public var createAdopted: Bool

        public init(branch: String, files: [SourceFile], generated: URL, parameters: [String: String], stack: String? = nil, today: String,
                    adopt: Bool = false, createAdopted: Bool = false) {
            self.branch = branch
            self.files = files
            self.generated = generated
            self.parameters = parameters
            self.stack = stack
            self.today = today
            self.adopt = adopt
            self.createAdopted = createAdopted
        }

        public func target() throws -> DeployTarget {
            try DeployTarget.prepare(branch: branch, files: files, generated: generated, parameters: parameters, stackOverride: stack, today: today)
        }
    }

    /// Plans: admits the stack, creates a change set and describes it.
    /// - Parameter keep: leave the change set for `deploy --plan` (`plan --out`); otherwise it is removed.
    public static func plan(_ inputs: Inputs, keep: Bool = false, deployer: Deployer) async throws -> DeployPlan {
        try await plan(inputs, keep: keep) { _ in deployer }
    }

    /// Plans with a deployer made for the checked target (its region), so the specs are read and checked once.
    public static func plan(_ inputs: Inputs, keep: Bool = false, makeDeployer: (DeployTarget) throws -> Deployer) async throws -> DeployPlan {
        let target = try inputs.target()
        let deployer = try makeDeployer(target)
        let prepared = try await deployer.prepareChangeSet(target, adopt: inputs.adopt, createAdopted: inputs.createAdopted)
        if !keep || prepared.plan.verdict != .ready { await deployer.discard(prepared, stack: target.stack) }
        return prepared.plan
    }

    /// Deploys. Refusals (branch, check, drift, parameters, stack name, plan hashes and parameters, risks) throw
    /// before any request; those about the stack (its environment tag, the plan's stamp and change set) after
    /// read-only requests, before any write.
    /// - Parameters:
    ///   - reviewed: a plan from `plan --out`: its own change set is executed, none is created.
    ///   - allow: the risk classes the change set may have (`--allow`).
    ///   - confirm: asked with the plan when it has changes; false executes nothing.
    @discardableResult
    public static func deploy(_ inputs: Inputs, reviewed: DeployPlan?, allow: Set<AllowedRisk> = [], deployer: Deployer,
                              confirm: @Sendable (DeployPlan) async -> Bool) async throws -> DeployPlan {
        try await deploy(inputs, reviewed: reviewed, allow: allow, makeDeployer: { _ in deployer }, confirm: confirm)
    }

    /// Deploys with a deployer made for the checked target; nothing is written to AWS before every refusal has had its say.
    @discardableResult
    public static func deploy(_ inputs: Inputs, reviewed: DeployPlan?, allow: Set<AllowedRisk> = [], makeDeployer: (DeployTarget) throws -> Deployer,
                              confirm: @Sendable (DeployPlan) async -> Bool) async throws -> DeployPlan {
        let target = try inputs.target()
        let executed: DeployPlan
        if let reviewed {
            executed = try await deployReviewed(reviewed, target: target, adopt: inputs.adopt, allow: allow, makeDeployer: makeDeployer, confirm: confirm)
        } else {
            executed = try await deployOnce(inputs, target: target, allow: allow, makeDeployer: makeDeployer, confirm: confirm)
        }
        // An import only takes the live resources in; the spec's values for them and everything else come with the update.
        guard executed.verdict == .ready, executed.changeSetType == CloudFormationClient.ChangeSetType.`import`.rawValue else { return executed }
        return try await deployOnce(inputs, target: target, allow: allow, makeDeployer: makeDeployer, confirm: confirm)
    }

    static func deployOnce(_ inputs: Inputs, target: DeployTarget, allow: Set<AllowedRisk>, makeDeployer: (DeployTarget) throws -> Deployer,
                           confirm: @Sendable (DeployPlan) async -> Bool) async throws -> DeployPlan {
        let deployer = try makeDeployer(target)
        let prepared = try await deployer.prepareChangeSet(target, adopt: inputs.adopt, createAdopted: inputs.createAdopted)
        guard prepared.plan.verdict == .ready else { return prepared.plan }
        do {
            try AllowedRisk.check(prepared.plan.changes, allowed: allow)
        } catch {
            await deployer.discard(prepared, stack: target.stack)
            throw error
        }
        guard await confirm(prepared.plan) else {
            await deployer.discard(prepared, stack: target.stack)
            throw DeployError.notConfirmed(keptChangeSet: false)
        }
        try await deployer.execute(prepared, stack: target.stack)
        return prepared.plan
    }

    /// Executes a reviewed plan's own change set, only while everything it was made from is as it was.
    static func deployReviewed(_ plan: DeployPlan, target: DeployTarget, adopt: Bool, allow: Set<AllowedRisk>,
                               makeDeployer: (DeployTarget) throws -> Deployer, confirm: @Sendable (DeployPlan) async -> Bool) async throws -> DeployPlan {
        let local = PlanBinding.mismatches(plan, target: target)
        guard local.isEmpty else { throw DeployError.planMismatch(local) }
        try AllowedRisk.check(plan.changes, allowed: allow)
        let deployer = try makeDeployer(target)
        let state = try await deployer.admit(target, adopt: adopt)
        var changeSet: CloudFormationClient.ChangeSet?
        if plan.verdict == .ready, let id = plan.changeSetID { changeSet = try await deployer.changeSet(id: id) }
        let remote = PlanBinding.mismatches(plan, stack: state, changeSet: changeSet)
        guard remote.isEmpty else { throw DeployError.planMismatch(remote) }
        guard plan.verdict == .ready, let id = plan.changeSetID else { return plan }
        guard await confirm(plan) else { throw DeployError.notConfirmed(keptChangeSet: true) }
        try await deployer.execute(changeSetID: id, stackID: plan.stackID, stack: target.stack, changes: plan.changes.count)
        return plan
    }
}
