import SpecModel

/// Stage four: one environment's deployment → its CloudFormation template (JSON, sorted keys).
/// The existing execution role is used by ARN; no IAM role or policy is created or changed.
public enum CloudFormationGenerator {
    public static func template(for d: Deployment) -> JSONValue {
        var resources: [String: JSONValue] = [:]
        var outputs: [String: JSONValue] = [:]
        let p = d.platform

        for t in p.tables {
            resources[LogicalID.table(t)] = table(t, d)
            outputs[LogicalID.table(t) + "Name"] = output(CFN.ref(LogicalID.table(t)), "Name of table \(t.id.value)")
        }
        for q in p.queues {
            resources[LogicalID.queue(q)] = queue(q, d)
            outputs[LogicalID.queue(q) + "Url"] = output(CFN.ref(LogicalID.queue(q)), "URL of queue \(q.id.value)")
        }
        for t in d.createdTopics {
            resources[LogicalID.topic(t)] = .object([
                "Type": .string("AWS::SNS::Topic"),
                "Properties": .object(["TopicName": .string(d.topicName(t)), "Tags": CFN.tags(d)]),
            ])
            outputs[LogicalID.topic(t) + "Arn"] = output(CFN.ref(LogicalID.topic(t)), "ARN of topic \(t.id.value)")
            for (i, subscription) in t.subscriptions.enumerated() {
                // SNS emails the address a confirmation link; nothing is delivered until the person confirms.
                resources[LogicalID.topic(t) + "Email\(i + 1)"] = .object([
                    "Type": .string("AWS::SNS::Subscription"),
                    "Properties": .object(["TopicArn": CFN.ref(LogicalID.topic(t)), "Protocol": .string("email"),
                                           "Endpoint": .string(d.resolve(subscription.address) ?? "")]),
                ])
            }
        }
        for g in p.logGroups {
            resources[LogicalID.logGroup(g)] = stateful(.object([
                "Type": .string("AWS::Logs::LogGroup"),
                "Properties": .object(["LogGroupName": .string(d.logGroupName(g)), "RetentionInDays": .int(g.retention.value.wholeDays ?? 30)]),
            ]), ResourceID(.logGroup, g.id.value), d)
        }
        for f in p.functions {
            resources[LogicalID.function(f)] = function(f, d)
            outputs[LogicalID.function(f) + "Name"] = output(CFN.ref(LogicalID.function(f)), "Name of function \(f.id.value)")
            switch f.trigger {
            case .queue(let ref, let batch):
                guard let q = p.queue(ref.name.value) else { break }
                resources[LogicalID.function(f) + "EventSource"] = .object([
                    "Type": .string("AWS::Lambda::EventSourceMapping"),
                    "Properties": .object([
                        "EventSourceArn": CFN.getAtt(LogicalID.queue(q), "Arn"),
                        "FunctionName": CFN.ref(LogicalID.function(f)),
                        "BatchSize": .int(batch.value),
                        "FunctionResponseTypes": .array([.string("ReportBatchItemFailures")]),
                        "Enabled": .bool(true),
                    ]),
                ])
            case .topic(let ref):
                guard let resolved = d.resolve(ref) else { break }
                let arn: JSONValue = d.createdTopic(for: ref).map { CFN.ref(LogicalID.topic($0)) } ?? .string(resolved)
                resources[LogicalID.function(f) + "Subscription"] = .object([
                    "Type": .string("AWS::SNS::Subscription"),
                    "Properties": .object(["TopicArn": arn, "Protocol": .string("lambda"), "Endpoint": CFN.getAtt(LogicalID.function(f), "Arn")]),
                ])
                resources[LogicalID.function(f) + "TopicPermission"] = .object([
                    "Type": .string("AWS::Lambda::Permission"),
                    "Properties": .object([
                        "Action": .string("lambda:InvokeFunction"), "FunctionName": CFN.getAtt(LogicalID.function(f), "Arn"),
                        "Principal": .string("sns.amazonaws.com"), "SourceArn": arn,
                    ]),
                ])
            case .schedule(let expression):
                // EventBridge invokes the function through its resource policy: the role needs nothing.
                resources[LogicalID.function(f) + "Schedule"] = .object([
                    "Type": .string("AWS::Events::Rule"),
                    "Properties": .object([
                        "Description": .string("Runs \(f.id.value) on \(expression.value)"),
                        "ScheduleExpression": .string(expression.value),
                        "State": .string("ENABLED"),
                        "Targets": .array([.object(["Arn": CFN.getAtt(LogicalID.function(f), "Arn"), "Id": .string(f.id.value)])]),
                    ]),
                ])
                resources[LogicalID.function(f) + "SchedulePermission"] = .object([
                    "Type": .string("AWS::Lambda::Permission"),
                    "Properties": .object([
                        "Action": .string("lambda:InvokeFunction"), "FunctionName": CFN.getAtt(LogicalID.function(f), "Arn"),
                        "Principal": .string("events.amazonaws.com"), "SourceArn": CFN.getAtt(LogicalID.function(f) + "Schedule", "Arn"),
                    ]),
                ])
            case .routes, .invokedBy: break
            }
        }
        HTTPAPIResources.add(to: &resources, outputs: &outputs, d)
        AlarmResources.add(to: &resources, d)
        ScannerMetadata.apply(to: &resources, d)

        var parameters: [String: JSONValue] = [
            "CodeBucket": .object(["Type": .string("String"), "Description": .string("S3 bucket holding the wecare-service Lambda bundle")]),
            "CodeKey": .object(["Type": .string("String"), "Default": .string("wecare-service/bootstrap.zip"),
                                "Description": .string("S3 key of the bundle; every function runs the same binary and picks its handler by name")]),
            UserPoolClient.parameter: .object(["Type": .string("String"), "Description": .string("Cognito app client id the JWT authorizer accepts as audience")]),
        ]
        var body: [String: JSONValue] = ["Resources": .object(resources), "Outputs": .object(outputs)]
        if d.prefix.contains(BranchSlug.placeholder) {
            // One template for every branch's copy: its names hold the slug, which `wecare deploy` sets from the branch.
            parameters[BranchSlug.parameter] = .object([
                "Type": .string("String"), "AllowedPattern": .string(BranchSlug.pattern), "MaxLength": .int(BranchSlug.maxLength),
                "Description": .string("The branch's slug in every physical name; set by `wecare deploy` from the branch, never by hand"),
            ])
            body = body.mapValues(substitutingSlug)
        }
        return .object(body.merging([
            "AWSTemplateFormatVersion": .string("2010-09-09"),
            "Description": .string("\(p.name) platform, \(d.environment.name.value) environment. Generated by `wecare build` from specs/ and environments/; do not edit."),
            "Parameters": .object(parameters),
        ]) { a, _ in a })
    }

