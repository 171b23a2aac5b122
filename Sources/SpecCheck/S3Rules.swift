import SpecModel

/// S3 rules: exact prefixes, never a bucket-wide grant, never another bucket, never the denied operations.
enum S3Rules {
    static let all: [Rule] = [prefixSlash, objectARN, listBucket, foreignBucket, deniedOperation, environmentOutsideGrant]

    /// Operations seed 000 denies the role: bucket policy, lifecycle, ACLs and public access.
    static let deniedActions = [
        "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutLifecycleConfiguration", "s3:PutBucketAcl", "s3:PutObjectAcl",
        "s3:PutBucketPublicAccessBlock", "s3:DeleteBucketPublicAccessBlock", "s3:PutAccountPublicAccessBlock",
        "s3:PutBucketOwnershipControls", "s3:DeleteBucket",
    ]

    static let objectActions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectVersion", "s3:DeleteObjectVersion",
                                "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:GetObjectTagging", "s3:PutObjectTagging"]

    static let prefixSlash = Rule(
        id: RuleID.prefixSlash, family: "S3", summary: "Prefixes end with /",
        documentation: "A prefix without its trailing slash (`reports`) also matches `reports-old/…` and `reportsX`, so a grant on it reaches further than meant.",
        failing: [RuleExample("specs/storage.yaml", """
        storage:
          buckets:
            media:
              name: media.example.com
              prefixes:
                incoming: { path: ↓media/incoming }
        """)],
        passing: [RuleExample("specs/storage.yaml", """
        storage:
          buckets:
            media:
              name: media.example.com
              prefixes:
                incoming: { path: media/incoming/ }
        """)],
        check: .platform { p in
            p.prefixes.compactMap { prefix in
                let path = prefix.path.value
                if path.hasSuffix("/"), !path.hasPrefix("/"), !path.contains("*") { return nil }
                return Diagnostic(RuleID.prefixSlash, prefix.path.location,
                                  "prefix '\(prefix.id.value)' path '\(path)' must be a folder: no leading '/', no '*', ending with '/'",
                                  hint: "write `path: \(path.trimmingSlashes().filter { $0 != "*" })/`", resource: ResourceID(.bucket, prefix.bucket))
            }
        })

    static let objectARN = Rule(
        id: RuleID.objectARN, family: "S3", summary: "Object grants name a declared prefix, never the whole bucket",
        documentation: "S3 object actions are granted on `arn:aws:s3:::bucket/prefix/*` where the prefix is declared for this environment; never `bucket/*`, `bucket*` or a `*` in the middle of the path (seed 000: no wildcard access to base-wecare-digital/*). Write `{ prefix: name }` and the environment's prefix is applied for you.",
        failing: [ExampleBase.edited("specs/iam.yaml", "resources: [{ prefix: incoming }]", "resources: [↓\"arn:aws:s3:::media.example.com/*\"]")],
        passing: [RuleExample("specs/iam.yaml", IAMRules.baseIAM)],
        check: .deployment { d in
            var out: [Diagnostic] = []
            for scope in d.platform.rolePolicy?.scopes ?? [] where scope.actions.contains(where: { a in objectActions.contains { Glob.matches(a.value, $0) } }) {
                for (arn, location) in d.resources(of: scope) where arn.hasPrefix("arn:aws:s3:::") {
                    let rest = String(arn.dropFirst("arn:aws:s3:::".count))
                    guard let slash = rest.firstIndex(of: "/") else {
                        out.append(Diagnostic(RuleID.objectARN, location, "scope '\(scope.sid.value)' grants object actions on '\(arn)', which is not an object ARN",
                                              hint: "grant on `{ prefix: name }`, i.e. arn:aws:s3:::bucket/prefix/*", resource: nil, scope: scope.sid.value))
                        continue
                    }
                    let key = String(rest[rest.index(after: slash)...])
                    let declared = d.platform.prefixes.map { d.keyPrefix($0) + "*" }
                    if !declared.contains(key) {
                        let why = key == "*" ? "the whole bucket" : key.dropLast().contains("*") ? "a '*' in the middle of the path" : "not a declared prefix of this environment"
                        out.append(Diagnostic(RuleID.objectARN, location, "scope '\(scope.sid.value)' grants '\(arn)': \(why)",
                                              hint: "grant on `{ prefix: name }`: it resolves to each environment's own key prefix", scope: scope.sid.value))
                    }
                }
            }
            return out
        })

    static let listBucket = Rule(
        id: RuleID.listBucket, family: "S3", summary: "s3:ListBucket only on the bucket, limited by s3:prefix",
        documentation: "ListBucket applies to the bucket ARN (`arn:aws:s3:::bucket`) and must carry an `s3:prefix` condition (`listPrefixes:`), or it lists every key of the bucket.",
        failing: [RuleExample("specs/more-iam.yaml", """
        functions:
          lister:
            handler: media.list
            trigger: { invokedBy: [inbound] }
            access:
              - { prefix: incoming, allow: [list] }
        """), RuleExample("specs/iam.yaml", """
        iam:
          role: execution
          scopes:
            - sid: MessagesWrite
              actions: [dynamodb:BatchWriteItem, dynamodb:DeleteItem, dynamodb:PutItem, dynamodb:UpdateItem]
              resources: [{ table: Messages }]
            - sid: IncomingPut
              actions: [s3:PutObject]
              resources: [{ prefix: incoming }]
            - sid: ↓IncomingList
              actions: [s3:ListBucket]
              resources: [{ bucket: media }]
            - sid: WorkConsume
              actions: [sqs:ChangeMessageVisibility, sqs:DeleteMessage, sqs:GetQueueAttributes, sqs:ReceiveMessage]
              resources: [{ queue: work }]
            - sid: Logs
              actions: [logs:CreateLogStream, logs:PutLogEvents]
              resources: [{ logGroup: common }]
        """)],
        passing: [RuleExample("specs/more-iam.yaml", """
        functions:
          lister:
            handler: media.list
            trigger: { invokedBy: [inbound] }
            access:
              - { prefix: incoming, allow: [list] }
        """), RuleExample("specs/iam.yaml", """
        iam:
          role: execution
          scopes:
            - sid: MessagesWrite
              actions: [dynamodb:BatchWriteItem, dynamodb:DeleteItem, dynamodb:PutItem, dynamodb:UpdateItem]
              resources: [{ table: Messages }]
            - sid: IncomingPut
              actions: [s3:PutObject]
              resources: [{ prefix: incoming }]
            - sid: IncomingList
              actions: [s3:ListBucket]
              resources: [{ bucket: media }]
              listPrefixes: [incoming]
            - sid: WorkConsume
              actions: [sqs:ChangeMessageVisibility, sqs:DeleteMessage, sqs:GetQueueAttributes, sqs:ReceiveMessage]
              resources: [{ queue: work }]
            - sid: Logs
              actions: [logs:CreateLogStream, logs:PutLogEvents]
              resources: [{ logGroup: common }]
        """)],
        check: .deployment { d in
            var out: [Diagnostic] = []
            for scope in d.platform.rolePolicy?.scopes ?? [] where scope.actions.contains(where: { Glob.matches($0.value, "s3:ListBucket") && $0.value.hasPrefix("s3:") }) {
                for (arn, location) in d.resources(of: scope) where arn.hasPrefix("arn:aws:s3:::") && (arn.contains("/") || arn.hasSuffix("*")) {
                    out.append(Diagnostic(RuleID.listBucket, location, "scope '\(scope.sid.value)' grants s3:ListBucket on '\(arn)'; ListBucket applies to the bucket ARN only",
                                          hint: "use `resources: [{ bucket: name }]` with `listPrefixes: [prefix]`", scope: scope.sid.value))
                }
                if !scope.hasPrefixCondition {
                    out.append(Diagnostic(RuleID.listBucket, scope.sid.location, "scope '\(scope.sid.value)' grants s3:ListBucket without an s3:prefix condition: it lists the whole bucket",
                                          hint: "add `listPrefixes: [prefix]` naming the declared prefixes it may list", scope: scope.sid.value))
                }
            }
            return out
        })

    static let foreignBucket = Rule(
        id: RuleID.foreignBucket, family: "S3", summary: "No access to buckets the specs do not declare",
        documentation: "Seed 000 denies access to other buckets. Any S3 ARN in a scope must name a declared bucket.",
        failing: [ExampleBase.edited("specs/iam.yaml", "resources: [{ prefix: incoming }]", "resources: [{ prefix: incoming }, ↓\"arn:aws:s3:::auth.example.com/media/incoming/*\"]")],
        passing: [RuleExample("specs/iam.yaml", IAMRules.baseIAM)],
        check: .platform { p in
            let buckets = Set(p.buckets.map(\.name.value))
            var out: [Diagnostic] = []
            for scope in p.rolePolicy?.scopes ?? [] {
                for case .arn(let arn) in scope.resources where arn.value.hasPrefix("arn:aws:s3:::") {
                    let bucket = String(arn.value.dropFirst("arn:aws:s3:::".count).prefix { $0 != "/" })
                    if !buckets.contains(bucket) {
                        out.append(Diagnostic(RuleID.foreignBucket, arn.location, "scope '\(scope.sid.value)' reaches bucket '\(bucket)', which the specs do not declare",
                                              hint: "declared buckets: \(buckets.sorted().joined(separator: ", ")); grant on `{ prefix: name }` instead", scope: scope.sid.value))
                    }
                }
            }
            return out
        })

    static let deniedOperation = Rule(
        id: RuleID.deniedOperation, family: "S3", summary: "Never grant bucket policy, lifecycle, ACL or public-access changes",
        documentation: "Seed 000 lists operations the role must never hold: bucket policy and lifecycle changes, ACLs and public access. A scope granting any of them (directly or through a pattern such as `s3:PutBucket*`, `s3:*` or `*`) is an error.",
        failing: [ExampleBase.edited("specs/iam.yaml", "actions: [s3:PutObject]", "actions: [s3:PutObject, ↓s3:PutObjectAcl]")],
        passing: [RuleExample("specs/iam.yaml", IAMRules.baseIAM)],
        check: .platform { p in
            (p.rolePolicy?.scopes ?? []).flatMap { scope in
                scope.actions.compactMap { action -> Diagnostic? in
                    let hits = deniedActions.filter { Glob.matches(action.value, $0) }
                    // `s3:*` and `*` grant them all: as denied as naming one.
                    guard !hits.isEmpty else { return nil }
                    return Diagnostic(RuleID.deniedOperation, action.location, "scope '\(scope.sid.value)' grants \(hits.joined(separator: ", ")), which the role must never hold",
                                      hint: "remove '\(action.value)'; bucket policy, lifecycle, ACL and public access are managed outside the platform", scope: scope.sid.value)
                }
            }
        })

    static let environmentOutsideGrant = Rule(
        id: RuleID.environmentOutsideGrant, family: "S3", summary: "A bucket or prefix a function is told about is one it may use",
        documentation: "Every bucket and prefix a function's environment names must lie inside what the role grants that function. A literal `*_BUCKET` value naming another bucket (the seeds' auth.wecare.digital versus stream.wecare.digital) is caught here: the function would fail at run time with AccessDenied.",
        failing: [RuleExample("specs/functions.yaml", """
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
              MEDIA_BUCKET: ↓auth.example.com
              MEDIA_PREFIX: { prefix: incoming }
            access:
              - { table: Messages, allow: [write] }
              - { prefix: incoming, allow: [put] }
          worker:
            handler: bulk.worker
            timeout: 120
            trigger: { queue: work }
        """)],
        passing: [RuleExample("specs/functions.yaml", """
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
              - { table: Messages, allow: [write] }
              - { prefix: incoming, allow: [put] }
          worker:
            handler: bulk.worker
            timeout: 120
            trigger: { queue: work }
        """)],
        check: .deployment { d in
            var out: [Diagnostic] = []
            for f in d.platform.functions {
                let needs = d.needs(of: f).filter { need in need.resource.hasPrefix("arn:aws:s3:::") && d.isGranted(need) }
                let granted = needs.filter { $0.resource.hasPrefix("arn:aws:s3:::") }.map(\.resource)
                func grantedBucket(_ name: String) -> Bool { granted.contains { $0 == "arn:aws:s3:::\(name)" || $0.hasPrefix("arn:aws:s3:::\(name)/") } }
                func grantedKey(_ key: String, in bucket: String) -> Bool { granted.contains { $0.hasPrefix("arn:aws:s3:::\(bucket)/\(key)") } }
                for v in f.environment {
                    let name = v.name.value
                    switch v.value {
                    case .reference(let r) where r.kind == .bucket:
                        if let b = d.effectiveBucket(r.name.value), !grantedBucket(b.name.value) {
                            out.append(Diagnostic(RuleID.environmentOutsideGrant, r.name.location,
                                                  "\(name) of function '\(f.id.value)' names bucket '\(b.name.value)', but the role grants the function nothing in it",
                                                  hint: "add an access entry on one of its prefixes, or remove the variable", resource: ResourceID(.function, f.id.value)))
                        }
                    case .reference(let r) where r.kind == .prefix:
                        if let p = d.prefix(named: r.name.value), let b = d.bucket(of: p), !grantedKey(d.keyPrefix(p), in: b.name.value) {
                            out.append(Diagnostic(RuleID.environmentOutsideGrant, r.name.location,
                                                  "\(name) of function '\(f.id.value)' names prefix '\(p.id.value)', but the role grants the function nothing under it",
                                                  hint: "add `- { prefix: \(p.id.value), allow: [get] }` (or put) to its access, or remove the variable",
                                                  resource: ResourceID(.function, f.id.value)))
                        }
                    case .literal(let l) where name.hasSuffix("_BUCKET"):
                        if !grantedBucket(l.value) {
                            out.append(Diagnostic(RuleID.environmentOutsideGrant, l.location,
                                                  "\(name) of function '\(f.id.value)' names bucket '\(l.value)', which the role does not grant the function",
                                                  hint: "refer to a declared bucket, `{ bucket: name }`, whose prefixes the function may use",
                                                  resource: ResourceID(.function, f.id.value)))
                        }
                    case .literal(let l) where name.hasSuffix("_PREFIX"):
                        if !granted.contains(where: { $0.contains("/\(l.value)") }) {
                            out.append(Diagnostic(RuleID.environmentOutsideGrant, l.location,
                                                  "\(name) of function '\(f.id.value)' names prefix '\(l.value)', which the role does not grant the function",
                                                  hint: "refer to a declared prefix, `{ prefix: name }`, and add it to the function's access",
                                                  resource: ResourceID(.function, f.id.value)))
                        }
                    default: break
                    }
                }
            }
            return out
        })
}

extension String {
    func trimmingSlashes() -> String {
        var s = Substring(self)
        while s.hasPrefix("/") { s = s.dropFirst() }
        while s.hasSuffix("/") { s = s.dropLast() }
        return String(s)
    }
}
