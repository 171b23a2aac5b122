import Foundation

/// Why the pipeline refused a message; the code is what the API returns.
public enum SendRefusal: String, Sendable, CaseIterable {
    case contactNotFound = "CONTACT_NOT_FOUND"
    case contactDeleted = "CONTACT_DELETED"
    case optInRequired = "OPT_IN_REQUIRED"
    case noAddress = "NO_ADDRESS"
    case notAllowlisted = "PHONE_NUMBER_NOT_ALLOWLISTED"
    case templateRequired = "TEMPLATE_REQUIRED"
    case contentTooLong = "CONTENT_TOO_LONG"
    case contentInvalid = "CONTENT_INVALID"
    case tierLimitExceeded = "TIER_LIMIT_EXCEEDED"
}

/// What to send. Exactly one of text, template or media for WhatsApp; text for SMS; subject with text and/or HTML for email.
public struct SendRequest: Sendable {
    public struct Template: Sendable {
        public var name: String
        public var language: String
        public var parameters: [String]
        public init(name: String, language: String = "en_US", parameters: [String] = []) {
            self.name = name
            self.language = language
            self.parameters = parameters
        }
    }

    public struct Media: Sendable {
        /// image, video, audio, document or sticker (`WhatsAppMediaKind`).
        public var kind: String
        /// Key relative to the outgoing prefix, where the file was uploaded first (Req 5.5).
        public var file: String
        public var caption: String?
        public init(kind: String, file: String, caption: String? = nil) {
            self.kind = kind
            self.file = file
            self.caption = caption
        }
    }

    public var channel: Channel
    public var contactId: String
    public var text: String?
    public var template: Template?
    public var media: Media?
    public var subject: String?
    public var html: String?
    /// The sending WhatsApp number; the first allowlisted one when nil.
    public var phoneNumberId: String?

    public init(channel: Channel, contactId: String, text: String? = nil, template: Template? = nil, media: Media? = nil,
                subject: String? = nil, html: String? = nil, phoneNumberId: String? = nil) {
        self.channel = channel
        self.contactId = contactId
        self.text = text
        self.template = template
        self.media = media
        self.subject = subject
        self.html = html
        self.phoneNumberId = phoneNumberId
    }
}

/// The one sending pipeline for every channel (Req 3, 5, 6, 7, 16). Fail-closed, no fallback channel:
/// contact → opt-in → allowlist → 24-hour window → content limits → rate limit → channel.
public struct SendPipeline: Sendable {
    let deps: CoreDependencies
    let settings: CoreSettings

    public init(_ deps: CoreDependencies, settings: CoreSettings) {
        self.deps = deps
        self.settings = settings
    }

    public func send(_ r: SendRequest) async throws(CoreError) -> Message {
        let contact = try await check(r)
        if r.channel == .whatsapp, r.template != nil { await TierLimit(deps, settings: settings).alertIfNear(adding: 1) }
        let message = await deliver(r, to: contact, idempotencyKey: nil)
        _ = try await call { try await deps.store.insertMessage(message) }
        // A status about this message may have come before it was stored.
        if message.providerMessageId != nil { await StatusUpdater(deps, settings: settings).applyParkedLogging(to: message) }
        return message
    }

