import AWSClient
import Foundation
import SpecModel

/// Creates and executes CloudFormation change sets and follows the stack to a final state.
public struct Deployer: Sendable {
    public let cloudFormation: CloudFormationClient
    public let progress: any DeployProgress
    public let now: @Sendable () -> Date
    public let pause: @Sendable (Duration) async throws -> Void
    /// How long to wait for a change set or a stack before giving up.
    public let timeout: Duration

    public init(cloudFormation: CloudFormationClient, progress: any DeployProgress, now: @escaping @Sendable () -> Date = Date.init,
                pause: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }, timeout: Duration = .seconds(3600)) {
        self.cloudFormation = cloudFormation
        self.progress = progress
        self.now = now
        self.pause = pause
        self.timeout = timeout
    }

    /// A change set created against the stack (or a new stack) and described; `keep` leaves it for execution.
    public struct PreparedChangeSet: Sendable {
        public var plan: DeployPlan
        public var name: String
        /// The change set's ARN.
        public var id: String
        /// The stack's id as the change set names it: followed by id, never by name, so that a stack
        /// replaced meanwhile under the same name can never be mistaken for ours.
        public var stackID: String?
        /// True when the stack did not exist before this change set (CloudFormation created it empty).
        public var createdStack: Bool
    }

    static let terminalSuccess: Set<String> = ["CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"]

    /// Reads the stack with read-only calls only: DescribeStacks, its newest event, and, for a stack without an
    /// environment tag, its resources. Nil when there is no such stack.
    public func inspect(stack name: String) async throws -> StackState? {
        guard let stack = try await cloudFormation.describeStack(name: name) else { return nil }
        let lastEvent = try await cloudFormation.latestStackEvent(stackName: stack.stackID.isEmpty ? name : stack.stackID)
        var state = StackState(name: stack.name, stackID: stack.stackID, status: stack.status, tags: stack.tags,
                               stamp: StackStamp(updated: stack.lastUpdatedTime ?? stack.creationTime ?? "", lastEvent: lastEvent?.eventID))
        if state.environment == nil {
            state.resources = try await cloudFormation.listStackResources(stackName: stack.stackID.isEmpty ? name : stack.stackID)
        }
        return state
    }

    /// Reads the stack and lets the gate decide, before anything is written; says what an adoption takes over.
    public func admit(_ target: DeployTarget, adopt: Bool) async throws -> StackState? {
        let state = try await inspect(stack: target.stack)
        if case .adopting(let resources) = try StackGate.admit(state, target: target, adopt: adopt) {
            progress.note("adopting stack \(target.stack) for \(target.environment) (--adopt): the change set tags it \(StackTags.environment)=\(target.environment), "
                          + "and what it holds (\(resources.count) resource\(resources.count == 1 ? "" : "s")) is \(target.environment)'s from now on:")
            for r in resources { progress.note("  \(r)") }
        }
        return state
    }

    /// A change set by ARN, or nil when CloudFormation no longer has it.
    public func changeSet(id: String) async throws -> CloudFormationClient.ChangeSet? {
        do {
            return try await cloudFormation.describeChangeSet(changeSetName: id)
        } catch let error as AWSError where error.code == "ChangeSetNotFound" || error.code == "ChangeSetNotFoundException"
            || (error.code == "ValidationError" && error.message.contains("does not exist")) {
            return nil
        }
    }

    /// Admits the stack, then creates a change set carrying the stack's tags and describes it.
    /// With no changes the change set is deleted and the verdict is `noChanges`.
    /// - Parameter createAdopted: create the resources the spec adopts instead of importing them, in an account that has
    ///   none of them (an emulator without imports, a new account); refused for any that exists.
    public func prepareChangeSet(_ target: DeployTarget, adopt: Bool = false, createAdopted: Bool = false) async throws -> PreparedChangeSet {
        let existing = try await admit(target, adopt: adopt)
        if let status = existing?.status, status == "ROLLBACK_COMPLETE" || status == "ROLLBACK_FAILED" {
            throw DeployError.aws("stack \(target.stack) is \(status) after a failed creation and cannot be updated; delete it (aws cloudformation delete-stack --stack-name \(target.stack)) and deploy again")
        }
        let adoption = try await readAdoption(target, existing: existing, createAdopted: createAdopted)
        let fresh = existing == nil || existing?.status == "REVIEW_IN_PROGRESS"
        let type: CloudFormationClient.ChangeSetType = adoption != nil ? .`import` : fresh ? .create : .update
        let name = "wecare-\(target.templateHash.prefix(12))-\(Int(now().timeIntervalSince1970))"
        let description = "wecare: branch \(target.branch), spec \(target.specHash.prefix(12))"
        var templateBody = target.templateBody
        var parameters = target.parameters.map { CloudFormationClient.Parameter(key: $0.key, value: $0.value) }
        var tags = target.tags.map { CloudFormationClient.Tag(key: $0.key, value: $0.value) }
        var imports: [CloudFormationClient.ResourceToImport] = []
        if let adoption {
            // An import may change nothing but add the resources: the stack's own template, parameters and tags stay.
            var base: JSONValue?
            if !fresh { base = try JSONValue.parse(try await cloudFormation.getTemplate(stackName: existing?.stackID ?? target.stack)) }
            let importSet = ImportChangeSet.make(importing: adoption.toImport, base: base, description: description)
            let declared = try base.map { try DeployTarget.declaredParameters(of: $0.rendered()) } ?? []
            templateBody = importSet.templateBody
            imports = importSet.resources
            parameters = parameters.filter { declared.contains($0.key) }
            if let existing, !fresh { tags = existing.tags.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: $0.value) } }
            progress.note("importing \(imports.count) live resource\(imports.count == 1 ? "" : "s") into stack \(target.stack) as they are "
                          + "(the spec adopts them); the normal update follows once the import has run")
        }
        progress.note("creating change set \(name) (\(type.rawValue)) on stack \(target.stack)")
        let created = try await cloudFormation.createChangeSet(
            stackName: target.stack, changeSetName: name, type: type, templateBody: templateBody,
            parameters: parameters, description: description, tags: tags, resourcesToImport: imports)
        let deadline = now().addingTimeInterval(seconds(timeout))
        var changeSet = try await cloudFormation.describeChangeSet(changeSetName: created.changeSetID)
        while changeSet.status.hasSuffix("_PENDING") || changeSet.status.hasSuffix("_IN_PROGRESS") {
            guard now() < deadline else { throw DeployError.changeSetFailed("still \(changeSet.status) after \(timeout)") }
            try await pause(.milliseconds(500))
            changeSet = try await cloudFormation.describeChangeSet(changeSetName: created.changeSetID)
        }
        let stackID = created.stackID ?? changeSet.stackID ?? existing?.stackID
        func plan(_ verdict: DeployPlan.Verdict, _ changes: [DeployPlan.Change]) -> DeployPlan {
            DeployPlan(branch: target.branch, environment: target.environment, stack: target.stack, specHash: target.specHash,
                       templateHash: target.templateHash, verdict: verdict, changeSetName: verdict == .ready ? name : nil,
                       changeSetType: type.rawValue, changes: changes, branchRule: target.branchRule, stackID: stackID,
                       stackStamp: existing?.stamp, parameters: Dictionary(target.parameters.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                       changeSetID: verdict == .ready ? created.changeSetID : nil, adoption: adoption)
        }
        if changeSet.status == "FAILED" {
            let reason = changeSet.statusReason ?? ""
            if reason.contains("didn't contain changes") || reason.contains("No updates are to be performed") {
                try? await cloudFormation.deleteChangeSet(changeSetName: created.changeSetID)
                return PreparedChangeSet(plan: plan(.noChanges, []), name: name, id: created.changeSetID, stackID: stackID, createdStack: existing == nil)
            }
            throw DeployError.changeSetFailed(reason.isEmpty ? "status FAILED" : reason)
        }
        let imported = Set(imports.map(\.logicalResourceID))
        let changes = changeSet.changes.map { c -> DeployPlan.Change in
            // CloudFormation reports an imported resource as `Import`; emulators without imports say `Add`.
            let action = imported.contains(c.logicalResourceID) ? "Import" : c.action
            let (risk, why) = ChangeRisk.classify(action: action, resourceType: c.resourceType, replacement: c.replacement)
            return DeployPlan.Change(action: action, logicalID: c.logicalResourceID, resourceType: c.resourceType,
                                     replacement: c.replacement, risk: risk, why: why)
        }.sorted { ($0.action, $0.logicalID) < ($1.action, $1.logicalID) }
        return PreparedChangeSet(plan: plan(changes.isEmpty ? .noChanges : .ready, changes), name: name, id: created.changeSetID,
                                 stackID: stackID, createdStack: existing == nil)
    }

    /// Reads the live resources the spec adopts that the stack does not hold yet; nil when there is nothing to import.
    /// Anything that blocks an import refuses the deployment before any write.
    func readAdoption(_ target: DeployTarget, existing: StackState?, createAdopted: Bool) async throws -> AdoptionReport? {
        guard !target.adopted.isEmpty else { return nil }
        let report = try await AdoptionInspector(client: cloudFormation.client).inspect(
            environment: target.environment, stack: target.stack, stackID: existing.map { $0.stackID.isEmpty ? target.stack : $0.stackID }, adopted: target.adopted,
            checklist: target.cutoverChecklist, createAdopted: createAdopted)
        guard !report.blocked else { throw DeployError.adoptionBlocked(environment: target.environment, blockers: report.blockers) }
        return report.toImport.isEmpty ? nil : report
    }

    /// Removes a change set that will not be executed (after `wecare plan` without `--out`, or a declined prompt).
    /// Such a plan leaves nothing behind: the change set goes, and so does the empty stack a CREATE change set made.
    public func discard(_ prepared: PreparedChangeSet, stack: String) async {
        try? await cloudFormation.deleteChangeSet(changeSetName: prepared.id)
        if prepared.createdStack, let id = prepared.stackID,
           (try? await cloudFormation.describeStack(name: id))??.status == "REVIEW_IN_PROGRESS" {
            try? await cloudFormation.deleteStack(name: id)
        }
    }

    /// Executes the change set and follows the stack events until the stack reaches a final state.
    public func execute(_ prepared: PreparedChangeSet, stack: String) async throws {
        try await execute(changeSetID: prepared.id, stackID: prepared.stackID, stack: stack, changes: prepared.plan.changes.count)
    }

    /// Executes a change set by its ARN (never by name, which another change set could take) and follows the stack.
    public func execute(changeSetID: String, stackID: String?, stack: String, changes: Int) async throws {
        let started = now().addingTimeInterval(-1)
        do {
            try await cloudFormation.executeChangeSet(changeSetName: changeSetID)
        } catch let error as AWSError {
            // Some emulators reject a resource while executing instead of recording a failed event:
            // show the rejection and whatever events the stack has, and fail.
            let events = (try? await cloudFormation.describeStackEvents(stackName: stackID ?? stack)) ?? []
            for e in events.reversed() { progress.event(e, done: 0, total: max(changes, 1)) }
            let status = (try? await cloudFormation.describeStack(name: stackID ?? stack))??.status ?? "unknown"
            progress.finished(status: status)
            throw DeployError.stackFailed(status: status, failures: ["ExecuteChangeSet rejected by CloudFormation: \(error.code): \(error.message)"]
                + events.filter { $0.status.hasSuffix("_FAILED") }.map { "\($0.logicalResourceID) [\($0.resourceType)] \($0.status): \($0.statusReason ?? "")" })
        }
        var seen = Set<String>()
        var done = 0
        let total = max(changes, 1)
        let deadline = now().addingTimeInterval(seconds(timeout))
        var failures: [String] = []
        while true {
            let events = try await cloudFormation.describeStackEvents(stackName: stackID ?? stack)
                .filter { $0.timestamp >= started && !seen.contains($0.eventID) }
                .sorted { $0.timestamp < $1.timestamp }
            for e in events {
                seen.insert(e.eventID)
                if e.logicalResourceID != stack, e.status.hasSuffix("_COMPLETE") { done += 1 }
                if e.status.hasSuffix("_FAILED") {
                    failures.append("\(e.logicalResourceID) [\(e.resourceType)] \(e.status): \(e.statusReason ?? "no reason given")")
                }
                progress.event(e, done: min(done, total), total: total)
            }
            guard let stackNow = try await cloudFormation.describeStack(name: stackID ?? stack) else {
                throw DeployError.aws("stack \(stack) disappeared while deploying")
            }
            let status = stackNow.status
            if !status.hasSuffix("_IN_PROGRESS") {
                progress.finished(status: status)
                if Self.terminalSuccess.contains(status) { return }
                if failures.isEmpty, let reason = stackNow.statusReason { failures.append("\(stack): \(reason)") }
                throw DeployError.stackFailed(status: status, failures: failures)
            }
            guard now() < deadline else { throw DeployError.aws("stack \(stack) still \(status) after \(timeout)") }
            try await pause(.seconds(2))
        }
    }

    private func seconds(_ d: Duration) -> TimeInterval {
        TimeInterval(d.components.seconds) + TimeInterval(d.components.attoseconds) / 1e18
    }
}
