/// One permission a function needs: an action on a resource, and what in the spec asks for it.
public struct Need: Hashable, Sendable {
    public var function: String
    public var action: String
    public var resource: String
    /// For `s3:ListBucket`: the key prefix the `s3:prefix` condition must allow.
    public var listPrefix: String?
    public var reason: String
    public var location: SourceLocation

    public init(function: String, action: String, resource: String, listPrefix: String? = nil, reason: String, location: SourceLocation) {
        self.function = function
        self.action = action
        self.resource = resource
        self.listPrefix = listPrefix
        self.reason = reason
        self.location = location
    }
}

extension Deployment {
    /// Everything a function needs from the execution role in this environment: its access
    /// entries expanded to IAM actions, plus what its trigger, dead-letter queue and logging need.
    public func needs(of function: Function) -> [Need] {
        needsByFunction[function.id.value] ?? computeNeeds(of: function)
    }

    func computeNeeds(of function: Function) -> [Need] {
        let fn = function.id.value
        var out: [Need] = []
        for entry in function.access {
            for verb in entry.verbs {
                let actions = AccessVerbs.byKind[entry.target.kind]?[verb.value] ?? []
                for action in actions {
                    if action == "s3:ListBucket", let p = prefix(named: entry.target.name.value), let b = bucket(of: p) {
                        out.append(Need(function: fn, action: action, resource: bucketARN(b), listPrefix: keyPrefix(p),
                                        reason: "list \(entry.target.kind.key) \(entry.target.name.value)", location: verb.location))
                        continue
                    }
                    for arn in arns(for: entry.target) {
                        out.append(Need(function: fn, action: action, resource: arn,
                                        reason: "\(verb.value) \(entry.target.kind.key) \(entry.target.name.value)", location: verb.location))
                    }
                }
            }
        }
        if case .queue(let q, _) = function.trigger {
            for action in AccessVerbs.queue["consume"]! {
                for arn in arns(for: q) {
                    out.append(Need(function: fn, action: action, resource: arn, reason: "trigger queue \(q.name.value)", location: q.name.location))
                }
            }
        }
        if let dlq = function.deadLetterQueue {
            for arn in arns(for: dlq) {
                out.append(Need(function: fn, action: "sqs:SendMessage", resource: arn, reason: "dead-letter queue \(dlq.name.value)", location: dlq.name.location))
            }
        }
        if let group = function.logGroup {
            for action in AccessVerbs.byKind[.logGroup]!["write"]! {
                for arn in arns(for: group) where arn.hasSuffix(":*") {
                    out.append(Need(function: fn, action: action, resource: arn, reason: "log group \(group.name.value)", location: group.name.location))
                }
            }
        }
        return out
    }

    /// The resolved resources of a scope in this environment.
    public func resources(of scope: Scope) -> [(arn: String, location: SourceLocation)] {
        scope.resources.flatMap { target -> [(String, SourceLocation)] in
            switch target {
            case .arn(let a): return [(a.value, a.location)]
            case .reference(let r): return arns(for: r).map { ($0, r.name.location) }
            }
        }
    }

    /// The key prefixes a scope's `s3:prefix` condition allows, resolved.
    public func conditionPrefixes(of scope: Scope) -> [String] {
        scope.conditionPrefixes.map(\.value) + scope.listPrefixes.compactMap { prefix(named: $0.name.value).map { keyPrefix($0) + "*" } }
    }

    /// A scope with its resources and conditions resolved for this environment.
    public func resolve(_ scope: Scope) -> ResolvedScope {
        ResolvedScope(scope: scope, actions: scope.actions.map(\.value), resources: resources(of: scope).map(\.arn),
                      conditionPrefixes: conditionPrefixes(of: scope))
    }


}

/// A scope resolved for one environment, so that matching many needs against it is cheap.
public struct ResolvedScope: Sendable {
    public var scope: Scope
    public var actions: [String]
    public var resources: [String]
    public var conditionPrefixes: [String]
    private let exactActions: Set<String>
    private let wildActions: [String]
    private let exactResources: Set<String>
    private let wildResources: [String]
    /// Resources with wildcards other than one trailing `*`: the index of `Deployment` cannot answer for them.
    public let hasComplexPatterns: Bool

    public init(scope: Scope, actions: [String], resources: [String], conditionPrefixes: [String]) {
        self.scope = scope
        self.actions = actions
        self.resources = resources
        self.conditionPrefixes = conditionPrefixes
        func isWild(_ s: String) -> Bool { s.contains("*") || s.contains("?") }
        exactActions = Set(actions.filter { !isWild($0) })
        wildActions = actions.filter(isWild)
        exactResources = Set(resources.filter { !isWild($0) })
        wildResources = resources.filter(isWild)
        hasComplexPatterns = wildResources.contains { Glob.prefixStem($0) == nil }
    }

    public func covers(_ need: Need, action: String? = nil) -> Bool {
        if let action {
            guard Glob.matches(action, need.action) else { return false }
        } else {
            guard exactActions.contains(need.action) || wildActions.contains(where: { Glob.matches($0, need.action) }) else { return false }
        }
        guard exactResources.contains(need.resource) || wildResources.contains(where: { Glob.matches($0, need.resource) }) else { return false }
        if let prefix = need.listPrefix { return conditionPrefixes.contains { Glob.matches($0, prefix) } }
        return true
    }
}
