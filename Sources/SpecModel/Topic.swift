/// An SNS topic the stack creates, `<prefix>-<name>`, in each environment that refers to it.
/// Existing topics (`existing.topics`) are shared by every environment; a created one is each
/// environment's own, which is how preview and staging get inputs and alerts of their own.
public struct Topic: Sendable {
    /// A person subscribed by email: SNS sends them a confirmation link first.
    public struct EmailSubscription: Sendable {
        public var address: Function.Value
        public var location: SourceLocation
        public init(address: Function.Value, location: SourceLocation) {
            self.address = address
            self.location = location
        }
    }

    public var id: Located<String>
    public var name: Located<String>
    public var purpose: String
    public var subscriptions: [EmailSubscription]
    public var waivers: [Waiver]

    public init(id: Located<String>, name: Located<String>, purpose: String, subscriptions: [EmailSubscription], waivers: [Waiver]) {
        self.id = id
        self.name = name
        self.purpose = purpose
        self.subscriptions = subscriptions
        self.waivers = waivers
    }
}

/// `{ topic: whatsapp-events, by: whatsapp-test-events }` in an environment file: there, every reference to the
/// first resource means the second. It keeps one functions spec for all environments while preview and staging
/// take their events from a topic of their own instead of production's. A bucket may be substituted too
/// (`{ bucket: media, by: media-preview }`): the prefixes keep their paths, in the environment's own bucket.
public struct Substitute: Sendable {
    public var original: Reference
    public var replacement: Reference
    public var location: SourceLocation

    public init(original: Reference, replacement: Reference, location: SourceLocation) {
        self.original = original
        self.replacement = replacement
        self.location = location
    }
}
