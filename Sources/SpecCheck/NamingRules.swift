import SpecModel

enum NamingRules {
    static let all: [Rule] = [length]

    /// The longest physical name AWS accepts, per kind of resource the stack names.
    enum Limit {
        static let function = 64, queue = 80, table = 255, logGroup = 512, alarm = 255, api = 128, stack = 128
    }

    static let length = Rule(
        id: RuleID.nameLength, family: "Naming", summary: "Physical names fit AWS's limits in every environment, branch slugs included",
        documentation: """
        A name is the environment's naming prefix, `-` and the resource's name; in an environment deployed per branch \
        (`deploy.perBranch: true`) the branch's slug (up to \(BranchSlug.maxLength) characters) and a `-` come after the prefix. \
        CloudFormation only finds out at deploy time that a name is too long, after it has created half the stack. \
        Limits: function \(Limit.function), queue \(Limit.queue), table \(Limit.table), alarm \(Limit.alarm), log group \(Limit.logGroup), \
        HTTP API and stack \(Limit.api) characters.
        """,
        failing: [
            ExampleBase.edited("environments/preview.yaml", "branches: [\"feature/*\"]", "branches: [\"feature/*\"]\n    perBranch: true"),
            ExampleBase.edited("specs/functions.yaml", "  inbound:\n", "  ↓inbound-whatsapp-messages-handler-for-all:\n"),
        ],
        passing: [ExampleBase.edited("environments/preview.yaml", "branches: [\"feature/*\"]", "branches: [\"feature/*\"]\n    perBranch: true")],
        check: .deployment { d in
            guard d.environment.isDeployable else { return [] }
            // The longest name a branch's copy gets: the slug at its longest.
            let longest = d.environment.isPerBranch
                ? Deployment(platform: d.platform, environment: d.environment.instance(slug: String(repeating: "x", count: BranchSlug.maxLength)))
                : d
            let slug = d.environment.isPerBranch ? " with a \(BranchSlug.maxLength)-character branch slug" : ""
            let env = d.environment.name.value
            func check(_ what: String, _ subject: String, _ name: String, limit: Int, at location: SourceLocation, _ id: ResourceID?) -> Diagnostic? {
                guard name.count > limit else { return nil }
                return Diagnostic(RuleID.nameLength, location,
                                  "\(what) '\(subject)' is named \(name) in \(env)\(slug): \(name.count) characters, AWS allows \(limit)",
                                  hint: "shorten its name (or the environment's naming prefix) by \(name.count - limit) character\(name.count - limit == 1 ? "" : "s")",
                                  resource: id)
            }
            let p = d.platform
            var found: [Diagnostic?] = []
            found += p.functions.map { check("function", $0.id.value, longest.functionName($0), limit: Limit.function, at: $0.name.location, ResourceID(.function, $0.id.value)) }
            found += p.queues.map { check("queue", $0.id.value, longest.queueName($0), limit: Limit.queue, at: $0.name.location, ResourceID(.queue, $0.id.value)) }
            found += p.tables.map { check("table", $0.id.value, longest.tableName($0), limit: Limit.table, at: $0.name.location, ResourceID(.table, $0.id.value)) }
            found += p.logGroups.map { check("log group", $0.id.value, longest.logGroupName($0), limit: Limit.logGroup, at: $0.name.location, ResourceID(.logGroup, $0.id.value)) }
            found += p.alarms.map { a in
                // One alarm per function or queue carries that resource's id after the alarm's name.
                let suffixes: [String] = switch a.kind {
                case .lambdaErrorRate: p.functions.map(\.id.value)
                case .queueDepth(let queues): queues.map(\.name.value)
                case .apiErrorRate, .metric: []
                }
                let name = longest.alarmName(a) + (suffixes.max { $0.count < $1.count }.map { "-\($0)" } ?? "")
                return check("alarm", a.id.value, name, limit: Limit.alarm, at: a.name.location, nil)
            }
            if let api = p.api { found.append(check("HTTP API", api.name.value, longest.apiName, limit: Limit.api, at: api.name.location, nil)) }
            let stackAt = d.environment.stackName?.location ?? d.environment.prefix.location
            found.append(check("the stack of", env, longest.environment.stack, limit: Limit.stack, at: stackAt, nil))
            return found.compactMap { $0 }
        })
}
