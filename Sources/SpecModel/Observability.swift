/// A CloudWatch log group the stack creates; functions log into it.
public struct LogGroup: Sendable {
    public var id: Located<String>
    public var name: Located<String>
    public var retention: Located<SpecDuration>
    public var waivers: [Waiver]

    public init(id: Located<String>, name: Located<String>, retention: Located<SpecDuration>, waivers: [Waiver]) {
        self.id = id
        self.name = name
        self.retention = retention
        self.waivers = waivers
    }
}

/// A CloudWatch alarm (seed 001 lists five).
public struct Alarm: Sendable {
    public enum Kind: Sendable {
        /// Errors as a percentage of invocations, one alarm per function.
        case lambdaErrorRate
        /// Visible messages, one alarm per queue.
        case queueDepth([Reference])
        /// 5xx responses as a percentage of requests of the HTTP API.
        case apiErrorRate
        /// A metric the runtime service publishes.
        case metric(namespace: Located<String>, name: Located<String>, statistic: Located<String>)
    }

    public var id: Located<String>
    public var name: Located<String>
    public var description: String
    public var kind: Kind
    public var threshold: Located<Int>
    public var period: Located<SpecDuration>
    public var evaluationPeriods: Located<Int>
    public var notify: Reference?
    public var waivers: [Waiver]

    public init(id: Located<String>, name: Located<String>, description: String, kind: Kind, threshold: Located<Int>,
                period: Located<SpecDuration>, evaluationPeriods: Located<Int>, notify: Reference?, waivers: [Waiver]) {
        self.id = id
        self.name = name
        self.description = description
        self.kind = kind
        self.threshold = threshold
        self.period = period
        self.evaluationPeriods = evaluationPeriods
        self.notify = notify
        self.waivers = waivers
    }
}

/// The HTTP API (API Gateway v2) in front of the functions that have routes.
public struct HTTPAPI: Sendable {
    public var name: Located<String>
    public var userPool: Reference
    public var corsOrigins: [Located<String>]
    public var location: SourceLocation

    public init(name: Located<String>, userPool: Reference, corsOrigins: [Located<String>], location: SourceLocation) {
        self.name = name
        self.userPool = userPool
        self.corsOrigins = corsOrigins
        self.location = location
    }
}
