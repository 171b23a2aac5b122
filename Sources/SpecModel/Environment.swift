/// Whether messages really leave the platform.
public enum SendMode: String, Sendable, CaseIterable {
    case dryRun = "DRY_RUN"
    case live = "LIVE"
}

/// One environment: its values, its resource naming and the branches that deploy to it.
public struct Environment: Sendable {
    public var name: Located<String>
    public var sendMode: Located<SendMode>
    public var logLevel: Located<String>
    /// Put in front of every physical name, so that environments coexist in one account.
    public var prefix: Located<String>
    /// Put in front of every S3 key prefix, so environments never share objects.
    public var objectPrefix: Located<String>
    /// Branch patterns (`main`, `hotfix/*`); empty for an environment that is never deployed.
    public var branches: [Located<String>]
    public var stackName: Located<String>?
    /// `deploy.perBranch: true`: every branch deploys its own copy, named with its `BranchSlug`.
    public var perBranch: Located<Bool>?
    /// Live resources the stack takes over (a CloudFormation import) instead of creating them:
    /// tables, queues and log groups that already exist under this environment's names.
    public var adopt: [Reference]
    /// Who the alarms of this environment email (`{ setting: alertEmail }`).
    public var alertEmail: Located<String>?
    /// Resources this environment uses in place of others (its own topic instead of production's).
    public var substitutes: [Substitute]
    /// Where the web UI's Pay, Link, Forms, Docs and Invoice modules live in this environment (`ui.links`):
    /// the source documents name these modules and specify nothing of them, so the UI only links out.
    public var uiLinks: [UILink]
    public var file: String
    public var location: SourceLocation

    public init(name: Located<String>, sendMode: Located<SendMode>, logLevel: Located<String>, prefix: Located<String>,
                objectPrefix: Located<String>, branches: [Located<String>], stackName: Located<String>?, perBranch: Located<Bool>? = nil,
                adopt: [Reference] = [], alertEmail: Located<String>? = nil, substitutes: [Substitute] = [], uiLinks: [UILink] = [],
                file: String, location: SourceLocation) {
        self.name = name
        self.sendMode = sendMode
        self.logLevel = logLevel
        self.prefix = prefix
        self.objectPrefix = objectPrefix
        self.branches = branches
        self.stackName = stackName
        self.perBranch = perBranch
        self.adopt = adopt
        self.alertEmail = alertEmail
        self.substitutes = substitutes
        self.uiLinks = uiLinks
        self.file = file
        self.location = location
    }

    public var isProduction: Bool { name.value == "production" }
    public var isDeployable: Bool { !branches.isEmpty }
    public var stack: String { stackName?.value ?? prefix.value }
    public func adopts(_ id: ResourceID) -> Bool { adopt.contains { $0.id == id } }
}

/// One of the web UI's external modules and the URL it lives at (`ui: { links: { pay: https://… } }`).
public struct UILink: Sendable {
    /// The modules of requirement 12 that the UI links out to, in the sidebar's order.
    public static let modules = ["pay", "link", "forms", "docs", "invoice"]

    public var module: Located<String>
    public var url: Located<String>

    public init(module: Located<String>, url: Located<String>) {
        self.module = module
        self.url = url
    }
}
