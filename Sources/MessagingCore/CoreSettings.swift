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

    public init(environment: String, sendMode: SendMode, allowlist: [String], metaApiVersion: String, smsPoolId: String, emailSender: String,
                mediaBucket: String, incomingPrefix: String, outgoingPrefix: String, whatsAppTextLimit: Int = 4096, smsMaxLength: Int = 1600,
                messageRetention: TimeInterval = 30 * 86_400, dlqRetention: TimeInterval = 7 * 86_400, auditRetention: TimeInterval = 180 * 86_400,
                customerServiceWindow: TimeInterval = 24 * 3600, autoAcknowledge: Bool = false, maxReplayRetries: Int = 5) {
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
    }
}

/// The core's collaborators, injected.
public struct CoreDependencies: Sendable {
    public var store: any MessagingStore
    public var gateway: any ChannelGateway
    public var clock: any Clock
    public var ids: any IDSource
    public var events: any EventSink

    public init(store: any MessagingStore, gateway: any ChannelGateway, clock: any Clock, ids: any IDSource, events: any EventSink) {
        self.store = store
        self.gateway = gateway
        self.clock = clock
        self.ids = ids
        self.events = events
    }
}

func epoch(_ date: Date, plus seconds: TimeInterval) -> Int { Int(date.timeIntervalSince1970 + seconds) }
