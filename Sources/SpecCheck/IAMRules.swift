import SpecModel

/// IAM rules: least privilege on the one existing execution role.
enum IAMRules {
    static let all: [Rule] = [wildcardAction, wildcardResource, newRole, uncoveredNeed, unusedScope]

    /// Actions AWS only authorizes on `Resource: "*"`; nothing narrower can be written for them.
    static let starOnlyActions = [
        "cloudwatch:PutMetricData", "cloudwatch:GetMetricData", "cloudwatch:ListMetrics",
        "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
        "logs:DescribeLogGroups", "sqs:ListQueues", "s3:ListAllMyBuckets", "dynamodb:ListTables", "sns:ListTopics",
        "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
        "ses:GetSendQuota", "sts:GetCallerIdentity", "bedrock:ListFoundationModels",
    ]

    static let baseIAM = ExampleBase.files["specs/iam.yaml"]!

    static let wildcardAction = Rule(
        id: RuleID.wildcardAction, family: "IAM", summary: "No `*` or `service:*` actions",
        documentation: "A wildcard action grants every present and future action of a service (or of all services). Name the actions the functions need.",
        failing: [ExampleBase.edited("specs/iam.yaml", "actions: [dynamodb:BatchWriteItem, dynamodb:DeleteItem, dynamodb:PutItem, dynamodb:UpdateItem]", "actions: [↓dynamodb:*]")],
        passing: [RuleExample("specs/iam.yaml", baseIAM)],
        check: .platform { p in
            (p.rolePolicy?.scopes ?? []).flatMap { scope in
                scope.actions.filter { $0.value == "*" || $0.value.hasSuffix(":*") }.map { a in
                    Diagnostic(RuleID.wildcardAction, a.location, "scope '\(scope.sid.value)' grants '\(a.value)': every action of \(a.value == "*" ? "every service" : "the service")",
                               hint: "list the actions the functions need; `wecare build` writes them to generated/iam/", scope: scope.sid.value)
                }
            }
        })

    static let wildcardResource = Rule(
        id: RuleID.wildcardResource, family: "IAM", summary: "No `Resource: \"*\"` except for actions that only allow it",
        documentation: "`*` as a resource reaches every table, queue and bucket of the account. It is allowed only for actions AWS authorizes on `*` alone: \(starOnlyActions.joined(separator: ", ")).",
        failing: [ExampleBase.edited("specs/iam.yaml", "resources: [{ table: Messages }]", "resources: [↓\"*\"]")],
        passing: [RuleExample("specs/iam.yaml", baseIAM + """
            - sid: Metrics
              actions: [cloudwatch:PutMetricData]
              resources: ["*"]
        """)],
        check: .platform { p in
            (p.rolePolicy?.scopes ?? []).flatMap { scope -> [Diagnostic] in
                let narrowable = scope.actions.filter { !starOnlyActions.contains($0.value) }
                guard !narrowable.isEmpty else { return [] }
                return scope.resources.compactMap { target in
                    guard case .arn(let arn) = target, arn.value == "*" else { return nil }
                    return Diagnostic(RuleID.wildcardResource, arn.location,
                                      "scope '\(scope.sid.value)' grants \(narrowable.map(\.value).joined(separator: ", ")) on every resource",
                                      hint: "name the resources, e.g. `{ table: Messages }`; only \(starOnlyActions.prefix(3).joined(separator: ", ")), … may use \"*\"", scope: scope.sid.value)
                }
            }
        })

    static let newRole = Rule(
        id: RuleID.newRole, family: "IAM", summary: "No new roles",
        documentation: "Req 11.8: the platform creates no IAM roles and changes none. Functions run with the existing execution role; its policy is written to generated/iam/ for review.",
        failing: [RuleExample("specs/roles.yaml", """
        roles:
          ↓worker-role:
            purpose: a role just for the worker
        """)],
        passing: [RuleExample("specs/platform.yaml", """
        platform:
          name: Example
          account: "123456789012"
          region: us-east-1
        """)],
        check: .platform { p in
            var out = p.newRoles.map { r in
                Diagnostic(RuleID.newRole, r.id.location, "role '\(r.id.value)' would be created; the platform creates no IAM roles (Req 11.8)",
                           hint: "remove it and add what it needed as scopes of the existing role in specs/iam.yaml")
            }
            if let policy = p.rolePolicy, p.existing(.role, policy.role.name.value) == nil, !p.existing.filter({ $0.kind == .role }).isEmpty {
                out.append(Diagnostic(RuleID.newRole, policy.role.name.location, "iam.role '\(policy.role.name.value)' is not an existing role",
                                      hint: "name a role under `existing.roles`"))
            }
            return out
        })