    /// Makes the message for a contact that passed `check`: LIVE calls the provider (rate-limited,
    /// retried on throttling and 5xx), DRY_RUN records the request LIVE would send. Stores nothing;
    /// a provider failure is a failed message, not an error. With `slotTaken` the caller already waited
    /// for the first call's rate slot (a bulk worker takes it before it claims the recipient).
    public func deliver(_ r: SendRequest, to contact: Contact, idempotencyKey: String?, slotTaken: Bool = false) async -> Message {
        let now = deps.clock.now()
        let phoneNumberId = r.channel == .whatsapp ? (r.phoneNumberId ?? settings.allowlist.first) : nil
        var message = Message(id: deps.ids.next(), contactId: contact.id, channel: r.channel, direction: .outbound, status: .dryRun,
                              kind: kind(of: r), content: r.text ?? r.media?.caption, templateName: r.template?.name, subject: r.subject,
                              timestamp: now, phoneNumberId: phoneNumberId, expiresAt: epoch(now, plus: settings.messageRetention),
                              idempotencyKey: idempotencyKey)
        if r.channel == .sms, let text = r.text { message.segments = SMSSegments.count(text).segments }

        var mediaId = r.media.map { "<PostWhatsAppMessageMedia s3://\(settings.mediaBucket)/\(settings.outgoingPrefix)\($0.file)>" }
        guard settings.sendMode == .live else {
            // DRY_RUN calls no provider, so it spends no provider quota and is not rate-limited.
            message.wouldBeRequest = deps.gateway.wireBody(outbound(r, contact: contact, phoneNumberId: phoneNumberId, mediaId: mediaId))
            deps.events.record(.info, "dry_run", ["contactId": contact.id, "channel": r.channel.rawValue, "messageId": message.id])
            return message
        }
        var slot = slotTaken
        do {
            if let media = r.media, let phoneNumberId {
                mediaId = try await withRetries(r.channel, phoneNumberId, slot: &slot) {
                    try await deps.gateway.uploadWhatsAppMedia(phoneNumberId: phoneNumberId, bucket: settings.mediaBucket, key: settings.outgoingPrefix + media.file)
                }
                message.mediaId = mediaId
            }
            let request = outbound(r, contact: contact, phoneNumberId: phoneNumberId, mediaId: mediaId)
            message.providerMessageId = try await withRetries(r.channel, phoneNumberId, slot: &slot) { try await deps.gateway.send(request) }
            message.status = .sent
            deps.events.record(.info, "message_sent", ["channel": r.channel.rawValue, "messageId": message.id])
        } catch {
            message.status = .failed
            message.errorDetails = String(describing: error)
            deps.events.record(.error, "send_failed", ["contactId": contact.id, "channel": r.channel.rawValue, "error": message.errorDetails!])
        }
        return message
    }

    /// One provider call under the rate limit; throttling and 5xx are retried with backoff, at most `retry.maxRetries` times (Req 13.8).
    /// `slot`: a slot already taken, spent by the first call.
    private func withRetries<T>(_ channel: Channel, _ phoneNumberId: String?, slot: inout Bool, _ body: () async throws -> T) async throws -> T {
        var retry = 0
        while true {
            if slot { slot = false } else { try await deps.limiter.acquire(channel: channel, phoneNumberId: phoneNumberId) }
            do {
                return try await body()
            } catch let e as ProviderError where e.retryable && retry < deps.retry.maxRetries {
                let wait = deps.retry.delay(beforeRetry: retry)
                deps.events.record(.warning, "send_retry", ["channel": channel.rawValue, "error": e.description, "retry": String(retry + 1),
                                                            "waitMs": String(Int(wait * 1000))])
                try await deps.retry.sleep(wait)
                retry += 1
            }
        }
    }

    /// Every safety check, in order; the first that fails refuses the message and is logged.
    public func check(_ r: SendRequest) async throws(CoreError) -> Contact {
        func refuse(_ reason: SendRefusal, _ text: String, contact: String = r.contactId) -> CoreError {
            deps.events.record(.warning, "send_refused", ["contactId": contact, "channel": r.channel.rawValue, "reason": reason.rawValue, "detail": text])
            return .refused(reason, text)
        }
        guard let contact = try await call({ try await deps.store.contact(id: r.contactId) }) else {
            throw refuse(.contactNotFound, "no contact \(r.contactId)")
        }
        guard contact.deletedAt == nil else { throw refuse(.contactDeleted, "contact \(r.contactId) is deleted") }
        guard contact.optedIn(r.channel) else {
            throw refuse(.optInRequired, "contact has not opted in to \(r.channel.rawValue) (Req 3)")
        }
        switch r.channel {
        case .whatsapp, .sms:
            guard contact.phone != nil else { throw refuse(.noAddress, "contact has no phone number") }
        case .email:
            guard contact.email != nil else { throw refuse(.noAddress, "contact has no email address") }
        }
        if r.channel == .whatsapp {
            let id = r.phoneNumberId ?? settings.allowlist.first
            guard let id, settings.allowlist.contains(id) else {
                throw refuse(.notAllowlisted, "phone-number id \(r.phoneNumberId ?? "(none)") is not in the allowlist (Req 3.2)")
            }
            if r.template == nil {
                let now = deps.clock.now()
                guard let last = try await lastInbound(contact, on: id), now.timeIntervalSince(last) <= settings.customerServiceWindow else {
                    throw refuse(.templateRequired, "the 24-hour customer service window with \(id) is closed; send an approved template (Req 16.5)")
                }
            }
        }
        try checkContent(r, refuse: refuse)
        return contact
    }

