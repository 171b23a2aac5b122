import Foundation

/// What the core needs to know of its environment; the service builds it from the generated config.
public struct CoreSettings: Sendable {
    public enum SendMode: String, Sendable { case dryRun = "DRY_RUN", live = "LIVE" }

    public var environment: String
    public var sendMode: SendMode
    /// Phone-number ids allowed to send (Req 3.2), in preference order.
    public var allowlist: [String]
    public var metaApiVersion: String
    public var smsPoolId: String
    public var emailSender: String
    public var mediaBucket: String
    public var incomingPrefix: String
    public var outgoingPrefix: String
    public var whatsAppTextLimit: Int
    public var smsMaxLength: Int
    public var messageRetention: TimeInterval
    public var dlqRetention: TimeInterval
    public var auditRetention: TimeInterval
    public var customerServiceWindow: TimeInterval
    /// Read receipt and thumbs-up reaction to inbound messages (seed 000), off unless configured.
    public var autoAcknowledge: Bool
    public var maxReplayRetries: Int
    /// How long a status whose message is not stored yet, or a reaction whose message is not known by
    /// its WhatsApp id yet, waits for it.
    public var parkedRetention: TimeInterval
    /// Where bulk reports go, under `mediaBucket` (Req 8.8).
    public var reportsPrefix: String
    public var bulk: BulkSettings
    /// AI reply suggestions for inbound messages (Req 15): off unless an admin turns them on at run time.
    public var aiAutomation: Bool
    public var ai: AISettings

    public init(environment: String, sendMode: SendMode, allowlist: [String], metaApiVersion: String, smsPoolId: String, emailSender: String,
                mediaBucket: String, incomingPrefix: String, outgoingPrefix: String, whatsAppTextLimit: Int = 4096, smsMaxLength: Int = 1600,
                messageRetention: TimeInterval = 30 * 86_400, dlqRetention: TimeInterval = 7 * 86_400, auditRetention: TimeInterval = 180 * 86_400,
                customerServiceWindow: TimeInterval = 24 * 3600, autoAcknowledge: Bool = false, maxReplayRetries: Int = 5,
                reportsPrefix: String = "reports/", bulk: BulkSettings = BulkSettings(), parkedRetention: TimeInterval = 7 * 86_400,
                aiAutomation: Bool = false, ai: AISettings = AISettings()) {
        self.environment = environment
        self.sendMode = sendMode
        self.allowlist = allowlist
        self.metaApiVersion = metaApiVersion
        self.smsPoolId = smsPoolId
        self.emailSender = emailSender
        self.mediaBucket = mediaBucket
        self.incomingPrefix = incomingPrefix
        self.outgoingPrefix = outgoingPrefix
        self.whatsAppTextLimit = whatsAppTextLimit
        self.smsMaxLength = smsMaxLength
        self.messageRetention = messageRetention
        self.dlqRetention = dlqRetention
        self.auditRetention = auditRetention
        self.customerServiceWindow = customerServiceWindow
        self.autoAcknowledge = autoAcknowledge
        self.maxReplayRetries = maxReplayRetries
        self.parkedRetention = parkedRetention
        self.reportsPrefix = reportsPrefix
        self.bulk = bulk
        self.aiAutomation = aiAutomation
        self.ai = ai
    }
}

/// Bulk jobs and the WhatsApp tier (Req 8, 13), from the generated config.
public struct BulkSettings: Sendable, Equatable {
    /// Recipients per queued chunk: exactly 100 (Req 13.7).
    public var chunkSize: Int
    /// More recipients than this need a confirmation before anything is queued (Req 8.1).
    public var confirmationThreshold: Int
    /// Workers taking chunks at once: 2 to 5 (Req 8.4).
    public var workers: Int
    /// Business-initiated WhatsApp conversations allowed per rolling 24 hours (Req 13.2).
    public var whatsAppTierLimit: Int
    /// The share of the tier at which an alert is raised (Req 13.9).
    public var tierAlertPercent: Int
    /// How long a taken chunk stays hidden from other workers (the bulk queue's visibility timeout).
    public var visibilityTimeout: TimeInterval
    /// A chunk that fails as a whole this many times goes to the bulk DLQ (Req 8.9).
    public var maxChunkReceives: Int
    /// How long a claim outlives the deadline of the invocation that made it (or, with no deadline, the
    /// chunk's visibility): the time a request already sent by a dead worker may still take to land.
    public var leaseMargin: TimeInterval
    /// What one send needs after its rate slot: the provider call and recording its outcome. A worker with
    /// a deadline claims no recipient it cannot finish with this much time left.
    public var sendReserve: TimeInterval

    public init(chunkSize: Int = 100, confirmationThreshold: Int = 20, workers: Int = 5, whatsAppTierLimit: Int = 250, tierAlertPercent: Int = 80,
                visibilityTimeout: TimeInterval = 300, maxChunkReceives: Int = 3, leaseMargin: TimeInterval = 30, sendReserve: TimeInterval = 5) {
        self.chunkSize = chunkSize
        self.confirmationThreshold = confirmationThreshold
        self.workers = workers
        self.whatsAppTierLimit = whatsAppTierLimit
        self.tierAlertPercent = tierAlertPercent
        self.visibilityTimeout = visibilityTimeout
        self.maxChunkReceives = maxChunkReceives
        self.leaseMargin = leaseMargin
        self.sendReserve = sendReserve
    }
}

/// How suggestions are asked for, from the specs' `ai` section.
public struct AISettings: Sendable, Equatable {
    /// Passages retrieved for a question and kept with its interaction.
    public var passages: Int
    /// The conversation's messages before the question that go to the provider with it.
    public var recentMessages: Int

    public init(passages: Int = 3, recentMessages: Int = 6) {
        self.passages = passages
        self.recentMessages = recentMessages
    }
}

/// The core's collaborators, injected.
public struct CoreDependencies: Sendable {
    public var store: any MessagingStore
    public var gateway: any ChannelGateway
    public var clock: any Clock
    public var ids: any IDSource
    public var events: any EventSink
    /// Shared by every sender of the process, so limits hold across workers (Req 13).
    public var limiter: any RateLimiter
    public var retry: SendRetry

    public init(store: any MessagingStore, gateway: any ChannelGateway, clock: any Clock, ids: any IDSource, events: any EventSink,
                limiter: any RateLimiter = NoRateLimit(), retry: SendRetry = .standard) {
        self.store = store
        self.gateway = gateway
        self.clock = clock
        self.ids = ids
        self.events = events
        self.limiter = limiter
        self.retry = retry
    }
}

func epoch(_ date: Date, plus seconds: TimeInterval) -> Int { Int(date.timeIntervalSince1970 + seconds) }
