import Foundation

/// AI reply suggestions (Req 15): an inbound message becomes a question for the provider, whose
/// suggestion waits for an operator. Nothing is sent without an approval, and an approval sends through
/// the one sending pipeline (opt-in, allowlist, window, limits, SEND_MODE), so DRY_RUN sends nothing.
public struct AISuggestionService: Sendable {
    let deps: CoreDependencies
    let settings: CoreSettings
    let ai: AIDependencies

    /// Failed suggestions are kept in the DLQ under this queue name; replay enqueues them again.
    public static let deadLetterQueue = "ai-dlq"

    public init(_ deps: CoreDependencies, settings: CoreSettings, ai: AIDependencies) {
        self.deps = deps
        self.settings = settings
        self.ai = ai
    }

    // MARK: Asking

    /// Asks for suggestions for the stored inbound messages when AI automation is on; never throws and
    /// never waits for a provider. A message that cannot be queued is kept in the DLQ (replay queues it again).
    public static func request(for messageIds: [String], _ deps: CoreDependencies, settings: CoreSettings, queue: (any SuggestionQueue)?) async {
        guard settings.aiAutomation, let queue, !messageIds.isEmpty else { return }
        for id in messageIds {
            do {
                try await queue.enqueue(messageId: id)
            } catch {
                await deadLetter(id, reason: "queueing the suggestion failed: \(error)", deps, settings: settings)
            }
        }
    }

    /// What retrieval found for one inbound message: everything the suggestion step needs, so the two
    /// steps can run in two functions (ai-query-kb, then ai-generate-response).
    public struct Retrieval: Codable, Sendable, Equatable {
        public var messageId: String
        public var contactId: String
        public var text: String
        public var recent: [Turn]
        public var session: String
        public var passages: [Passage]
        public var retrievalMs: Double

        public struct Turn: Codable, Sendable, Equatable {
            public var from: String
            public var text: String
        }

        public var query: SuggestionQuery {
            SuggestionQuery(text: text, recent: recent.map { .init(from: $0.from, text: $0.text) }, session: session)
        }
    }

    /// Step one: the question (the message's text and the conversation's recent messages) and the passages found for it.
    public func retrieve(messageId: String) async throws(CoreError) -> Retrieval {
        guard let provider = ai.provider else { throw .internal("this process has no suggestion provider") }
        guard let message = try await call({ try await deps.store.message(id: messageId) }) else { throw .notFound("no message \(messageId)") }
        guard message.direction == .inbound, let text = message.content, !text.isEmpty else {
            throw .invalid("message \(messageId) is not an inbound text: there is nothing to answer")
        }
        let history = try await call {
            try await deps.store.messages(contactId: message.contactId, before: message.timestamp, limit: settings.ai.recentMessages, now: deps.clock.now())
        }
        let recent = history.reversed().compactMap { m -> Retrieval.Turn? in
            guard m.id != message.id, let content = m.content, !content.isEmpty else { return nil }
            return Retrieval.Turn(from: m.direction == .inbound ? "customer" : "business", text: content)
        }
        let query = SuggestionQuery(text: text, recent: recent.map { .init(from: $0.from, text: $0.text) }, session: deps.ids.next())
        let start = ContinuousClock.now
        let passages: [Passage]
        do { passages = try await provider.retrieve(query) } catch { throw .internal("\(provider.name) retrieval failed: \(error)") }
        return Retrieval(messageId: message.id, contactId: message.contactId, text: query.text,
                         recent: query.recent.map { .init(from: $0.from, text: $0.text) }, session: query.session,
                         passages: Array(passages.prefix(settings.ai.passages)), retrievalMs: (ContinuousClock.now - start).milliseconds)
    }

    /// Step two: the suggestion from the passages, stored as a pending interaction.
    public func complete(_ retrieval: Retrieval) async throws(CoreError) -> AIInteraction {
        guard let provider = ai.provider else { throw .internal("this process has no suggestion provider") }
        guard let store = ai.store else { throw .internal("this process has no AI interactions store") }
        let start = ContinuousClock.now
        let suggestion: String
        do { suggestion = try await provider.suggest(retrieval.query, passages: retrieval.passages) } catch {
            throw .internal("\(provider.name) suggestion failed: \(error)")
        }
        let now = deps.clock.now()
        let interaction = AIInteraction(id: deps.ids.next(), messageId: retrieval.messageId, contactId: retrieval.contactId, query: retrieval.text,
                                        passages: retrieval.passages, suggestion: suggestion, provider: provider.name, model: provider.model,
                                        latencyMs: retrieval.retrievalMs + (ContinuousClock.now - start).milliseconds, createdAt: now)
        try await call { try await store.insertInteraction(interaction) }
        deps.events.record(.info, "ai_suggested", ["interactionId": interaction.id, "messageId": interaction.messageId, "provider": provider.name,
                                                   "passages": String(interaction.passages.count), "ms": String(format: "%.1f", interaction.latencyMs)])
        return interaction
    }

    /// Both steps in one process (`serve`).
    public func suggest(messageId: String) async throws(CoreError) -> AIInteraction {
        try await complete(try await retrieve(messageId: messageId))
    }

