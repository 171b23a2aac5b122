import SpecModel

/// One live resource an environment's stack takes over instead of creating (`adopt:` in its environment file),
/// as the generated template declares it.
public struct AdoptedResource: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case table, queue, logGroup

        /// The template property that holds the physical name.
        var nameProperty: String {
            switch self {
            case .table: "TableName"
            case .queue: "QueueName"
            case .logGroup: "LogGroupName"
            }
        }

        var resourceType: String {
            switch self {
            case .table: "AWS::DynamoDB::Table"
            case .queue: "AWS::SQS::Queue"
            case .logGroup: "AWS::Logs::LogGroup"
            }
        }
    }

    public var kind: Kind
    /// The spec's name (`Contacts`).
    public var name: String
    public var logicalID: String
    /// The name it has in the account, the same in the template: TableName, QueueName or LogGroupName.
    public var physicalName: String
    /// The template's properties: what the update after the import makes of it.
    public var properties: [String: JSONValue]
    /// A queue's dead-letter queue by physical name (the template names it by logical id).
    public var deadLetterQueue: String?

    public init(kind: Kind, name: String, logicalID: String, physicalName: String, properties: [String: JSONValue], deadLetterQueue: String? = nil) {
        self.kind = kind
        self.name = name
        self.logicalID = logicalID
        self.physicalName = physicalName
        self.properties = properties
        self.deadLetterQueue = deadLetterQueue
    }

    public var resourceType: String { kind.resourceType }

    /// `table 'Contacts' (base-wecare-digital-ContactsTable)`.
    public var label: String { "\(kind == .logGroup ? "log group" : kind.rawValue) '\(name)' (\(physicalName))" }

    /// The environment's adopted resources, found in its template by the physical names the specs give them.
    public static func find(in environment: Environment, platform: Platform, template: JSONValue) -> [AdoptedResource] {
        guard !environment.adopt.isEmpty, case .object(let root) = template, case .object(let resources)? = root["Resources"] else { return [] }
        let d = Deployment(platform: platform, environment: environment)
        return environment.adopt.compactMap { ref -> AdoptedResource? in
            let kind: Kind, physical: String
            var deadLetter: String?
            switch ref.kind {
            case .table:
                guard let t = platform.table(ref.name.value) else { return nil }
                (kind, physical) = (.table, d.tableName(t))
            case .queue:
                guard let q = platform.queue(ref.name.value) else { return nil }
                (kind, physical) = (.queue, d.queueName(q))
                deadLetter = q.deadLetter.flatMap { platform.queue($0.queue.name.value) }.map(d.queueName)
            case .logGroup:
                guard let g = platform.logGroups.first(where: { $0.id.value == ref.name.value }) else { return nil }
                (kind, physical) = (.logGroup, d.logGroupName(g))
            default: return nil
            }
            for (logicalID, resource) in resources.sorted(by: { $0.key < $1.key }) {
                guard case .object(let r) = resource, r["Type"] == .string(kind.resourceType), case .object(let props)? = r["Properties"],
                      props[kind.nameProperty] == .string(physical) else { continue }
                return AdoptedResource(kind: kind, name: ref.name.value, logicalID: logicalID, physicalName: physical, properties: props, deadLetterQueue: deadLetter)
            }
            return nil
        }
    }
}
