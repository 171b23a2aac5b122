import Foundation

/// Inbound WhatsApp (Req 4, 5.12, 16.1): store each message once with everything it carries, create
/// unknown senders with every opt-in false, fetch media, open the 24-hour window with the business
/// number written to, apply status updates (parking those that come before their message). Each message
/// and status is worked on its own: one that fails goes to the inbound DLQ alone, with its payload, and
/// its siblings are stored. Nothing is lost: what is neither stored nor kept makes the call fail, so
/// that SNS or Lambda deliver the event again.
public struct InboundProcessor: Sendable {
    let deps: CoreDependencies
    let settings: CoreSettings

    public init(_ deps: CoreDependencies, settings: CoreSettings) {
        self.deps = deps
        self.settings = settings
    }

    public struct Outcome: Sendable, Equatable {
        public var stored: [String] = []
        public var duplicates: [String] = []
        public var statusesApplied: Int = 0
        /// WhatsApp ids of statuses whose message is not stored yet, kept until it is.
        public var statusesParked: [String] = []
        public var createdContacts: [String] = []
        /// Messages and statuses that could not be worked, each kept in the DLQ alone (by part key).
        public var deadLettered: [String] = []
        /// Ids of the inbound text messages stored: what AI suggestions are asked for.
        public var questions: [String] = []
    }

    /// How often a message or status is worked again when a write keeps losing to a concurrent one,
    /// before the delivery is failed so that SNS/Lambda deliver it again.
    static let transientAttempts = 3

    /// Works every message and status of the event. A write that keeps losing to a concurrent one
    /// (`StoreError.transient`) is not the event's fault: the part is worked again (everything it does is
    /// idempotent). Any other failure keeps the part in the DLQ, alone, and the others go on.
    /// - Parameters:
    ///   - eventID: the delivery's id (SNS MessageId), which DLQ replay dedupes on; a part kept alone is
    ///     kept under `<eventID>/<part key>`.
    ///   - recordFailure: false when replaying, so a failure updates the DLQ entry instead of adding one.
    /// - Throws: `.internal` when a part was neither stored nor kept (the DLQ write failed, or a write
    ///   kept losing): the delivery must be retried, and nothing of it is lost by retrying. `.invalid` when
    ///   the event cannot be read at all (kept whole in the DLQ), or, replaying, when a part failed again.
    public func process(_ payload: String, eventID: String, recordFailure: Bool = true) async throws(CoreError) -> Outcome {
        let event: EUMEvent
        do {
            event = try EUMEvent.decode(payload)
        } catch {
            if recordFailure {
                do throws(CoreError) {
                    try await deadLetter(payload, id: eventID, reason: String(describing: error))
                } catch let keeping {
                    deps.events.record(.critical, "inbound_not_kept", ["eventId": eventID, "error": keeping.message])
                    throw .internal("inbound event \(eventID) could not be read (\(error)), and keeping it in the DLQ failed: \(keeping.message); deliver it again")
                }
            }
            throw .invalid("inbound event \(eventID) could not be processed: \(error)")
        }
        var outcome = Outcome()
        var lost: [String] = []
        var failedAgain: [String] = []
        for part in event.parts {
            var attempt = 0
            while true {
                do {
                    try await handle(part, of: event, into: &outcome)
                } catch StoreError.transient(let detail) {
                    attempt += 1
                    deps.events.record(attempt < Self.transientAttempts ? .warning : .error, "inbound_conflict",
                                       ["eventId": eventID, "part": part.key, "attempt": String(attempt), "error": detail])
                    guard attempt >= Self.transientAttempts else { continue }
                    lost.append("\(part.key) lost to concurrent writes \(attempt) times: \(detail)")
                } catch {
                    let reason = (error as? CoreError)?.message ?? String(describing: error)
                    guard recordFailure else {
                        failedAgain.append("\(part.key): \(reason)")
                        break
                    }
                    // An event of one part is kept as it came; a part of a larger one as an event of its own.
                    let single = event.parts.count == 1
                    do throws(CoreError) {
                        try await deadLetter(single ? payload : part.payload(), id: single ? eventID : "\(eventID)/\(part.key)", reason: reason)
                        outcome.deadLettered.append(part.key)
                    } catch let keeping {
                        lost.append("\(part.key): \(reason), and keeping it in the DLQ failed: \(keeping.message)")
                    }
                }
                break
            }
        }
        if !lost.isEmpty {
            deps.events.record(.critical, "inbound_not_kept", ["eventId": eventID, "error": lost.joined(separator: "; ")])
            throw .internal("inbound event \(eventID) is not fully stored: \(lost.joined(separator: "; ")); deliver it again")
        }
        if !failedAgain.isEmpty { throw .invalid("inbound event \(eventID) could not be processed: \(failedAgain.joined(separator: "; "))") }
        return outcome
    }

