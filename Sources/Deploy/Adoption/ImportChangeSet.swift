import AWSClient
import SpecModel

/// What an IMPORT change set is made of: the stack's template with the live resources added, each described as it
/// is live and kept on deletion, and the identifiers CloudFormation finds them by. Nothing else may change in an
/// import, so the spec's values for them come with the normal update that follows.
public struct ImportChangeSet: Sendable, Equatable {
    public var templateBody: String
    public var resources: [CloudFormationClient.ResourceToImport]

    /// - Parameter base: the stack's current template; nil for a stack the import creates.
    public static func make(importing entries: [AdoptionReport.Entry], base: JSONValue?, description: String) -> ImportChangeSet {
        var root: [String: JSONValue] = ["AWSTemplateFormatVersion": .string("2010-09-09"), "Description": .string(description)]
        if case .object(let existing)? = base { root = existing }
        var resources: [String: JSONValue] = [:]
        if case .object(let existing)? = root["Resources"] { resources = existing }
        var imports: [CloudFormationClient.ResourceToImport] = []
        for entry in entries {
            guard let live = entry.live else { continue }
            let (properties, identifier) = describe(live, entry.resource)
            resources[entry.resource.logicalID] = .object([
                "Type": .string(entry.resource.resourceType), "DeletionPolicy": .string("Retain"), "UpdateReplacePolicy": .string("Retain"),
                "Properties": .object(properties),
            ])
            imports.append(.init(resourceType: entry.resource.resourceType, logicalResourceID: entry.resource.logicalID, identifier: identifier))
        }
        root["Resources"] = .object(resources)
        return ImportChangeSet(templateBody: JSONValue.object(root).rendered(), resources: imports)
    }

    /// The properties as the resource has them live, and its primary identifier.
    static func describe(_ live: LiveResource, _ resource: AdoptedResource) -> ([String: JSONValue], [String: String]) {
        switch live {
        case .table(let t):
            func key(_ k: [DynamoDBClient.KeySchemaElement]) -> JSONValue {
                .array(k.map { .object(["AttributeName": .string($0.attributeName), "KeyType": .string($0.keyType)]) })
            }
            var p: [String: JSONValue] = [
                "TableName": .string(t.tableName), "BillingMode": .string(t.billingMode), "KeySchema": key(t.keySchema),
                "AttributeDefinitions": .array(t.attributeDefinitions.sorted { $0.attributeName < $1.attributeName }.map {
                    .object(["AttributeName": .string($0.attributeName), "AttributeType": .string($0.attributeType)])
                }),
            ]
            if !t.globalSecondaryIndexes.isEmpty {
                p["GlobalSecondaryIndexes"] = .array(t.globalSecondaryIndexes.map {
                    .object(["IndexName": .string($0.indexName), "KeySchema": key($0.keySchema),
                             "Projection": .object(["ProjectionType": .string($0.projectionType ?? "ALL")])])
                })
            }
            return (p, ["TableName": t.tableName])
        case .queue(let url, let a):
            var p: [String: JSONValue] = ["QueueName": .string(resource.physicalName)]
            for name in ["VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "MaximumMessageSize", "ReceiveMessageWaitTimeSeconds"] {
                if let value = a[name], let n = Int(value) { p[name] = .int(n) }
            }
            if a["FifoQueue"] == "true" { p["FifoQueue"] = .bool(true) }
            if let redrive = a["RedrivePolicy"], case .object(var r)? = try? JSONValue.parse(redrive) {
                if case .string(let count)? = r["maxReceiveCount"], let n = Int(count) { r["maxReceiveCount"] = .int(n) }
                p["RedrivePolicy"] = .object(r)
            }
            return (p, ["QueueUrl": url])
        case .logGroup(let g):
            var p: [String: JSONValue] = ["LogGroupName": .string(g.name)]
            if let days = g.retentionInDays { p["RetentionInDays"] = .int(days) }
            return (p, ["LogGroupName": g.name])
        }
    }
}
