import AWSClient

/// The tags that tie a stack to the environment that deploys it; every stack wecare creates or updates carries them.
public enum StackTags {
    public static let environment = "wecare:environment"
    public static let specHash = "wecare:spec-hash"
    public static let branchRule = "wecare:branch-rule"
    /// The branch whose own copy the stack is, in an environment deployed per branch.
    public static let branch = "wecare:branch"
}

/// What moves whenever anything happens to a stack, so a plan can tell that the stack it was made against is
/// still the stack it executes on. `updated` is LastUpdatedTime (CreationTime before the first update);
/// `lastEvent` is the newest stack event's id, which also moves where an emulator reports no LastUpdatedTime.
public struct StackStamp: Sendable, Equatable {
    public var updated: String
    public var lastEvent: String?

    public init(updated: String, lastEvent: String?) {
        self.updated = updated
        self.lastEvent = lastEvent
    }
}

/// An existing stack as read-only calls show it (DescribeStacks, DescribeStackEvents, ListStackResources).
public struct StackState: Sendable, Equatable {
    public var name: String
    public var stackID: String
    public var status: String
    public var tags: [String: String]
    public var stamp: StackStamp
    /// Read only for a stack without an environment tag: what it holds decides whether it may be taken over.
    public var resources: [CloudFormationClient.StackResourceSummary]?

    public init(name: String, stackID: String, status: String, tags: [String: String], stamp: StackStamp,
                resources: [CloudFormationClient.StackResourceSummary]? = nil) {
        self.name = name
        self.stackID = stackID
        self.status = status
        self.tags = tags
        self.stamp = stamp
        self.resources = resources
    }

    /// The environment the stack's tag names, if any.
    public var environment: String? { tags[StackTags.environment] }
    /// The branch the stack's tag names, for a branch's own copy of an environment.
    public var branch: String? { tags[StackTags.branch] }
}