    /// Every string that holds the slug placeholder becomes an `Fn::Sub` of itself; strings already under
    /// `Fn::Sub` stay as they are (CloudFormation substitutes the parameter there too).
    static func substitutingSlug(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let s) where s.contains(BranchSlug.placeholder): CFN.sub(s)
        case .object(let o) where o.keys.contains("Fn::Sub"): value
        case .object(let o): .object(o.mapValues(substitutingSlug))
        case .array(let a): .array(a.map(substitutingSlug))
        default: value
        }
    }

    static func output(_ value: JSONValue, _ description: String) -> JSONValue {
        .object(["Value": value, "Description": .string(description)])
    }

    static func table(_ t: Table, _ d: Deployment) -> JSONValue {
        func keySchema(_ k: Table.KeySchema) -> JSONValue {
            .array([.object(["AttributeName": .string(k.partition.value), "KeyType": .string("HASH")])]
                + (k.sort.map { [.object(["AttributeName": .string($0.value), "KeyType": .string("RANGE")])] } ?? []))
        }
        var props: [String: JSONValue] = [
            "TableName": .string(d.tableName(t)),
            "BillingMode": .string(t.billing.value),
            "AttributeDefinitions": .array(t.keyAttributes.map(\.value).sorted().map { name in
                .object(["AttributeName": .string(name), "AttributeType": .string(t.attributeType(name)?.rawValue ?? "S")])
            }),
            "KeySchema": keySchema(t.key),
            "SSESpecification": .object(["SSEEnabled": .bool(true)]),
            "Tags": CFN.tags(d),
        ]
        if !t.indexes.isEmpty {
            props["GlobalSecondaryIndexes"] = .array(t.indexes.map { i in
                .object(["IndexName": .string(i.name.value), "KeySchema": keySchema(i.key), "Projection": .object(["ProjectionType": .string("ALL")])])
            })
        }
        if let ttl = t.ttl {
            props["TimeToLiveSpecification"] = .object(["AttributeName": .string(ttl.attribute.value), "Enabled": .bool(true)])
        }
        if t.pointInTimeRecovery {
            props["PointInTimeRecoverySpecification"] = .object(["PointInTimeRecoveryEnabled": .bool(true)])
        }
        // Production data survives a stack deletion or a replacement; preview and staging stacks come and go.
        // An adopted table was there before the stack and outlives it, wherever it is.
        return stateful(.object(["Type": .string("AWS::DynamoDB::Table"), "Properties": .object(props)]), ResourceID(.table, t.id.value), d)
    }

    static func queue(_ q: Queue, _ d: Deployment) -> JSONValue {
        var props: [String: JSONValue] = [
            "QueueName": .string(d.queueName(q)),
            "VisibilityTimeout": .int(q.visibilityTimeout.value.seconds),
            "MessageRetentionPeriod": .int(q.retention.value.seconds),
            "SqsManagedSseEnabled": .bool(true),
            "Tags": CFN.tags(d),
        ]
        if q.fifo.value { props["FifoQueue"] = .bool(true) }
        if let dl = q.deadLetter, let target = d.queue(dl.queue.name.value) {
            props["RedrivePolicy"] = .object([
                "deadLetterTargetArn": CFN.getAtt(LogicalID.queue(target), "Arn"),
                "maxReceiveCount": .int(dl.maxReceiveCount.value),
            ])
        }
        return stateful(.object(["Type": .string("AWS::SQS::Queue"), "Properties": .object(props)]), ResourceID(.queue, q.id.value), d)
    }

    /// What becomes of a resource that holds data (a table, a queue, a log group) when the stack deletes or replaces
    /// it, stated on every one: production's data and every adopted resource (it was there before the stack;
    /// CloudFormation imports only resources that carry a DeletionPolicy) are kept; preview and staging stacks come and go.
    static func stateful(_ resource: JSONValue, _ id: ResourceID, _ d: Deployment) -> JSONValue {
        guard case .object(var fields) = resource else { return resource }
        let policy = d.environment.isProduction || d.environment.adopts(id) ? "Retain" : "Delete"
        fields["DeletionPolicy"] = .string(policy)
        fields["UpdateReplacePolicy"] = .string(policy)
        return .object(fields)
    }

    static func function(_ f: Function, _ d: Deployment) -> JSONValue {
        var variables: [String: JSONValue] = [:]
        for v in f.environment { variables[v.name.value] = variableValue(v.value, d) }
        var props: [String: JSONValue] = [
            "FunctionName": .string(d.functionName(f)),
            "Description": .string(f.description),
            "Role": .string(d.resolve(f.role) ?? ""),
            "Runtime": .string(f.runtime.value),
            "Handler": .string(f.handler.value),
            "Architectures": .array([.string(f.architecture.value)]),
            "MemorySize": .int(f.memory.value),
            "Timeout": .int(f.timeout.value),
            "Code": .object(["S3Bucket": CFN.ref("CodeBucket"), "S3Key": CFN.ref("CodeKey")]),
            "Environment": .object(["Variables": .object(variables)]),
            "Tags": CFN.tags(d),
        ]
        if let r = f.reservedConcurrency { props["ReservedConcurrentExecutions"] = .int(r.value) }
        if let dlq = f.deadLetterQueue, let q = d.queue(dlq.name.value) {
            props["DeadLetterConfig"] = .object(["TargetArn": CFN.getAtt(LogicalID.queue(q), "Arn")])
        }
        if let g = f.logGroup, let group = d.platform.logGroups.first(where: { $0.id.value == g.name.value }) {
            props["LoggingConfig"] = .object(["LogGroup": CFN.ref(LogicalID.logGroup(group)), "LogFormat": .string("JSON")])
        }
        return .object(["Type": .string("AWS::Lambda::Function"), "Properties": .object(props)])
    }

    /// In-stack resources by Ref/GetAtt (so emulators and real AWS agree); everything else as a literal.
    static func variableValue(_ value: Function.Value, _ d: Deployment) -> JSONValue {
        if case .reference(let r) = value {
            let name = r.name.value
            switch r.kind {
            case .table: if let t = d.table(name) { return CFN.ref(LogicalID.table(t)) }
            case .queue:
                if let q = d.queue(name) {
                    switch r.attribute?.value {
                    case "arn": return CFN.getAtt(LogicalID.queue(q), "Arn")
                    case "name": return CFN.getAtt(LogicalID.queue(q), "QueueName")
                    default: return CFN.ref(LogicalID.queue(q))
                    }
                }
            case .function: if let f = d.function(name) { return CFN.ref(LogicalID.function(f)) }
            case .topic:
                if let t = d.createdTopic(for: r) {
                    return r.attribute?.value == "name" ? CFN.getAtt(LogicalID.topic(t), "TopicName") : CFN.ref(LogicalID.topic(t))
                }
            case .logGroup: if let g = d.platform.logGroups.first(where: { $0.id.value == name }) { return CFN.ref(LogicalID.logGroup(g)) }
            case .userPool where UserPoolClient.isClientId(r): return CFN.ref(UserPoolClient.parameter)
            default: break
            }
        }
        return .string(d.resolve(value) ?? "")
    }
}