    /// Keeps a payload in the inbound DLQ; a failure to keep it is `.internal`.
    private func deadLetter(_ payload: String, id: String, reason: String) async throws(CoreError) {
        let now = deps.clock.now()
        try await call {
            try await deps.store.insertDLQ(DLQEntry(id: deps.ids.next(), originalMessageId: id, queue: DLQService.inboundQueue, payload: payload,
                                                    error: reason, retryCount: 0, lastAttemptAt: now, expiresAt: epoch(now, plus: settings.dlqRetention)))
        }
        deps.events.record(.error, "inbound_failed", ["eventId": id, "error": reason])
    }

    func handle(_ part: EUMEvent.Part, of event: EUMEvent, into outcome: inout Outcome) async throws {
        switch part.item {
        case .malformed(let reason):
            throw CoreError.invalid(reason)
        case .message(let m):
            try await record(m, of: event, into: &outcome)
        case .status(let s):
            switch try await StatusUpdater(deps, settings: settings).apply(s, providerId: event.messageId) {
            case .applied: outcome.statusesApplied += 1
            case .parked: outcome.statusesParked.append(s.whatsappId)
            }
        }
    }

    func record(_ m: EUMEvent.InboundMessage, of event: EUMEvent, into outcome: inout Outcome) async throws {
        let now = deps.clock.now()
        // An unknown sender becomes a contact with every opt-in false, in the transaction that stores
        // the message: concurrent deliveries from a new number create it once.
        let sender = Contact(id: deps.ids.next(), name: m.senderName, phone: try PhoneNumber.normalize(m.from), email: nil, createdAt: now, updatedAt: now)
        // A plain text is whole in `content`; anything more is kept typed (encoding it costs the hot path).
        var details: InboundDetails? = m.details
        if case .text = m.details.content, m.details.context == nil, m.details.referral == nil, m.phoneNumberId != nil { details = nil }
        var message = Message(id: deps.ids.next(), contactId: sender.id, channel: .whatsapp, direction: .inbound, status: .received,
                              kind: m.type, content: m.text, timestamp: m.timestamp, providerMessageId: event.messageId,
                              whatsappMessageId: m.whatsappId, phoneNumberId: m.phoneNumberId, mediaId: m.media?.id,
                              expiresAt: epoch(now, plus: settings.messageRetention), inbound: details)
        if let media = m.media {
            if try await deps.store.message(whatsappId: m.whatsappId) != nil {
                outcome.duplicates.append(m.whatsappId)
                return
            }
            guard let phoneNumberId = m.phoneNumberId else {
                throw CoreError.invalid("message \(m.whatsappId) was sent to business number \(m.details.metaPhoneNumberId ?? "(none)"), which the event's context does not list: its media cannot be fetched")
            }
            // GetWhatsAppMessageMedia takes a key prefix: AWS stores the object at the prefix plus the media id.
            let destination = settings.incomingPrefix + message.id + "/"
            let key = destination + media.id
            message.s3Key = key
            let info = try await deps.gateway.downloadWhatsAppMedia(mediaId: media.id, phoneNumberId: phoneNumberId, bucket: settings.mediaBucket, key: destination)
            try await deps.store.insertMedia(MediaRecord(fileId: deps.ids.next(), messageId: message.id, s3Key: key,
                                                         contentType: media.mimeType ?? info.mimeType, size: info.size, whatsappMediaId: media.id, uploadedAt: now))
        }
        // A reaction is set before it is recorded: if anything fails in between, the delivery again finds
        // it unrecorded and sets it again, where setting it after would leave a recorded reaction never set.
        if case .reaction(let target, let emoji) = m.details.content, try await deps.store.message(whatsappId: m.whatsappId) == nil {
            try await react(to: target, with: ParkedReaction(whatsappMessageId: target, emoji: emoji, reactedAt: m.timestamp,
                                                             expiresAt: epoch(now, plus: settings.parkedRetention)))
        }
        // The sender, the message and the windows it opens are one write: a crash cannot keep one without the others.
        let record = try await deps.store.recordInbound(message, sender: sender, updatedAt: now)
        if record.createdContact { outcome.createdContacts.append(record.contactId) }
        guard record.stored else {
            outcome.duplicates.append(m.whatsappId)
            return
        }
        outcome.stored.append(m.whatsappId)
        if case .text = m.details.content, let text = m.text, !text.isEmpty { outcome.questions.append(message.id) }
        // For live views (the web UI's event stream in `serve`); DEBUG, so production logs stay as they were.
        if deps.events.keeps(.debug) { deps.events.record(.debug, "inbound_stored", ["contactId": record.contactId, "messageId": message.id]) }
        try await acknowledge(m, phoneNumberId: m.phoneNumberId)
    }