    static let uncoveredNeed = Rule(
        id: RuleID.uncoveredNeed, family: "IAM", summary: "Every need of a function is granted by a scope of the role",
        documentation: "What a function needs (its access entries, its queue trigger, its dead-letter queue, its log group) must be granted by a scope of the execution role, or the function fails with AccessDenied at run time. The diagnostic names the action and ARN to add.",
        failing: [ExampleBase.edited("specs/iam.yaml", "actions: [dynamodb:BatchWriteItem, dynamodb:DeleteItem, dynamodb:PutItem, dynamodb:UpdateItem]", "actions: [dynamodb:PutItem]"), RuleExample("specs/functions.yaml", """
        functionDefaults:
          runtime: provided.al2023
          memory: 256
          timeout: 30
          role: { role: execution }
          logGroup: { logGroup: common }
          environment:
            SEND_MODE: { setting: sendMode }
            LOG_LEVEL: { setting: logLevel }
            ENVIRONMENT: { setting: environment }
        functions:
          inbound:
            handler: inbound.whatsapp
            trigger: { topic: events }
            environment:
              MESSAGES_TABLE: { table: Messages }
              MEDIA_BUCKET: { bucket: media }
              MEDIA_PREFIX: { prefix: incoming }
            access:
              - { table: Messages, allow: [↓write] }
              - { prefix: incoming, allow: [put] }
          worker:
            handler: bulk.worker
            timeout: 120
            trigger: { queue: work }
        """)],
        passing: [RuleExample("specs/iam.yaml", baseIAM)],
        check: .deployment { d in
            d.platform.functions.flatMap { f -> [Diagnostic] in
                let missing = d.needs(of: f).filter { !d.isGranted($0) }
                // One finding per spec entry, naming the actions; ARNs differ per environment, the entry does not.
                var groups: [(location: SourceLocation, reason: String, actions: [String], condition: Bool)] = []
                for need in missing {
                    if let i = groups.firstIndex(where: { $0.location == need.location && $0.reason == need.reason }) {
                        if !groups[i].actions.contains(need.action) { groups[i].actions.append(need.action) }
                    } else {
                        groups.append((need.location, need.reason, [need.action], need.listPrefix != nil))
                    }
                }
                return groups.map { g in
                    let actions = g.actions.sorted().joined(separator: ", ")
                    return Diagnostic(RuleID.uncoveredNeed, g.location,
                                      "function '\(f.id.value)' needs \(actions) to \(g.reason)\(g.condition ? " (with an s3:prefix condition)" : ""); no scope of the role grants it",
                                      hint: "add \(actions) to a scope in specs/iam.yaml whose resources cover it (`wecare build` lists the ARNs in generated/iam/), or drop the need",
                                      resource: ResourceID(.function, f.id.value))
                }
            }
        })

    static let unusedScope = Rule(
        id: RuleID.unusedScope, family: "IAM", severity: .warning, summary: "The role holds nothing no function needs",
        documentation: "Least privilege: an action in a scope that no function needs on any of its resources is a grant nobody uses. Actions on `*` that only allow `*` are exempt.",
        failing: [ExampleBase.edited("specs/iam.yaml", "actions: [s3:PutObject]", "actions: [s3:PutObject, ↓s3:GetObject]")],
        passing: [RuleExample("specs/iam.yaml", baseIAM)],
        check: .deployment { d in
            // Needed resources per action, sorted, so that a prefix grant finds a use by binary search.
            let needs = d.platform.functions.flatMap { d.needs(of: $0) }
            let needed = Dictionary(grouping: needs, by: \.action).mapValues { Array(Set($0.map(\.resource))).sorted() }
            let listed = Dictionary(grouping: needs.filter { $0.listPrefix != nil }, by: \.action)
            func used(_ action: String, by resolved: ResolvedScope) -> Bool {
                if Glob.isPattern(action) || resolved.hasComplexPatterns || listed[action] != nil {
                    return needs.contains { resolved.covers($0, action: action) }
                }
                guard let resources = needed[action] else { return false }
                return resolved.resources.contains { granted in
                    let stem = Glob.prefixStem(granted) ?? granted
                    var lo = 0, hi = resources.count
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if resources[mid] < stem { lo = mid + 1 } else { hi = mid }
                    }
                    guard lo < resources.count else { return false }
                    return Glob.isPattern(granted) ? resources[lo].hasPrefix(stem) : resources[lo] == stem
                }
            }
            return d.resolvedScopes.flatMap { resolved in
                let scope = resolved.scope
                return scope.actions.filter { action in
                    !starOnlyActions.contains(action.value) && !used(action.value, by: resolved)
                }.map { action in
                    Diagnostic(RuleID.unusedScope, action.location, "scope '\(scope.sid.value)' grants \(action.value), which no function needs on its resources",
                               hint: "remove it from the scope, or add the access entry of the function that needs it", severity: .warning, scope: scope.sid.value)
                }
            }
        })
}
