import AWSClient
import SpecModel

/// Reads what an adoption would take over and decides, resource by resource, whether it can be imported:
/// read-only calls only (ListStackResources, DescribeTable, GetQueueUrl, GetQueueAttributes, DescribeLogGroups, and each one's tags:
/// ListTagsOfResource, ListQueueTags, ListTagsLogGroup).
public struct AdoptionInspector: Sendable {
    public let client: AWSClient

    public init(client: AWSClient) { self.client = client }

    /// - Parameters:
    ///   - stack: the stack's name, as the report shows it.
    ///   - stackID: the stack's id; nil when there is no stack yet (nothing is in it).
    ///   - createAdopted: the account is expected to have none of them (an emulator, a new account): the stack creates
    ///     them, and one that exists blocks.
    public func inspect(environment: String, stack: String, stackID: String?, adopted: [AdoptedResource], checklist: [String],
                        createAdopted: Bool = false) async throws -> AdoptionReport {
        var inStack: [CloudFormationClient.StackResourceSummary] = []
        if let stackID { inStack = try await CloudFormationClient(client: client).listStackResources(stackName: stackID) }
        let reader = LiveResourceReader(client: client)
        var entries: [AdoptionReport.Entry] = []
        for resource in adopted {
            if let held = inStack.first(where: { $0.logicalResourceID == resource.logicalID }) {
                let physical = held.physicalResourceID ?? ""
                // A queue's physical id is its URL; tables and log groups go by name.
                let same = physical == resource.physicalName || physical.hasSuffix("/" + resource.physicalName)
                entries.append(same ? .init(resource: resource, status: .inStack)
                               : .init(resource: resource, status: .blocked, blockers: ["the stack's \(resource.logicalID) is \(physical), another resource; "
                                   + "CloudFormation would replace it with the live one's name only by deleting one of them"]))
                continue
            }
            let live = try await reader.read(resource)
            if createAdopted {
                entries.append(live == nil ? .init(resource: resource, status: .create)
                               : .init(resource: resource, status: .blocked, blockers: ["it exists, so it is adopted, not created; leave out --create-adopted"], live: live))
                continue
            }
            guard let live else {
                entries.append(.init(resource: resource, status: .blocked,
                                     blockers: ["there is no such \(resource.kind == .logGroup ? "log group" : resource.kind.rawValue) in the account; if it was never created, "
                                                + "remove it from `adopt:` so the stack creates it (or deploy with --create-adopted in an account that never had it)"]))
                continue
            }
            var (blockers, differences) = Self.compare(resource, live)
            if let owner = try await reader.owningStack(of: live), owner != stack {
                blockers.append("CloudFormation stack \(owner) manages it (tag aws:cloudformation:stack-name), and a resource belongs to one stack only: "
                                + "give it DeletionPolicy: Retain in \(owner), remove it from \(owner)'s template and update \(owner), then adopt it here")
            }
            entries.append(.init(resource: resource, status: blockers.isEmpty ? .importable : .blocked, blockers: blockers, differences: differences, live: live))
        }
        return AdoptionReport(environment: environment, stack: stack, entries: entries, checklist: checklist)
    }

