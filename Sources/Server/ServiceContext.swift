import Foundation
import MessagingCore
import NIOConcurrencyHelpers

/// Everything the HTTP front door needs: the core's dependencies and settings, auth, metrics.
public struct ServiceContext: Sendable {
    public var deps: CoreDependencies
    public var settings: RuntimeSettings
    public var authenticator: Authenticator
    public var metrics: Metrics
    /// Verifies and unwraps SNS deliveries; nil only where the environment has no SNS (never in AWS).
    public var sns: (any SNSDeliveryVerifier)?
    /// In `local` only: `POST /dev/inbound` takes an EUM event without an SNS envelope.
    public var allowDevInbound: Bool
    /// Turns a stored media key into a link valid for one hour; nil where there is no object store.
    public var mediaLinks: (any MediaLinkSigner)?
    /// Where uploaded outbound media is stored (the outgoing prefix); without it `POST /api/media` answers 503.
    public var media: (any ObjectStore)?
    /// Bulk jobs' store, queue and report storage; without them the bulk routes answer 503.
    public var bulk: BulkDependencies?
    /// Where AWS dead-letters on its own (SQS), brought into the DLQ before it is listed or replayed.
    public var deadLetters: (any DeadLetterSource)?
    /// AI suggestions: the interactions' store (review routes), the provider and the queue (inbound path).
    public var ai: AIDependencies
    /// The rate at which requests without a valid token may add audit rows.
    public var unauthenticatedAudit = AuditBudget()
    /// How long a request body may take to arrive (`JSONBody.bodyDeadline`); a media upload gets ten times it.
    public var bodyDeadline: Duration = .seconds(30)
    /// The web UI's links and sign-in (`/api/ui/config`).
    public var ui = WebUISettings()
    /// The open event streams of `GET /api/events`; nil where the front door cannot stream (Lambda): the UI polls.
    public var live: LiveEvents?
    /// In `local` only: the development tokens' key, for the UI's role picker (`POST /dev/token`).
    public var devTokenSecret: Data?

    public init(deps: CoreDependencies, settings: RuntimeSettings, verifier: TokenVerifier, metrics: Metrics = Metrics(),
                sns: (any SNSDeliveryVerifier)?, allowDevInbound: Bool, mediaLinks: (any MediaLinkSigner)? = nil, media: (any ObjectStore)? = nil,
                bulk: BulkDependencies? = nil, deadLetters: (any DeadLetterSource)? = nil, ai: AIDependencies = AIDependencies()) {
        self.init(deps: deps, settings: settings, authenticator: .tokens(verifier), metrics: metrics, sns: sns, allowDevInbound: allowDevInbound,
                  mediaLinks: mediaLinks, media: media, bulk: bulk, deadLetters: deadLetters, ai: ai)
    }

    public init(deps: CoreDependencies, settings: RuntimeSettings, authenticator: Authenticator, metrics: Metrics = Metrics(),
                sns: (any SNSDeliveryVerifier)?, allowDevInbound: Bool, mediaLinks: (any MediaLinkSigner)? = nil, media: (any ObjectStore)? = nil,
                bulk: BulkDependencies? = nil, deadLetters: (any DeadLetterSource)? = nil, ai: AIDependencies = AIDependencies()) {
        self.ai = ai
        self.media = media
        self.bulk = bulk
        self.deadLetters = deadLetters
        self.mediaLinks = mediaLinks
        self.deps = deps
        self.settings = settings
        self.authenticator = authenticator
        self.metrics = metrics
        self.sns = sns
        self.allowDevInbound = allowDevInbound
    }
}

/// The settings, with the one an admin may change at run time (`PUT /api/config`). With a settings
/// store, a change is written there and every process sharing the store sees it within `refresh`
/// (the inbound path reads the settings for every event, so they are not read from the store each time).
public final class RuntimeSettings: Sendable {
    private struct State {
        var current: CoreSettings
        var readAt: ContinuousClock.Instant?
        var reading = false
    }

    // A lock, not an actor: every inbound event reads the settings, and an actor's hop there and back
    // could move the request's task to another thread twice.
    private let state: NIOLockedValueBox<State>
    private let store: (any SettingsStore)?
    private let refresh: Duration

    static let autoAcknowledgeKey = "autoAcknowledge"
    static let aiAutomationKey = "aiAutomation"

    public init(_ settings: CoreSettings, store: (any SettingsStore)? = nil, refresh: Duration = .seconds(5)) {
        state = NIOLockedValueBox(State(current: settings))
        self.store = store
        self.refresh = refresh
    }

    public var value: CoreSettings {
        get async {
            let (current, due) = state.withLockedValue { state in
                let due = store != nil && !state.reading && (state.readAt.map { ContinuousClock.now - $0 >= refresh } ?? true)
                if due { state.reading = true }
                return (state.current, due)
            }
            guard due, let store else { return current }
            // One read at a time; callers meanwhile get the settings as they were. A failed read keeps them too.
            let autoAcknowledge = (try? await store.setting(Self.autoAcknowledgeKey)).flatMap { Bool($0) }
            let aiAutomation = (try? await store.setting(Self.aiAutomationKey)).flatMap { Bool($0) }
            return state.withLockedValue { state in
                if let autoAcknowledge { state.current.autoAcknowledge = autoAcknowledge }
                if let aiAutomation { state.current.aiAutomation = aiAutomation }
                state.readAt = ContinuousClock.now
                state.reading = false
                return state.current
            }
        }
    }

    public func setAutoAcknowledge(_ on: Bool, by user: String, at: Date) async throws {
        try await store?.setSetting(Self.autoAcknowledgeKey, String(on), by: user, at: at)
        state.withLockedValue { state in
            state.current.autoAcknowledge = on
            state.readAt = ContinuousClock.now
        }
    }

    /// AI suggestions for inbound messages (Req 15.1, 15.4): every process sharing the store follows.
    public func setAIAutomation(_ on: Bool, by user: String, at: Date) async throws {
        try await store?.setSetting(Self.aiAutomationKey, String(on), by: user, at: at)
        state.withLockedValue { state in
            state.current.aiAutomation = on
            state.readAt = ContinuousClock.now
        }
    }
}

/// What the SNS webhook needs: verify a delivery and say what it is.
public protocol SNSDeliveryVerifier: Sendable {
    func verify(body: String) async throws -> SNSDelivery
    /// Confirms a subscription by fetching its (already validated) SubscribeURL.
    func confirm(_ url: URL) async throws
}

public enum SNSDelivery: Sendable {
    case notification(messageId: String, message: String)
    case subscriptionConfirmation(topicArn: String, subscribeURL: URL)
    case unsubscribeConfirmation(topicArn: String)
}

/// Pre-signed GET links for media (S3 in AWS environments), valid for one hour. Async: signing may
/// first fetch or refresh temporary credentials.
public protocol MediaLinkSigner: Sendable {
    func link(bucket: String, key: String) async throws -> URL
}
