/// An SQS queue the stack creates.
public struct Queue: Sendable {
    public struct DeadLetter: Sendable {
        public var queue: Reference
        public var maxReceiveCount: Located<Int>
        public init(queue: Reference, maxReceiveCount: Located<Int>) {
            self.queue = queue
            self.maxReceiveCount = maxReceiveCount
        }
    }

    public var id: Located<String>
    public var name: Located<String>
    public var fifo: Located<Bool>
    public var visibilityTimeout: Located<SpecDuration>
    public var retention: Located<SpecDuration>
    public var deadLetter: DeadLetter?
    public var waivers: [Waiver]

    public init(id: Located<String>, name: Located<String>, fifo: Located<Bool>, visibilityTimeout: Located<SpecDuration>,
                retention: Located<SpecDuration>, deadLetter: DeadLetter?, waivers: [Waiver]) {
        self.id = id
        self.name = name
        self.fifo = fifo
        self.visibilityTimeout = visibilityTimeout
        self.retention = retention
        self.deadLetter = deadLetter
        self.waivers = waivers
    }
}
