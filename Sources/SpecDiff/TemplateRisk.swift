import SpecModel

/// Why a template change is dangerous: which property changes make CloudFormation replace a
/// resource that holds data, which widen access, which change how much the platform does.
enum TemplateRisk {
    typealias Verdict = (risk: Risk, why: String)

    static func classify(type: String, change: TemplateDiff.PropertyChange, base: [String: JSONValue], head: [String: JSONValue]) -> Verdict {
        let top = change.path.first ?? ""
        if top == "Type" { return (.dataLoss, "The resource type changes: CloudFormation deletes the old resource and creates a new one.") }
        switch type {
        case "AWS::DynamoDB::Table": return table(top, change, base: base, head: head)
        case "AWS::SQS::Queue": return queue(top, change)
        case "AWS::Lambda::Function": return function(top)
        case "AWS::Logs::LogGroup":
            switch top {
            case "RetentionInDays": return (.capacity, "How long logs are kept changes.")
            case "LogGroupName": return (.dataLoss, "LogGroupName changes: CloudFormation replaces the log group and the logs in it are lost.")
            default: break
            }
        case "AWS::Lambda::EventSourceMapping":
            if ["BatchSize", "MaximumBatchingWindowInSeconds", "ScalingConfig"].contains(top) {
                return (.capacity, "How many queue messages one invocation receives changes.")
            }
        case "AWS::Lambda::Permission":
            return (.securityBroadening, "Who may invoke the function changes.")
        case "AWS::SNS::Subscription":
            // A handler's subscription decides whose events it processes (isolation.production-topic);
            // an email subscription, who reads the alarms.
            if top == "TopicArn" || top == "Endpoint" { return (.securityBroadening, "Which messages reach whom changes: \(top) of an SNS subscription.") }
        case "AWS::ApiGatewayV2::Route":
            if top == "AuthorizationType" || top == "AuthorizerId" { return (.securityBroadening, "Who may call the route changes.") }
        case "AWS::ApiGatewayV2::Authorizer":
            return (.securityBroadening, "Which tokens the API accepts changes.")
        case "AWS::ApiGatewayV2::Api":
            if change.path.starts(with: ["CorsConfiguration", "AllowOrigins"]) { return (.securityBroadening, "Which web origins may call the API changes.") }
        default: break
        }
        return (.other, "\(change.pathString) changes; no data, access or capacity is affected.")
    }

    static func table(_ top: String, _ change: TemplateDiff.PropertyChange, base: [String: JSONValue], head: [String: JSONValue]) -> Verdict {
        let replaced = "CloudFormation replaces the table and its items are lost."
        switch top {
        case "TableName": return (.dataLoss, "TableName changes: \(replaced)")
        case "KeySchema": return (.dataLoss, "The table key changes: \(replaced)")
        case "AttributeDefinitions":
            // Only the table key's definitions force a replacement; index attributes come and go with their index.
            let keys = keyNames(base["KeySchema"]).union(keyNames(head["KeySchema"]))
            let b = definitions(base["AttributeDefinitions"]), a = definitions(head["AttributeDefinitions"])
            if keys.contains(where: { b[$0] != a[$0] }) { return (.dataLoss, "A key attribute's definition changes: \(replaced)") }
            return (.other, "Index attribute definitions change with their index; the table and its items are kept.")
        case "TimeToLiveSpecification":
            if change.after == nil { return (.dataLoss, "TTL is turned off: items stop expiring, and the runtime may rely on them expiring.") }
            if change.before == nil { return (.dataLoss, "TTL is turned on: items whose TTL attribute has passed are deleted.") }
            return (.dataLoss, "The TTL attribute changes: items stop or start expiring.")
        case "GlobalSecondaryIndexes": return (.other, "An index is built, changed or dropped; the table and its items are kept.")
        case "BillingMode", "ProvisionedThroughput": return (.capacity, "How the table is billed and throttled changes.")
        case "PointInTimeRecoverySpecification":
            if enabled(change.after) { return (.other, "Point-in-time recovery is turned on.") }
            return (.dataLoss, "Point-in-time recovery is turned off: its continuous backups are deleted.")
        case "DeletionPolicy", "UpdateReplacePolicy":
            if change.after == .string("Delete") { return (.dataLoss, "\(top) becomes Delete: a removal or replacement now deletes the table's items.") }
            return (.other, "\(top) changes: the table would be kept on removal or replacement.")
        case "SSESpecification": return (.securityBroadening, "Encryption at rest changes.")
        default: return (.other, "\(change.pathString) changes; the table and its items are kept.")
        }
    }

