/// A Lambda function running the project's Swift runtime.
public struct Function: Sendable {
    public enum Trigger: Sendable {
        /// Subscribed to an SNS topic.
        case topic(Reference)
        /// Polls an SQS queue through an event source mapping.
        case queue(Reference, batchSize: Located<Int>)
        /// HTTP API routes such as `GET /api/messages`.
        case routes([Located<Route>])
        /// Invoked directly by other functions.
        case invokedBy([Reference])
        /// Invoked on a schedule by an EventBridge rule: `rate(1 minute)` or `cron(…)`.
        case schedule(Located<String>)
    }

    public struct Route: Hashable, Sendable, CustomStringConvertible {
        public var method: String
        public var path: String
        /// Answered without the JWT authorizer (`trigger.unauthenticated`): the web UI's page and files,
        /// which a browser fetches before anyone has signed in.
        public var unauthenticated: Bool
        public init(method: String, path: String, unauthenticated: Bool = false) {
            self.method = method
            self.path = path
            self.unauthenticated = unauthenticated
        }
        public var description: String { "\(method) \(path)" }
    }

    /// The value of one environment variable.
    public enum Value: Sendable {
        case literal(Located<String>)
        case reference(Reference)
        case setting(Located<Setting>)

        public var location: SourceLocation {
            switch self {
            case .literal(let l): l.location
            case .reference(let r): r.name.location
            case .setting(let s): s.location
            }
        }
    }

    public struct Variable: Sendable {
        public var name: Located<String>
        public var value: Value
        /// True when the variable comes from `functionDefaults`.
        public var inherited: Bool
        public init(name: Located<String>, value: Value, inherited: Bool) {
            self.name = name
            self.value = value
            self.inherited = inherited
        }
    }

    /// One need of the function: verbs on one resource (`{table: Contacts, allow: [read, write]}`).
    public struct Access: Sendable {
        public var target: Reference
        public var verbs: [Located<String>]
        public var location: SourceLocation
        public init(target: Reference, verbs: [Located<String>], location: SourceLocation) {
            self.target = target
            self.verbs = verbs
            self.location = location
        }
    }

    public var id: Located<String>
    public var name: Located<String>
    public var handler: Located<String>
    public var description: String
    public var runtime: Located<String>
    public var architecture: Located<String>
    public var memory: Located<Int>
    public var timeout: Located<Int>
    public var reservedConcurrency: Located<Int>?
    public var role: Reference
    public var trigger: Trigger
    public var deadLetterQueue: Reference?
    /// Where the function logs (Lambda advanced logging), instead of a group of its own.
    public var logGroup: Reference?
    public var environment: [Variable]
    public var access: [Access]
    public var waivers: [Waiver]

    public init(id: Located<String>, name: Located<String>, handler: Located<String>, description: String,
                runtime: Located<String>, architecture: Located<String>, memory: Located<Int>, timeout: Located<Int>,
                reservedConcurrency: Located<Int>?, role: Reference, trigger: Trigger, deadLetterQueue: Reference?,
                logGroup: Reference?, environment: [Variable], access: [Access], waivers: [Waiver]) {
        self.id = id
        self.name = name
        self.handler = handler
        self.description = description
        self.runtime = runtime
        self.architecture = architecture
        self.memory = memory
        self.timeout = timeout
        self.reservedConcurrency = reservedConcurrency
        self.role = role
        self.trigger = trigger
        self.deadLetterQueue = deadLetterQueue
        self.logGroup = logGroup
        self.environment = environment
        self.access = access
        self.waivers = waivers
    }

    public var routes: [Located<Route>] {
        if case .routes(let r) = trigger { return r }
        return []
    }
}
