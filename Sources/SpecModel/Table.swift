/// A DynamoDB table the stack creates.
public struct Table: Sendable {
    public enum AttributeType: String, Sendable, CaseIterable {
        case S, N, B, BOOL, L, M, SS, NS
        /// Only scalar string, number and binary attributes can be keys.
        public var isKeyType: Bool { self == .S || self == .N || self == .B }
    }

    public struct KeySchema: Sendable {
        public var partition: Located<String>
        public var sort: Located<String>?
        public init(partition: Located<String>, sort: Located<String>? = nil) {
            self.partition = partition
            self.sort = sort
        }
        public var attributes: [Located<String>] { [partition] + (sort.map { [$0] } ?? []) }
    }

    public struct Index: Sendable {
        public var name: Located<String>
        public var key: KeySchema
        public init(name: Located<String>, key: KeySchema) {
            self.name = name
            self.key = key
        }
    }

    public struct TimeToLive: Sendable {
        public var attribute: Located<String>
        public var retention: Located<SpecDuration>
        public init(attribute: Located<String>, retention: Located<SpecDuration>) {
            self.attribute = attribute
            self.retention = retention
        }
    }

    public var id: Located<String>
    /// Base physical name; the environment's prefix is put in front.
    public var name: Located<String>
    public var billing: Located<String>
    public var attributes: [(name: Located<String>, type: Located<AttributeType>)]
    public var key: KeySchema
    public var indexes: [Index]
    public var ttl: TimeToLive?
    public var pointInTimeRecovery: Bool
    public var waivers: [Waiver]

    public init(id: Located<String>, name: Located<String>, billing: Located<String>,
                attributes: [(name: Located<String>, type: Located<AttributeType>)], key: KeySchema,
                indexes: [Index], ttl: TimeToLive?, pointInTimeRecovery: Bool, waivers: [Waiver]) {
        self.id = id
        self.name = name
        self.billing = billing
        self.attributes = attributes
        self.key = key
        self.indexes = indexes
        self.ttl = ttl
        self.pointInTimeRecovery = pointInTimeRecovery
        self.waivers = waivers
    }

    public func attributeType(_ name: String) -> AttributeType? {
        attributes.first { $0.name.value == name }?.type.value
    }

    /// Every attribute that is part of the table key or of an index key, in first-use order.
    public var keyAttributes: [Located<String>] {
        var seen = Set<String>()
        return (key.attributes + indexes.flatMap { $0.key.attributes }).filter { seen.insert($0.value).inserted }
    }
}
