import AWSClient
import Foundation
import Pipeline
import SpecLoading
import SpecModel

/// A branch's own copy of an environment deployed per branch, as its stack's tags tell it.
public struct PreviewStack: Sendable, Equatable {
    public var stack: String
    public var stackID: String
    public var environment: String
    public var branch: String
    public var status: String
    public var created: Date?
    public var updated: Date?

    public init(stack: String, stackID: String, environment: String, branch: String, status: String, created: Date?, updated: Date?) {
        self.stack = stack
        self.stackID = stackID
        self.environment = environment
        self.branch = branch
        self.status = status
        self.created = created
        self.updated = updated
    }
}

/// `wecare previews` and `wecare destroy`: the branches' own stacks of the environments deployed per branch.
public enum Previews {
    /// Every stack tagged as a branch's copy of one of these environments (one DescribeStacks listing).
    public static func list(_ cloudFormation: CloudFormationClient, environments: [Environment]) async throws -> [PreviewStack] {
        let perBranch = Set(environments.filter(\.isPerBranch).map(\.name.value))
        return try await cloudFormation.describeStacks().compactMap { s in
            guard let environment = s.tags[StackTags.environment], perBranch.contains(environment), let branch = s.tags[StackTags.branch] else { return nil }
            return PreviewStack(stack: s.name, stackID: s.stackID, environment: environment, branch: branch, status: s.status,
                                created: s.creationTime.flatMap(AWSTimestamp.parse), updated: s.lastUpdatedTime.flatMap(AWSTimestamp.parse))
        }.sorted { ($0.environment, $0.branch) < ($1.environment, $1.branch) }
    }

    /// A table for people: stack, branch, age, last update, status.
    public static func text(_ previews: [PreviewStack], now: Date) -> String {
        guard !previews.isEmpty else { return "no branch previews\n" }
        let rows = [["STACK", "BRANCH", "AGE", "UPDATED", "STATUS"]] + previews.map { p in
            [p.stack, p.branch, p.created.map { age(now.timeIntervalSince($0)) } ?? "?", p.updated.map { age(now.timeIntervalSince($0)) + " ago" } ?? "never",
             p.status]
        }
        let widths = (0..<5).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.offset == 4 ? $0.element : $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// For CI: one object per preview, ages in seconds, timestamps as AWS gives them.
    public static func json(_ previews: [PreviewStack], now: Date) -> String {
        let items: [JSONValue] = previews.map { p in
            var o: [String: JSONValue] = [
                "stack": .string(p.stack), "stackId": .string(p.stackID), "environment": .string(p.environment), "branch": .string(p.branch),
                "status": .string(p.status),
            ]
            if let c = p.created {
                o["created"] = .string(AWSTimestamp.iso8601(c))
                o["ageSeconds"] = .int(Int(now.timeIntervalSince(c)))
            }
            if let u = p.updated { o["updated"] = .string(AWSTimestamp.iso8601(u)) }
            return .object(o)
        }
        return JSONValue.array(items).rendered()
    }

    /// `3d 4h`, `5h 12m`, `42m`, `30s`.
    static func age(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        switch s {
        case 86_400...: return "\(s / 86_400)d \(s % 86_400 / 3600)h"
        case 3600...: return "\(s / 3600)h \(s % 3600 / 60)m"
        case 60...: return "\(s / 60)m"
        default: return "\(s)s"
        }
    }
}

/// What `wecare destroy --branch` removes: the branch's own stack of an environment deployed per branch.
/// Building one sends nothing to AWS, so a branch of staging or production is refused before any request.
public struct DestroyTarget: Sendable, Equatable {
    public var branch: String
    public var environment: String
    public var stack: String
    public var region: String

    public static func prepare(branch: String, files: [SourceFile], today: String) throws -> DestroyTarget {
        let check = try CheckRun.run(files: files, today: today)
        guard let platform = check.platform else {
            throw DeployError.specErrors(count: check.report.errorCount, report: check.render(.text))
        }
        guard let environment = BranchRules.environment(for: branch, in: platform.environments) else {
            throw DeployError.branchDeploysNowhere(branch)
        }
        guard environment.isPerBranch else {
            throw DeployError.notABranchPreview(branch: branch, environment: environment.name.value, stack: environment.stack)
        }
        return DestroyTarget(branch: branch, environment: environment.name.value, stack: StackNaming.stack(of: branch, in: environment),
                             region: platform.region.value)
    }
}

extension Deployer {
    public enum DestroyOutcome: Sendable, Equatable {
        case deleted
        case nothingToDestroy
        case notConfirmed
    }

    /// Reads the stack, refuses one whose tags do not say it is this branch's copy of this environment, lists what
    /// it holds, asks, then deletes it by id and follows it to DELETE_COMPLETE.
    public func destroy(_ target: DestroyTarget, confirm: @Sendable ([String]) async -> Bool) async throws -> DestroyOutcome {
        guard let stack = try await cloudFormation.describeStack(name: target.stack) else { return .nothingToDestroy }
        let id = stack.stackID.isEmpty ? target.stack : stack.stackID
        guard stack.tags[StackTags.environment] == target.environment, let owner = stack.tags[StackTags.branch] else {
            let tags = stack.tags.isEmpty ? "no tags" : stack.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            throw DeployError.destroyRefused(stack: target.stack, reason: "its tags (\(tags)) do not say it is a branch's \(target.environment)")
        }
        guard owner == target.branch else {
            throw DeployError.destroyRefused(stack: target.stack, reason: "it is the \(target.environment) of branch '\(owner)' (tag \(StackTags.branch)), not of '\(target.branch)'")
        }
        let resources = try await cloudFormation.listStackResources(stackName: id)
            .map { "\($0.logicalResourceID) [\($0.resourceType)]" + ($0.physicalResourceID.map { " \($0)" } ?? "") }
        progress.note("stack \(target.stack) (\(target.environment) of branch '\(target.branch)', \(stack.status)) holds \(resources.count) resource\(resources.count == 1 ? "" : "s"):")
        for r in resources { progress.note("  \(r)") }
        guard await confirm(resources) else { return .notConfirmed }
        let started = now().addingTimeInterval(-1)
        try await cloudFormation.deleteStack(name: id)
        var seen = Set<String>()
        let total = max(resources.count, 1)
        var done = 0
        var failures: [String] = []
        let deadline = now().addingTimeInterval(TimeInterval(timeout.components.seconds))
        while true {
            // Followed by id: a deleted stack is no longer found by name.
            let events = ((try? await cloudFormation.describeStackEvents(stackName: id)) ?? [])
                .filter { $0.timestamp >= started && !seen.contains($0.eventID) }
                .sorted { $0.timestamp < $1.timestamp }
            for e in events {
                seen.insert(e.eventID)
                if e.logicalResourceID != target.stack, e.status.hasSuffix("_COMPLETE") || e.status == "DELETE_SKIPPED" { done += 1 }
                if e.status.hasSuffix("_FAILED") { failures.append("\(e.logicalResourceID) [\(e.resourceType)] \(e.status): \(e.statusReason ?? "no reason given")") }
                progress.event(e, done: min(done, total), total: total)
            }
            let status = try await cloudFormation.describeStack(name: id)?.status ?? "DELETE_COMPLETE"
            if !status.hasSuffix("_IN_PROGRESS") {
                progress.finished(status: status)
                if status == "DELETE_COMPLETE" { return .deleted }
                throw DeployError.stackFailed(status: status, failures: failures)
            }
            guard now() < deadline else { throw DeployError.aws("stack \(target.stack) still \(status) after \(timeout)") }
            try await pause(.seconds(2))
        }
    }
}
