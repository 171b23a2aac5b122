import SpecModel

/// The diff stage: two models and what the generators made of them → every change, classified by risk.
///
/// Each fact is compared once, where it is written: the templates for what CloudFormation does, the
/// role policy for what the role may do, the functions' needs for what their code may reach, the
/// environment files for SEND_MODE and branches, and the model for what no template shows (TTL
/// retention, S3 prefixes, messaging limits, secrets, variables as written).
public enum SpecDiff {
    public static func compare(base: DiffSide, head: DiffSide) -> DiffReport {
        // Templates exist only for deployable environments; one deployable on one side only is a stack that comes or goes.
        let compared = Set(base.templates.keys).intersection(head.templates.keys).sorted()
        let names = LogicalNames([base.platform, head.platform])

        var perEnvironment: [Change] = []
        for env in compared {
            perEnvironment += TemplateDiff.changes(base: base.templates[env]!, head: head.templates[env]!, environment: env, names: names)
            if let b = base.policies[env], let a = head.policies[env] {
                perEnvironment += PolicyDiff.changes(base: b, head: a, environment: env)
            }
            if let eb = base.platform.environment(env), let ea = head.platform.environment(env) {
                perEnvironment += NeedsDiff.changes(base: Deployment(platform: base.platform, environment: eb),
                                                    head: Deployment(platform: head.platform, environment: ea), environment: env)
            }
        }

        var changes = merge(perEnvironment, over: compared)
        changes += stacks(base, head)
        changes += EnvironmentDiff.changes(base: base.platform, head: head.platform)
        changes += PlatformDiff.changes(base: base.platform, head: head.platform)
        changes = Array(Set(changes)).sorted()

        let named = changes.map(\.environment).filter { $0 != Change.allEnvironments }
        let columns = Set(compared).union(named).sorted()
        return DiffReport(base: base.label, head: head.label, environments: columns.isEmpty ? [Change.allEnvironments] : columns, changes: changes)
    }

    /// One change that reads the same in every compared environment is listed once, as "all".
    static func merge(_ changes: [Change], over environments: [String]) -> [Change] {
        var byChange: [Change: Set<String>] = [:]
        var order: [Change] = []
        for c in changes {
            var key = c
            key.environment = ""
            if byChange[key] == nil { order.append(key) }
            byChange[key, default: []].insert(c.environment)
        }
        var out: [Change] = []
        for key in order {
            let envs = byChange[key]!
            if environments.count > 1, envs == Set(environments) {
                var c = key
                c.environment = Change.allEnvironments
                out.append(c)
            } else {
                for env in envs.sorted() {
                    var c = key
                    c.environment = env
                    out.append(c)
                }
            }
        }
        return out
    }

    /// A template on one side only: the environment starts or stops being deployed.
    static func stacks(_ base: DiffSide, _ head: DiffSide) -> [Change] {
        var out: [Change] = []
        for env in Set(base.templates.keys).union(head.templates.keys).sorted() {
            let resources = { (t: JSONValue?) in TemplateDiff.resources(t ?? .null).count }
            switch (base.templates[env], head.templates[env]) {
            case (nil, let t?):
                out.append(Change(environment: env, risk: .other, resource: DiffResource("stack", env), field: "resource", before: nil,
                                  after: "\(resources(t)) resources", why: "The environment becomes deployable: its stack is created on the next deployment."))
            case (let t?, nil):
                out.append(Change(environment: env, risk: .other, resource: DiffResource("stack", env), field: "resource",
                                  before: "\(resources(t)) resources", after: nil,
                                  why: "The environment is no longer deployed; its stack and data stay until they are deleted by hand."))
            default: break
            }
        }
        return out
    }
}