    /// What stops an import (the update after it would replace the resource, or CloudFormation refuses it) and what the
    /// update changes in place.
    public static func compare(_ resource: AdoptedResource, _ live: LiveResource) -> (blockers: [String], differences: [AdoptionReport.Difference]) {
        var blockers: [String] = [], differences: [AdoptionReport.Difference] = []
        let props = resource.properties
        switch live {
        case .table(let t):
            if let status = t.tableStatus, status != "ACTIVE" { blockers.append("the table is \(status), not ACTIVE; import it once it is") }
            let liveKey = keyText(t.keySchema.map { ($0.attributeName, $0.keyType) }, types: t.attributeDefinitions.map { ($0.attributeName, $0.attributeType) })
            let specKey = keyText(keySchema(props["KeySchema"]), types: attributes(props["AttributeDefinitions"]))
            if liveKey != specKey {
                blockers.append("its key is \(liveKey) live but \(specKey) in the spec: the update after the import would replace it with a new, empty table; "
                                + "make the spec's key the live one")
            }
            if t.billingMode != "PAY_PER_REQUEST" {
                blockers.append("it bills \(t.billingMode); switch it to on-demand first (aws dynamodb update-table --table-name \(t.tableName) --billing-mode PAY_PER_REQUEST)")
            }
            let liveIndexes = Dictionary(t.globalSecondaryIndexes.map { ($0.indexName, keyText($0.keySchema.map { ($0.attributeName, $0.keyType) }, types: [])) },
                                         uniquingKeysWith: { a, _ in a })
            var specIndexes: [String: String] = [:]
            if case .array(let indexes)? = props["GlobalSecondaryIndexes"] {
                for case .object(let i) in indexes {
                    if case .string(let name)? = i["IndexName"] { specIndexes[name] = keyText(keySchema(i["KeySchema"]), types: []) }
                }
            }
            let added = specIndexes.filter { liveIndexes[$0.key] != $0.value }.keys.sorted()
            let removed = liveIndexes.filter { specIndexes[$0.key] != $0.value }.keys.sorted()
            if added.count + removed.count > 1 {
                blockers.append("the update would add \(added.isEmpty ? "no index" : added.joined(separator: ", ")) and remove \(removed.isEmpty ? "no index" : removed.joined(separator: ", ")), "
                                + "but CloudFormation creates or deletes one global secondary index per update; add or remove all but one by hand first "
                                + "(aws dynamodb update-table --global-secondary-index-updates …)")
            } else if !added.isEmpty || !removed.isEmpty {
                differences.append(.init(property: "GlobalSecondaryIndexes", live: liveIndexes.keys.sorted().joined(separator: ", ").ifEmpty("none"),
                                         spec: specIndexes.keys.sorted().joined(separator: ", ").ifEmpty("none")))
            }
        case .queue(_, let a):
            let liveFifo = a["FifoQueue"] == "true", specFifo = props["FifoQueue"] == .bool(true)
            if liveFifo != specFifo {
                blockers.append("it is \(liveFifo ? "a FIFO" : "a standard") queue live but \(specFifo ? "FIFO" : "standard") in the spec: the update would replace it")
            }
            for (property, attribute) in [("VisibilityTimeout", "VisibilityTimeout"), ("MessageRetentionPeriod", "MessageRetentionPeriod")] {
                let spec = props[property].map(JSONText.compact) ?? "default"
                if let value = a[attribute], value != spec { differences.append(.init(property: property, live: value, spec: spec)) }
            }
            let liveRedrive = a["RedrivePolicy"].flatMap { try? JSONValue.parse($0) }.map { redriveText($0) } ?? "none"
            let specRedrive = props["RedrivePolicy"].map { redriveText($0, target: resource.deadLetterQueue) } ?? "none"
            if liveRedrive != specRedrive { differences.append(.init(property: "RedrivePolicy", live: liveRedrive, spec: specRedrive)) }
        case .logGroup(let g):
            let spec = props["RetentionInDays"].map(JSONText.compact) ?? "never expire"
            let value = g.retentionInDays.map(String.init) ?? "never expire"
            if value != spec { differences.append(.init(property: "RetentionInDays", live: value, spec: spec)) }
        }
        return (blockers, differences)
    }

    static func keySchema(_ value: JSONValue?) -> [(String, String)] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { item in
            guard case .object(let o) = item, case .string(let name)? = o["AttributeName"], case .string(let type)? = o["KeyType"] else { return nil }
            return (name, type)
        }
    }

    static func attributes(_ value: JSONValue?) -> [(String, String)] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { item in
            guard case .object(let o) = item, case .string(let name)? = o["AttributeName"], case .string(let type)? = o["AttributeType"] else { return nil }
            return (name, type)
        }
    }

    /// `contactId (S) HASH`, `contactId HASH, timestamp RANGE`.
    static func keyText(_ key: [(String, String)], types: [(String, String)]) -> String {
        let byName = Dictionary(types, uniquingKeysWith: { a, _ in a })
        return key.sorted { $0.1 < $1.1 }.map { name, type in byName[name].map { "\(name) (\($0)) \(type)" } ?? "\(name) \(type)" }.joined(separator: ", ")
    }

    /// The redrive target by queue name (an ARN's last part, or the name given for the template's GetAtt) and the receive count.
    static func redriveText(_ value: JSONValue, target named: String? = nil) -> String {
        guard case .object(let o) = value else { return JSONText.compact(value) }
        var target = named ?? "?"
        if case .string(let arn)? = o["deadLetterTargetArn"] { target = String(arn.split(separator: ":").last ?? "") }
        let count = o["maxReceiveCount"].map { v -> String in if case .string(let s) = v { s } else { JSONText.compact(v) } } ?? "?"
        return "\(target) after \(count) receives"
    }
}

extension String {
    fileprivate func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
