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

        public init(branch: String, files: [SourceFile], generated: URL, parameters: [String: String], stack: String? = nil, today: String) {
            self.branch = branch
            self.files = files
            self.generated = generated
            self.parameters = parameters
            self.stack = stack
            self.today = today
        }

        public func target() throws -> DeployTarget {
            try DeployTarget.prepare(branch: branch, files: files, generated: generated, parameters: parameters, stackOverride: stack, today: today)
        }
    }

    /// Plans: creates a change set, describes it, removes it.
    public static func plan(_ inputs: Inputs, deployer: Deployer) async throws -> DeployPlan {
        try await plan(inputs) { _ in deployer }
    }

    /// Plans with a deployer made for the checked target (its region), so the specs are read and checked once.
    public static func plan(_ inputs: Inputs, makeDeployer: (DeployTarget) throws -> Deployer) async throws -> DeployPlan {
        let target = try inputs.target()
        let deployer = try makeDeployer(target)
        let prepared = try await deployer.prepareChangeSet(target)
        await deployer.discard(prepared, stack: target.stack)
        return prepared.plan
    }

    /// Deploys. Refusals (branch, check, drift, parameters, plan mismatch) throw before any request.
    /// - Parameter confirm: asked with the plan when it has changes; false removes the change set.
    @discardableResult
    public static func deploy(_ inputs: Inputs, reviewed: DeployPlan?, deployer: Deployer,
                              confirm: @Sendable (DeployPlan) async -> Bool) async throws -> DeployPlan {
        try await deploy(inputs, reviewed: reviewed, makeDeployer: { _ in deployer }, confirm: confirm)
    }

    /// Deploys with a deployer made for the checked target; nothing reaches AWS before every refusal has had its say.
    @discardableResult
    public static func deploy(_ inputs: Inputs, reviewed: DeployPlan?, makeDeployer: (DeployTarget) throws -> Deployer,
                              confirm: @Sendable (DeployPlan) async -> Bool) async throws -> DeployPlan {
        let target = try inputs.target()
        if let reviewed { try target.verify(reviewed) }
        let deployer = try makeDeployer(target)
        let prepared = try await deployer.prepareChangeSet(target)
        guard prepared.plan.verdict == .ready else { return prepared.plan }
        guard await confirm(prepared.plan) else {
            await deployer.discard(prepared, stack: target.stack)
            throw DeployError.aws("not confirmed: nothing was executed (the change set was removed)")
        }
        try await deployer.execute(prepared, stack: target.stack)
        return prepared.plan
    }
}
