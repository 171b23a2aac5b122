import Foundation

/// Inbound WhatsApp (Req 4, 5.12, 16.1): store each message once, create unknown senders with every
/// opt-in false, fetch media, open the 24-hour window, apply status updates. A failing event goes to
/// the inbound DLQ with its payload, so nothing is lost.
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
        public var createdContacts: [String] = []
    }

    static let statusOrder = ["sent": 1, "delivered": 2, "read": 3]

    /// Where a status stands: a message only moves up this order (failed is final).
    static func rank(_ status: MessageStatus) -> Int {
        switch status {
        case .received, .dryRun: 0
        case .sent: 1
        case .delivered: 2
        case .read: 3
        case .failed: 4
        }
    }

    /// How often an event is worked again when a write keeps losing to a concurrent one, before the
    /// delivery is failed so that SNS/Lambda deliver it again.
    static let transientAttempts = 3

    /// A write that keeps losing to a concurrent one (`StoreError.transient`) is not the event's fault: the
    /// event is worked again (everything it does is idempotent), and if it still loses the call fails with
    /// `.internal` and nothing goes to the DLQ, so the delivery is retried by SNS or Lambda. Any other
    /// failure keeps the event in the DLQ and is `.invalid`.
    /// - Parameters:
    ///   - eventID: the delivery's id (SNS MessageId), which DLQ replay dedupes on.
    ///   - recordFailure: false when replaying, so a failure updates the DLQ entry instead of adding one.
    public func process(_ payload: String, eventID: String, recordFailure: Bool = true) async throws(CoreError) -> Outcome {
        var attempt = 0
        while true {
            let reason: String
            do {
                return try await handle(try EUMEvent.decode(payload))
            } catch StoreError.transient(let detail) {
                attempt += 1
                deps.events.record(attempt < Self.transientAttempts ? .warning : .error, "inbound_conflict",
                                   ["eventId": eventID, "attempt": String(attempt), "error": detail])
                if attempt >= Self.transientAttempts { throw .internal("inbound event \(eventID) lost to concurrent writes \(attempt) times: \(detail); deliver it again") }
                continue
            } catch {
                reason = (error as? CoreError)?.message ?? String(describing: error)
            }
            if recordFailure {
                let now = deps.clock.now()
                try await call {
                    try await deps.store.insertDLQ(DLQEntry(id: deps.ids.next(), originalMessageId: eventID, queue: DLQService.inboundQueue, payload: payload,
                                                            error: reason, retryCount: 0, lastAttemptAt: now, expiresAt: epoch(now, plus: settings.dlqRetention)))
                }
                deps.events.record(.error, "inbound_failed", ["eventId": eventID, "error": reason])
            }
            throw .invalid("inbound event \(eventID) could not be processed: \(reason)")
        }
    }

    func handle(_ event: EUMEvent) async throws -> Outcome {
        var outcome = Outcome()
        for m in event.messages {
            let now = deps.clock.now()
            // An unknown sender becomes a contact with every opt-in false, in the transaction that stores
            // the message: concurrent deliveries from a new number create it once.
            let sender = Contact(id: deps.ids.next(), name: m.senderName, phone: try PhoneNumber.normalize(m.from), email: nil, createdAt: now, updatedAt: now)
            var message = Message(id: deps.ids.next(), contactId: sender.id, channel: .whatsapp, direction: .inbound, status: .received,
                                  kind: m.type, content: m.text, timestamp: m.timestamp, providerMessageId: event.messageId,
                                  whatsappMessageId: m.whatsappId, phoneNumberId: event.phoneNumberId, mediaId: m.mediaId,
                                  expiresAt: epoch(now, plus: settings.messageRetention))
            if let mediaId = m.mediaId {
                // GetWhatsAppMessageMedia takes a key prefix: AWS stores the object at the prefix plus the media id.
                let destination = settings.incomingPrefix + message.id + "/"
                let key = destination + mediaId
                message.s3Key = key
                if await (try? deps.store.message(whatsappId: m.whatsappId)) != nil {
                    outcome.duplicates.append(m.whatsappId)
                    continue
                }
                let info = try await deps.gateway.downloadWhatsAppMedia(mediaId: mediaId, phoneNumberId: event.phoneNumberId ?? "", bucket: settings.mediaBucket, key: destination)
                try await deps.store.insertMedia(MediaRecord(fileId: deps.ids.next(), messageId: message.id, s3Key: key,
                                                             contentType: m.mimeType ?? info.mimeType, size: info.size, whatsappMediaId: mediaId, uploadedAt: now))
            }
            // The sender, the message and the window it opens are one write: a crash cannot keep one without the others.
            let record = try await deps.store.recordInbound(message, sender: sender, updatedAt: now)
            if record.createdContact { outcome.createdContacts.append(record.contactId) }
            guard record.stored else {
                outcome.duplicates.append(m.whatsappId)
                continue
            }
            outcome.stored.append(m.whatsappId)
            try await acknowledge(m, phoneNumberId: event.phoneNumberId)
        }
        for s in event.statuses {
            var target = try await deps.store.message(whatsappId: s.whatsappId)
            if target == nil, let id = event.messageId { target = try await deps.store.message(providerId: id) }
            guard var message = target else {
                deps.events.record(.warning, "status_for_unknown_message", ["whatsappMessageId": s.whatsappId, "status": s.status])
                continue
            }
            let incoming: MessageStatus? = s.status == "failed" ? .failed : Self.statusOrder[s.status] != nil ? MessageStatus(rawValue: s.status) : nil
            // Read, move up, write only while the stored status is still at most what is written; a concurrent
            // update that went further makes the write fail its condition, and it is worked again from a new read.
            for _ in 0..<5 {
                var updated = message
                if let incoming, Self.rank(incoming) > Self.rank(message.status) {
                    // A late `delivered` never overwrites `read`.
                    updated.status = incoming
                    if incoming == .failed { updated.errorDetails = s.error ?? "failed" }
                }
                updated.whatsappMessageId = message.whatsappMessageId ?? s.whatsappId
                let allowed = Set([MessageStatus.received, .dryRun, .sent, .delivered, .read, .failed].filter { Self.rank($0) <= Self.rank(updated.status) })
                if try await deps.store.updateMessage(updated, ifStatusIn: allowed) { break }
                guard let again = try await deps.store.message(id: message.id) else { break }
                message = again
            }
            outcome.statusesApplied += 1
        }
        return outcome
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
                deps.events.record(.info, "dry_run_acknowledge", ["whatsappMessageId": m.whatsappId, "request": request.json])
            }
        }
    }
}
