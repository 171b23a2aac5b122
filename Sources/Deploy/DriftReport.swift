import SpecDiff
import SpecModel

/// The three comparisons `wecare drift` makes, in the order it reports them.
public enum DriftPart: String, Sendable, CaseIterable {
    /// CloudFormation's drift detection: each resource's actual configuration against the deployed template.
    case resources
    /// The deployed template against generated/cloudformation/<env>.json.
    case template
    /// The execution role's policies against generated/iam/<env>.json.
    case policy
}

/// One part's outcome: what it found, or why it could not look.
public struct DriftSection<Item: Sendable & Equatable>: Sendable, Equatable {
    public var items: [Item]
    /// Why the part was not compared (AWS refused or failed, the emulator lacks the API, …); nil when it was.
    public var notChecked: String?

    public init(items: [Item] = [], notChecked: String? = nil) {
        self.items = items
        self.notChecked = notChecked
    }

    public static func unchecked(_ reason: String) -> DriftSection { DriftSection(notChecked: reason) }
}

/// Everything one `wecare drift` run found for one environment: the value every format renders.
public struct DriftReport: Sendable, Equatable {
    public var environment: String
    public var stack: String
    public var stackID: String?
    public var stackStatus: String?
    /// The specs' hash now, and the one the stack's `wecare:spec-hash` tag records from its last deployment.
    public var specHash: String
    public var deployedSpecHash: String?
    public var templatePath: String
    public var policyPath: String
    public var roleName: String?
    /// CloudFormation's drift detection: the drifted resources, with the counts of the rest.
    public var resources: DriftSection<ResourceDrift>
    public var resourceCheck: ResourceDriftCheck?
    /// Deployed template → generated template, classified by risk as `wecare diff` classes it.
    public var template: DriftSection<Change>
    public var policy: DriftSection<PolicyDriftRow>
    public var notes: [String]

    public init(environment: String, stack: String, stackID: String? = nil, stackStatus: String? = nil, specHash: String,
                deployedSpecHash: String? = nil, templatePath: String, policyPath: String, roleName: String?,
                resources: DriftSection<ResourceDrift>, resourceCheck: ResourceDriftCheck? = nil, template: DriftSection<Change>,
                policy: DriftSection<PolicyDriftRow>, notes: [String] = []) {
        self.environment = environment
        self.stack = stack
        self.stackID = stackID
        self.stackStatus = stackStatus
        self.specHash = specHash
        self.deployedSpecHash = deployedSpecHash
        self.templatePath = templatePath
        self.policyPath = policyPath
        self.roleName = roleName
        self.resources = resources
        self.resourceCheck = resourceCheck
        self.template = template
        self.policy = policy
        self.notes = notes
    }

    public var hasDrift: Bool { !resources.items.isEmpty || !template.items.isEmpty || !policy.items.isEmpty }

    /// The parts that could not be compared, with why.
    public var unchecked: [(part: DriftPart, reason: String)] {
        [(DriftPart.resources, resources.notChecked), (.template, template.notChecked), (.policy, policy.notChecked)]
            .compactMap { part, reason in reason.map { (part, $0) } }
    }

    /// 1 when anything drifted; otherwise 2 when a part could not look (so CI never reads "could not look" as
    /// "no drift"); 0 when all three parts looked and found nothing.
    public var exitCode: Int32 { hasDrift ? 1 : unchecked.isEmpty ? 0 : 2 }

    public var sentence: String {
        if hasDrift {
            let parts = [(resources.items.count, "resource"), (template.items.count, "template difference"), (policy.items.count, "policy statement")]
                .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
            return "Drift in \(environment): " + parts.joined(separator: ", ") + "."
        }
        if !unchecked.isEmpty {
            return "No drift found in what could be compared; not compared: " + unchecked.map(\.part.rawValue).joined(separator: ", ") + "."
        }
        return "No drift: \(stack) matches \(templatePath)" + (roleName.map { " and role \($0) holds \(policyPath)" } ?? "") + "."
    }
}

/// One thing `--watch` reports when it appears and again when it goes away: a drift, or a part that cannot be compared.
public struct DriftFinding: Sendable, Hashable, Comparable {
    public var part: DriftPart
    /// Stable while the finding is the same: its part, subject and values.
    public var key: String
    /// One line a reader understands without the rest of the report.
    public var text: String
    /// False for "could not compare": reported, but no drift.
    public var isDrift: Bool

    public init(part: DriftPart, key: String, text: String, isDrift: Bool = true) {
        self.part = part
        self.key = key
        self.text = text
        self.isDrift = isDrift
    }

    public static func < (a: DriftFinding, b: DriftFinding) -> Bool {
        (DriftPart.allCases.firstIndex(of: a.part)!, a.key) < (DriftPart.allCases.firstIndex(of: b.part)!, b.key)
    }
}

extension DriftReport {
    /// The report as separate findings, each of which `--watch` tracks on its own.
    public var findings: [DriftFinding] {
        var out: [DriftFinding] = []
        for r in resources.items {
            let subject = "resource \(r.logicalID) [\(r.resourceType)]"
            if r.isDeleted {
                out.append(DriftFinding(part: .resources, key: "resources|\(r.logicalID)|DELETED", text: "\(subject) was deleted outside CloudFormation"))
            } else if r.properties.isEmpty {
                out.append(DriftFinding(part: .resources, key: "resources|\(r.logicalID)|MODIFIED", text: "\(subject) was modified outside CloudFormation"))
            }
            for p in r.properties {
                out.append(DriftFinding(part: .resources, key: "resources|\(r.logicalID)|\(p.path)|\(p.kind)|\(p.expected)|\(p.actual)",
                                        text: "\(subject) \(p.path): \(p.sentence)"))
            }
        }
        for c in template.items {
            out.append(DriftFinding(part: .template, key: "template|\(c.resource.kind)|\(c.resource.name)|\(c.field)|\(c.before ?? "")|\(c.after ?? "")",
                                    text: "template: \(c.resource) \(c.field): deployed \(c.before ?? "—"), generated \(c.after ?? "—") (\(c.risk))"))
        }
        for row in policy.items {
            for (side, grants) in [("missing", row.missing), ("extra", row.extra)] {
                for phrase in grants.phrases {
                    out.append(DriftFinding(part: .policy, key: "policy|\(row.statement)|\(side)|\(phrase)",
                                            text: "role policy: statement \(row.statement) \(side == "missing" ? "lacks" : "grants beyond the specs") \(phrase)"))
                }
            }
        }
        for (part, reason) in unchecked {
            out.append(DriftFinding(part: part, key: "\(part.rawValue)|not-checked|\(reason)", text: "\(part.rawValue) not compared: \(reason)", isDrift: false))
        }
        return out.sorted()
    }
}
