import SpecModel

enum NamingRules {
    static let all: [Rule] = [length, collision]

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

    static let collision = Rule(
        id: RuleID.nameCollision, family: "Naming", summary: "No two resources of one kind get the same physical name, in any environment",
        documentation: """
        Two tables, queues, functions, log groups or alarms that end up with one physical name (two resources with the \
        same `name:`, or two environments with the same naming prefix) pass every other check and fail at deploy time, \
        or worse, deploy one environment over another's resources. Each name is computed as the templates name it, in \
        every deployed environment.
        """,
        failing: [ExampleBase.edited("specs/queues.yaml", "  work-dlq:\n    name: work-dlq", "  work-dlq:\n    name: ↓work")],
        passing: [RuleExample("specs/queues.yaml", ExampleBase.files["specs/queues.yaml"]!)],
        check: .platform { p in
            struct Owner {
                var what: String, subject: String, environment: String, location: SourceLocation, resource: ResourceID?
            }
            var seen: [String: Owner] = [:]
            var out: [Diagnostic] = []
            for environment in p.environments.filter(\.isDeployable).sorted(by: { $0.name.value < $1.name.value }) {
                let d = Deployment(platform: p, environment: environment.isPerBranch ? environment.instance(slug: BranchSlug.placeholder) : environment)
                let env = environment.name.value
                var named: [(kind: String, name: String, owner: Owner)] = []
                named += p.tables.map { ("table", d.tableName($0), Owner(what: "table", subject: $0.id.value, environment: env, location: $0.name.location, resource: ResourceID(.table, $0.id.value))) }
                named += p.queues.map { ("queue", d.queueName($0), Owner(what: "queue", subject: $0.id.value, environment: env, location: $0.name.location, resource: ResourceID(.queue, $0.id.value))) }
                named += p.functions.map { ("function", d.functionName($0), Owner(what: "function", subject: $0.id.value, environment: env, location: $0.name.location, resource: ResourceID(.function, $0.id.value))) }
                named += p.logGroups.map { ("log group", d.logGroupName($0), Owner(what: "log group", subject: $0.id.value, environment: env, location: $0.name.location, resource: ResourceID(.logGroup, $0.id.value))) }
                named += p.alarms.map { ("alarm", d.alarmName($0), Owner(what: "alarm", subject: $0.id.value, environment: env, location: $0.name.location, resource: ResourceID(.alarm, $0.id.value))) }
                named.append(("stack", d.environment.stack, Owner(what: "the stack of", subject: env, environment: env,
                                                                   location: environment.stackName?.location ?? environment.prefix.location, resource: nil)))
                for n in named {
                    let key = n.kind + " " + n.name
                    guard let first = seen[key] else {
                        seen[key] = n.owner
                        continue
                    }
                    // Within one environment the second declaration is the mistake; across environments, the later prefix.
                    let sameEnvironment = first.environment == env
                    let at = sameEnvironment || n.kind == "stack" ? n.owner.location : environment.prefix.location
                    out.append(Diagnostic(RuleID.nameCollision, at,
                                          "\(n.owner.what) '\(n.owner.subject)' in \(env) is named \(n.name), as \(first.what) '\(first.subject)' in \(first.environment) is",
                                          hint: sameEnvironment ? "give one of them another `name:`" : "give \(env) a naming prefix of its own",
                                          resource: sameEnvironment ? n.owner.resource : nil))
                }
            }
            // One finding per place: a shared prefix collides every resource, and says so once.
            var places = Set<SourceLocation>()
            return out.filter { places.insert($0.location).inserted }
        })
}
