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

    /// - Parameters:
    ///   - eventID: the delivery's id (SNS MessageId), which DLQ replay dedupes on.
    ///   - recordFailure: false when replaying, so a failure updates the DLQ entry instead of adding one.
    public func process(_ payload: String, eventID: String, recordFailure: Bool = true) async throws(CoreError) -> Outcome {
        do {
            return try await handle(try EUMEvent.decode(payload))
        } catch {
            let reason = (error as? CoreError)?.message ?? String(describing: error)
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
            if s.status == "failed" {
                message.status = .failed
                message.errorDetails = s.error ?? "failed"
            } else if let rank = Self.statusOrder[s.status], let status = MessageStatus(rawValue: s.status) {
                // A late `delivered` never overwrites `read`.
                if rank > (Self.statusOrder[message.status.rawValue] ?? 0), message.status != .failed { message.status = status }
            }
            message.whatsappMessageId = message.whatsappMessageId ?? s.whatsappId
            try await deps.store.updateMessage(message)
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
