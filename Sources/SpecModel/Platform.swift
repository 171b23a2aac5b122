/// Everything the specs under `specs/` and `environments/` declare: the contract between stages.
public struct Platform: Sendable {
    public var name: String
    public var account: Located<String>
    public var region: Located<String>
    public var tables: [Table]
    public var queues: [Queue]
    public var topics: [Topic]
    public var functions: [Function]
    public var handlers: [Handler]
    public var buckets: [Bucket]
    public var existing: [ExistingResource]
    public var rolePolicy: RolePolicy?
    public var newRoles: [NewRole]
    public var whatsapp: WhatsApp?
    public var channels: Channels?
    public var bulk: Bulk?
    public var ai: AISuggestions?
    public var logGroups: [LogGroup]
    public var alarms: [Alarm]
    /// Template scanner findings waived with a reason (`scanners:`).
    public var scannerWaivers: [ScannerWaiver] = []
    public var api: HTTPAPI?
    public var environments: [Environment]

    public init(name: String = "", account: Located<String>, region: Located<String>, tables: [Table] = [], queues: [Queue] = [], topics: [Topic] = [],
                functions: [Function] = [], handlers: [Handler] = [], buckets: [Bucket] = [], existing: [ExistingResource] = [],
                rolePolicy: RolePolicy? = nil, newRoles: [NewRole] = [], whatsapp: WhatsApp? = nil, channels: Channels? = nil,
                bulk: Bulk? = nil, logGroups: [LogGroup] = [], alarms: [Alarm] = [], api: HTTPAPI? = nil,
                environments: [Environment] = []) {
        self.name = name
        self.account = account
        self.region = region
        self.tables = tables
        self.queues = queues
        self.topics = topics
        self.functions = functions
        self.handlers = handlers
        self.buckets = buckets
        self.existing = existing
        self.rolePolicy = rolePolicy
        self.newRoles = newRoles
        self.whatsapp = whatsapp
        self.channels = channels
        self.bulk = bulk
        self.logGroups = logGroups
        self.alarms = alarms
        self.api = api
        self.environments = environments
    }

    public var prefixes: [Prefix] { buckets.flatMap(\.prefixes) }

    public func table(_ name: String) -> Table? { tables.first { $0.id.value == name } }
    public func queue(_ name: String) -> Queue? { queues.first { $0.id.value == name } }
    public func topic(_ name: String) -> Topic? { topics.first { $0.id.value == name } }
    public func function(_ name: String) -> Function? { functions.first { $0.id.value == name } }
    public func handler(_ name: String) -> Handler? { handlers.first { $0.id.value == name } }
    public func bucket(_ name: String) -> Bucket? { buckets.first { $0.id.value == name } }
    public func prefix(_ name: String) -> Prefix? { prefixes.first { $0.id.value == name } }
    public func existing(_ kind: ResourceKind, _ name: String) -> ExistingResource? {
        existing.first { $0.kind == kind && $0.id.value == name }
    }
    public func environment(_ name: String) -> Environment? { environments.first { $0.name.value == name } }

    /// Where each declared resource is declared, in declaration order (the first of duplicates wins).
    public var declarations: [(id: ResourceID, location: SourceLocation)] {
        var out: [(ResourceID, SourceLocation)] = []
        out += tables.map { (ResourceID(.table, $0.id.value), $0.id.location) }
        out += queues.map { (ResourceID(.queue, $0.id.value), $0.id.location) }
        out += topics.map { (ResourceID(.topic, $0.id.value), $0.id.location) }
        out += functions.map { (ResourceID(.function, $0.id.value), $0.id.location) }
        out += buckets.map { (ResourceID(.bucket, $0.id.value), $0.id.location) }
        out += prefixes.map { (ResourceID(.prefix, $0.id.value), $0.id.location) }
        out += existing.map { (ResourceID($0.kind, $0.id.value), $0.id.location) }
        if let whatsapp {
            out += whatsapp.phoneNumbers.map { (ResourceID(.phoneNumber, $0.id.value), $0.id.location) }
            out += whatsapp.wabas.map { (ResourceID(.waba, $0.id.value), $0.id.location) }
        }
        out += logGroups.map { (ResourceID(.logGroup, $0.id.value), $0.id.location) }
        out += alarms.map { (ResourceID(.alarm, $0.id.value), $0.id.location) }
        return out
    }


    /// The waivers written on one resource.
    /// The waivers of every resource that can carry them, by resource, built in one pass: looking each
    /// resource up by name made a spec of 7,000 queues take seconds. The first of duplicates wins; a
    /// topic is a declared one before an existing one.
    public var waiverIndex: [ResourceID: [Waiver]] {
        var index: [ResourceID: [Waiver]] = [:]
        func add(_ kind: ResourceKind, _ name: String, _ waivers: [Waiver]) {
            let id = ResourceID(kind, name)
            if index[id] == nil { index[id] = waivers }
        }
        for t in tables { add(.table, t.id.value, t.waivers) }
        for q in queues { add(.queue, q.id.value, q.waivers) }
        for f in functions { add(.function, f.id.value, f.waivers) }
        for b in buckets { add(.bucket, b.id.value, b.waivers) }
        for l in logGroups { add(.logGroup, l.id.value, l.waivers) }
        for a in alarms { add(.alarm, a.id.value, a.waivers) }
        for t in topics { add(.topic, t.id.value, t.waivers) }
        for e in existing where ![.table, .queue, .function, .bucket, .logGroup, .alarm, .prefix, .phoneNumber, .waba].contains(e.kind) {
            add(e.kind, e.id.value, e.waivers)
        }
        return index
    }

    /// Every waiver in the specs, with the resource it belongs to (scopes are named by their sid).
    public var allWaivers: [(resource: String, waiver: Waiver)] {
        var out: [(String, Waiver)] = []
        let index = waiverIndex
        for (id, _) in declarations { out += (index[id] ?? []).map { (id.description, $0) } }
        for scope in rolePolicy?.scopes ?? [] { out += scope.waivers.map { ("scope '\(scope.sid.value)'", $0) } }
        return out
    }
}