    /// Both steps; a failure is kept in the DLQ instead of thrown (what the queue's consumer runs).
    public func suggestOrDeadLetter(messageId: String) async {
        do throws(CoreError) { _ = try await suggest(messageId: messageId) } catch {
            await Self.deadLetter(messageId, reason: error.message, deps, settings: settings)
        }
    }

    public static func deadLetter(_ messageId: String, reason: String, _ deps: CoreDependencies, settings: CoreSettings) async {
        let now = deps.clock.now()
        let entry = DLQEntry(id: deps.ids.next(), originalMessageId: "ai/\(messageId)", queue: deadLetterQueue, payload: "{\"messageId\":\(jsonQuote(messageId))}",
                             error: reason, retryCount: 0, lastAttemptAt: now, expiresAt: epoch(now, plus: settings.dlqRetention))
        do {
            try await deps.store.insertDLQ(entry)
            deps.events.record(.error, "ai_failed", ["messageId": messageId, "error": reason])
        } catch {
            // The inbound message itself is stored; only its suggestion is lost.
            deps.events.record(.critical, "ai_not_kept", ["messageId": messageId, "error": "\(reason); keeping it in the DLQ failed: \(error)"])
        }
    }

    /// The message id a DLQ entry of `deadLetterQueue` asks a suggestion for.
    public static func messageId(inDeadLetter payload: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else { return nil }
        return object["messageId"] as? String
    }

    // MARK: Reviewing

    func interactionStore() throws(CoreError) -> any AIInteractionStore {
        guard let store = ai.store else { throw .internal("this process has no AI interactions store") }
        return store
    }

    public func list(status: AIStatus?, contactId: String?, before: Date?, limit: Int) async throws(CoreError) -> [AIInteraction] {
        let store = try interactionStore()
        return try await call { try await store.interactions(status: status, contactId: contactId, before: before, limit: limit) }
    }

    public func get(_ id: String) async throws(CoreError) -> AIInteraction {
        let store = try interactionStore()
        guard let found = try await call({ try await store.interaction(id: id) }) else { throw .notFound("no AI interaction \(id)") }
        return found
    }

    /// Approves a pending suggestion, as it is or edited, and sends it to the message's sender on WhatsApp
    /// from the number the customer wrote to. The decision is stored before the send, conditioned on the
    /// interaction still being pending, so a second approval cannot send it again.
    public func approve(_ id: String, editedText: String?, by user: String) async throws(CoreError) -> AIInteraction {
        let store = try interactionStore()
        var interaction = try await get(id)
        guard interaction.status == .pending else { throw .conflict("AI interaction \(id) is \(interaction.status.rawValue), not pending") }
        let edited = editedText.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let edited, edited.isEmpty { throw .invalid("'text' must not be empty") }
        let text = edited ?? interaction.suggestion
        guard !text.isEmpty else { throw .invalid("the suggestion is empty: approve it with a 'text' of your own") }
        interaction.status = edited != nil && edited != interaction.suggestion ? .edited : .approved
        interaction.decidedBy = user
        interaction.finalText = text
        interaction.updatedAt = deps.clock.now()
        guard try await call({ try await store.updateInteraction(interaction, ifStatus: .pending) }) else {
            throw .conflict("AI interaction \(id) was decided meanwhile")
        }
        let inbound = try await call { try await deps.store.message(id: interaction.messageId) }
        do {
            let message = try await SendPipeline(deps, settings: settings).send(SendRequest(channel: .whatsapp, contactId: interaction.contactId, text: text,
                                                                                          phoneNumberId: inbound?.phoneNumberId))
            interaction.sentMessageId = message.id
            if message.status == .failed {
                interaction.error = message.errorDetails ?? "the provider refused the message"
            } else {
                interaction.status = message.status == .dryRun ? .dryRun : .sent
            }
        } catch {
            interaction.error = error.message
        }
        interaction.updatedAt = deps.clock.now()
        let decided = interaction
        _ = try await call { try await store.updateInteraction(decided, ifStatus: nil) }
        return interaction
    }

    public func reject(_ id: String, by user: String) async throws(CoreError) -> AIInteraction {
        let store = try interactionStore()
        var interaction = try await get(id)
        guard interaction.status == .pending else { throw .conflict("AI interaction \(id) is \(interaction.status.rawValue), not pending") }
        interaction.status = .rejected
        interaction.decidedBy = user
        interaction.updatedAt = deps.clock.now()
        let rejected = interaction
        guard try await call({ try await store.updateInteraction(rejected, ifStatus: .pending) }) else {
            throw .conflict("AI interaction \(id) was decided meanwhile")
        }
        return interaction
    }

    /// Feedback on any interaction, whatever its status; a second feedback replaces the first.
    public func feedback(_ id: String, rating: Int, comment: String?, by user: String) async throws(CoreError) -> AIInteraction {
        guard (1...5).contains(rating) else { throw .invalid("'rating' must be from 1 to 5") }
        let store = try interactionStore()
        var interaction = try await get(id)
        interaction.feedback = AIFeedback(rating: rating, comment: comment, by: user, at: deps.clock.now())
        interaction.updatedAt = deps.clock.now()
        let rated = interaction
        _ = try await call { try await store.updateInteraction(rated, ifStatus: nil) }
        return interaction
    }
}

extension Duration {
    var milliseconds: Double { seconds * 1000 }
}