    /// Sets a reaction on the message it is for, or parks it until that message is known by its
    /// WhatsApp id (an outbound message learns it from its first status, which applies it then).
    private func react(to target: String, with reaction: ParkedReaction) async throws {
        if let reacted = try await deps.store.message(whatsappId: target) {
            try await deps.store.setReaction(messageId: reacted.id, emoji: reaction.emoji)
            return
        }
        try await deps.store.parkReaction(reaction)
        // Known meanwhile? The status that taught it may have looked before this landed. The latest
        // reaction parked is the one set.
        if let reacted = try await deps.store.message(whatsappId: target), let latest = try await deps.store.parkedReaction(whatsappId: target) {
            try await deps.store.setReaction(messageId: reacted.id, emoji: latest.emoji)
            try await deps.store.deleteParkedReaction(whatsappId: target)
            return
        }
        deps.events.record(.info, "reaction_parked", ["whatsappMessageId": target])
    }

    /// Read receipt and thumbs-up reaction (seed 000), behind a flag and obeying SEND_MODE.
    func acknowledge(_ m: EUMEvent.InboundMessage, phoneNumberId: String?) async throws {
        guard settings.autoAcknowledge, let phoneNumberId, settings.allowlist.contains(phoneNumberId) else { return }
        let to = String(m.from.drop { $0 == "+" })
        let receipt = "{\"messaging_product\":\"whatsapp\",\"status\":\"read\",\"message_id\":\(jsonQuote(m.whatsappId))}"
        let reaction = "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\(jsonQuote(to)),\"type\":\"reaction\",\"reaction\":{\"message_id\":\(jsonQuote(m.whatsappId)),\"emoji\":\"👍\"}}"
        for body in [receipt, reaction] {
            let request = OutboundRequest.whatsapp(originationPhoneNumberId: phoneNumberId, metaApiVersion: settings.metaApiVersion, message: body)
            if settings.sendMode == .live {
                _ = try await deps.gateway.send(request)
            } else {
                deps.events.record(.info, "dry_run_acknowledge", ["whatsappMessageId": m.whatsappId, "request": deps.gateway.wireBody(request)])
            }
        }
    }
}
