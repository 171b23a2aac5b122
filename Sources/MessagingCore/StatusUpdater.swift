import Foundation

/// WhatsApp status updates (sent, delivered, read, failed) applied to the messages they are about.
/// A status whose message is not stored yet (a `sent` can beat the send's own write) is parked, and
/// applied when the message appears: by the writer that stores it (`applyParked(to:)`), or by the
/// parker itself when the message was stored while it parked. Each side writes before it looks, so
/// at least one of them sees the other.
public struct StatusUpdater: Sendable {
    let deps: CoreDependencies
    let settings: CoreSettings

    public init(_ deps: CoreDependencies, settings: CoreSettings) {
        self.deps = deps
        self.settings = settings
    }

    public enum Result: Sendable, Equatable { case applied, parked }

    /// The statuses Meta sends that move a message; `accepted`, `warning` and `deleted` only teach its WhatsApp id.
    static func status(_ webhook: String) -> MessageStatus? {
        switch webhook {
        case "sent": .sent
        case "delivered": .delivered
        case "read": .read
        case "failed": .failed
        default: nil
        }
    }

    /// Applies `s` to its message, found by WhatsApp id or by the provider id of the event's header,
    /// or parks it until that message is stored.
    func apply(_ s: EUMEvent.StatusUpdate, providerId: String?) async throws -> Result {
        let incoming = Self.status(s.status)
        if let message = try await find(whatsappId: s.whatsappId, providerId: providerId) {
            try await update(message, to: incoming, error: s.error, whatsappId: s.whatsappId)
            return .applied
        }
        let parked = ParkedStatus(whatsappMessageId: s.whatsappId, providerMessageId: providerId, status: incoming ?? .received, error: s.error,
                                  expiresAt: epoch(deps.clock.now(), plus: settings.parkedRetention))
        try await deps.store.parkStatus(parked)
        // Stored while this parked? Its writer may have looked for parked statuses before this one landed.
        if let message = try await find(whatsappId: s.whatsappId, providerId: providerId) {
            try await update(message, to: incoming, error: s.error, whatsappId: s.whatsappId)
            try await deps.store.deleteParkedStatus(parked)
            return .applied
        }
        deps.events.record(.info, "status_parked", ["whatsappMessageId": s.whatsappId, "status": s.status])
        return .parked
    }

    /// Applies what was parked for a message just stored: under its provider id (an outbound message)
    /// and under its WhatsApp id, known or learned from the first.
    public func applyParked(to message: Message) async throws {
        var parked: [ParkedStatus] = []
        if message.direction == .outbound, let p = message.providerMessageId, let s = try await deps.store.parkedStatus(providerId: p) { parked.append(s) }
        if let w = message.whatsappMessageId ?? parked.first?.whatsappMessageId, let s = try await deps.store.parkedStatus(whatsappId: w), !parked.contains(s) {
            parked.append(s)
        }
        guard let furthest = parked.max(by: { $0.status.rank < $1.status.rank }) else { return }
        try await update(message, to: furthest.status, error: furthest.error, whatsappId: furthest.whatsappMessageId)
        for p in parked { try await deps.store.deleteParkedStatus(p) }
        deps.events.record(.info, "parked_status_applied", ["messageId": message.id, "status": furthest.status.rawValue])
    }

    /// `applyParked(to:)` for a writer whose own work is done: a failure is logged, and the status stays
    /// parked until it expires.
    public func applyParkedLogging(to message: Message) async {
        do {
            try await applyParked(to: message)
        } catch {
            deps.events.record(.error, "parked_status_failed", ["messageId": message.id, "error": String(describing: error)])
        }
    }

    private func find(whatsappId: String, providerId: String?) async throws -> Message? {
        if let m = try await deps.store.message(whatsappId: whatsappId) { return m }
        guard let providerId else { return nil }
        return try await deps.store.message(providerId: providerId)
    }

    /// Read, move up, write only while the stored status is still at most what is written; a concurrent
    /// update that went further makes the write fail its condition, and it is worked again from a new read.
    /// A message that learns its WhatsApp id here also takes what was parked under that id: a status,
    /// then a reaction (set last: a status write replaces the whole message).
    private func update(_ stored: Message, to incoming: MessageStatus?, error: String?, whatsappId: String) async throws {
        var message = stored
        let learnsId = stored.whatsappMessageId == nil
        for _ in 0..<5 {
            var updated = message
            if let incoming, incoming.rank > message.status.rank {
                // A late `delivered` never overwrites `read`.
                updated.status = incoming
                if incoming == .failed { updated.errorDetails = error ?? "failed" }
            }
            updated.whatsappMessageId = message.whatsappMessageId ?? whatsappId
            let allowed = Set(MessageStatus.allCases.filter { $0.rank <= updated.status.rank })
            if try await deps.store.updateMessage(updated, ifStatusIn: allowed) {
                deps.events.record(.debug, "status_applied", ["contactId": updated.contactId, "messageId": updated.id, "status": updated.status.rawValue])
                if learnsId, let w = updated.whatsappMessageId {
                    if let s = try await deps.store.parkedStatus(whatsappId: w) {
                        try await update(updated, to: s.status, error: s.error, whatsappId: w)
                        try await deps.store.deleteParkedStatus(s)
                    }
                    if let r = try await deps.store.parkedReaction(whatsappId: w) {
                        try await deps.store.setReaction(messageId: updated.id, emoji: r.emoji)
                        try await deps.store.deleteParkedReaction(whatsappId: w)
                    }
                }
                return
            }
            guard let again = try await deps.store.message(id: message.id) else { return }
            message = again
        }
    }
}