    static func queue(_ top: String, _ change: TemplateDiff.PropertyChange) -> Verdict {
        let replaced = "CloudFormation replaces the queue and the messages in it are lost."
        switch top {
        case "QueueName": return (.dataLoss, "QueueName changes: \(replaced)")
        case "FifoQueue": return (.dataLoss, "FifoQueue changes: \(replaced)")
        case "VisibilityTimeout": return (.capacity, "How long a received message stays hidden from other consumers changes.")
        case "MessageRetentionPeriod": return (.capacity, "How long unconsumed messages are kept changes.")
        case "RedrivePolicy" where change.path.last == "maxReceiveCount":
            return (.capacity, "How often a message is retried before it goes to the dead-letter queue changes.")
        case "SqsManagedSseEnabled", "KmsMasterKeyId": return (.securityBroadening, "Encryption at rest changes.")
        default: return (.other, "\(change.pathString) changes; the queue and its messages are kept.")
        }
    }

    static func function(_ top: String) -> Verdict {
        switch top {
        case "MemorySize": return (.capacity, "Memory (and the CPU share that comes with it) per invocation changes.")
        case "Timeout": return (.capacity, "How long one invocation may run changes.")
        case "ReservedConcurrentExecutions": return (.capacity, "How many instances may run at once changes.")
        case "Role": return (.securityBroadening, "The function runs with a different execution role.")
        default: return (.other, "The function's \(top) changes; it is updated in place.")
        }
    }

    static func removed(type: String, resource: JSONValue) -> Verdict {
        let retained = TemplateDiff.member(resource, "DeletionPolicy") == .string("Retain")
        switch type {
        case "AWS::DynamoDB::Table":
            return retained
                ? (.dataLoss, "The table leaves the stack: DeletionPolicy Retain keeps its items, but nothing reads or manages them any more.")
                : (.dataLoss, "The table is removed: CloudFormation deletes it and its items are lost.")
        case "AWS::SQS::Queue": return (.dataLoss, "The queue is removed: CloudFormation deletes it and the messages in it are lost.")
        case "AWS::Logs::LogGroup": return (.dataLoss, "The log group is removed: CloudFormation deletes it and the logs in it are lost.")
        case "AWS::Lambda::Permission": return (.securityNarrowing, "A permission to invoke a function is removed: that caller can no longer invoke it.")
        case "AWS::ApiGatewayV2::Authorizer": return (.securityBroadening, "The authorizer is removed: routes that used it no longer check tokens.")
        default: return (.other, "The resource is removed from the stack; it holds no data.")
        }
    }

    static func added(type: String) -> Verdict {
        switch type {
        case "AWS::Lambda::Permission": return (.securityBroadening, "A permission to invoke a function is added: another caller may invoke it.")
        case "AWS::ApiGatewayV2::Authorizer": return (.securityNarrowing, "An authorizer is added: routes that use it check tokens.")
        default: return (.other, "A new resource is created; nothing existing is touched.")
        }
    }

    static func keyNames(_ schema: JSONValue?) -> Set<String> {
        guard case .array(let items)? = schema else { return [] }
        return Set(items.compactMap { TemplateDiff.string(TemplateDiff.member($0, "AttributeName")) })
    }

    static func definitions(_ list: JSONValue?) -> [String: String] {
        guard case .array(let items)? = list else { return [:] }
        var out: [String: String] = [:]
        for item in items {
            if let name = TemplateDiff.string(TemplateDiff.member(item, "AttributeName")) {
                out[name] = TemplateDiff.string(TemplateDiff.member(item, "AttributeType"))
            }
        }
        return out
    }

    static func enabled(_ spec: JSONValue?) -> Bool {
        // The walk may stop at the specification or descend to its flag.
        spec == .bool(true) || TemplateDiff.member(spec, "PointInTimeRecoveryEnabled") == .bool(true)
    }
}