    /// When the contact last wrote to the business number `phoneNumberId`: WhatsApp keeps a window per
    /// contact and business number. A contact with no window per number has not written since they were
    /// kept; its one window from before (`lastInboundMessageAt`) stands until it writes again.
    private func lastInbound(_ contact: Contact, on phoneNumberId: String) async throws(CoreError) -> Date? {
        let windows = try await call { try await deps.store.inboundWindows(contactId: contact.id) }
        return windows.isEmpty ? contact.lastInboundMessageAt : windows[phoneNumberId]
    }

    /// The content checks alone, for a bulk job's content before it has recipients.
    public func validateContent(_ r: SendRequest) throws(CoreError) {
        try checkContent(r) { reason, text, _ in .refused(reason, text) }
    }

    private func checkContent(_ r: SendRequest, refuse: (SendRefusal, String, String) -> CoreError) throws(CoreError) {
        let id = r.contactId
        switch r.channel {
        case .whatsapp:
            let parts = [r.text != nil, r.template != nil, r.media != nil].filter { $0 }.count
            guard parts == 1 else { throw refuse(.contentInvalid, "a WhatsApp message is exactly one of text, template or media", id) }
            if let text = r.text {
                guard !text.isEmpty else { throw refuse(.contentInvalid, "the text is empty", id) }
                guard text.count <= settings.whatsAppTextLimit else {
                    throw refuse(.contentTooLong, "WhatsApp text is \(text.count) characters; the limit is \(settings.whatsAppTextLimit)", id)
                }
            }
            if let t = r.template, t.name.isEmpty { throw refuse(.contentInvalid, "the template has no name", id) }
            if let m = r.media {
                guard WhatsAppMediaKind(rawValue: m.kind) != nil else {
                    throw refuse(.contentInvalid, "media kind must be image, video, audio, document or sticker", id)
                }
                guard !m.file.isEmpty, !m.file.hasPrefix("/"), !m.file.split(separator: "/").contains("..") else {
                    throw refuse(.contentInvalid, "media file must be a key under the outgoing prefix", id)
                }
            }
        case .sms:
            guard let text = r.text, !text.isEmpty else { throw refuse(.contentInvalid, "an SMS needs text", id) }
            guard text.count <= settings.smsMaxLength else {
                throw refuse(.contentTooLong, "SMS text is \(text.count) characters; the limit is \(settings.smsMaxLength)", id)
            }
        case .email:
            guard let subject = r.subject, !subject.isEmpty else { throw refuse(.contentInvalid, "an email needs a subject", id) }
            guard !(r.text ?? "").isEmpty || !(r.html ?? "").isEmpty else { throw refuse(.contentInvalid, "an email needs text or HTML", id) }
        }
    }

    private func kind(of r: SendRequest) -> String {
        if r.template != nil { return "template" }
        if let m = r.media { return m.kind }
        return r.channel == .email && r.html != nil ? "html" : "text"
    }

    /// The provider request LIVE sends; DRY_RUN records it instead.
    func outbound(_ r: SendRequest, contact: Contact, phoneNumberId: String?, mediaId: String?) -> OutboundRequest {
        switch r.channel {
        case .whatsapp:
            let to = String((contact.phone ?? "").drop { $0 == "+" })
            var body = "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\(jsonQuote(to)),"
            if let text = r.text {
                body += "\"type\":\"text\",\"text\":{\"preview_url\":false,\"body\":\(jsonQuote(text))}}"
            } else if let t = r.template {
                let parameters = t.parameters.map { "{\"type\":\"text\",\"text\":\(jsonQuote($0))}" }.joined(separator: ",")
                let components = t.parameters.isEmpty ? "" : ",\"components\":[{\"type\":\"body\",\"parameters\":[\(parameters)]}]"
                body += "\"type\":\"template\",\"template\":{\"name\":\(jsonQuote(t.name)),\"language\":{\"code\":\(jsonQuote(t.language))}\(components)}}"
            } else if let m = r.media {
                let caption = m.caption.map { ",\"caption\":\(jsonQuote($0))" } ?? ""
                body += "\"type\":\(jsonQuote(m.kind)),\(jsonQuote(m.kind)):{\"id\":\(jsonQuote(mediaId ?? ""))\(caption)}}"
            }
            return .whatsapp(originationPhoneNumberId: phoneNumberId ?? "", metaApiVersion: settings.metaApiVersion, message: body)
        case .sms:
            return .sms(destination: contact.phone ?? "", originationIdentity: settings.smsPoolId, body: r.text ?? "")
        case .email:
            return .email(from: settings.emailSender, to: contact.email ?? "", subject: r.subject ?? "", text: r.text, html: r.html)
        }
    }
}
