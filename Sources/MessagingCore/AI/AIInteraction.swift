import Foundation

/// Where an AI suggestion stands (Req 15.3, 15.5, 15.7). A suggestion is `pending` until an operator
/// decides; approving sends it through the sending pipeline: `sent` when it went out, `dry_run` when
/// SEND_MODE kept it back. `approved` and `edited` are an approval whose send was refused (opt-in, window,
/// limits…): the refusal is kept in `error`.
public enum AIStatus: String, Codable, Sendable, CaseIterable {
    case pending, approved, edited, rejected, sent, dryRun = "dry_run"
}

/// One retrieved passage and where it came from (a knowledge file and heading, or the knowledge base's document).
public struct Passage: Codable, Sendable, Equatable {
    public var text: String
    public var source: String
    public var score: Double

    public init(text: String, source: String, score: Double) {
        self.text = text
        self.source = source
        self.score = score
    }
}

/// An operator's judgement of a suggestion (Req 15.6).
public struct AIFeedback: Codable, Sendable, Equatable {
    /// 1 (useless) to 5 (sent as it was).
    public var rating: Int
    public var comment: String?
    public var by: String
    public var at: Date

    public init(rating: Int, comment: String?, by: String, at: Date) {
        self.rating = rating
        self.comment = comment
        self.by = by
        self.at = at
    }
}

/// One suggestion for one inbound message, kept in AIInteractions: what was asked, what was found, what
/// was proposed, by which provider and model, how long it took, and what the operators did with it.
public struct AIInteraction: Codable, Sendable, Equatable {
    public var id: String
    /// The inbound message it answers, and its sender (never sent to the provider).
    public var messageId: String
    public var contactId: String
    /// The text the provider was given as the question (phone-like numbers masked).
    public var query: String
    public var passages: [Passage]
    public var suggestion: String
    /// `local` or `bedrock`, and the model (or ranking) that made the suggestion.
    public var provider: String
    public var model: String
    /// Retrieval and suggestion together, in milliseconds.
    public var latencyMs: Double
    public var status: AIStatus
    public var createdAt: Date
    public var updatedAt: Date
    /// Who approved or rejected it, and the text sent when it was approved (edited or not).
    public var decidedBy: String?
    public var finalText: String?
    /// The outbound message the approval produced (status `sent` or `dry_run`).
    public var sentMessageId: String?
    /// Why an approved suggestion was not sent.
    public var error: String?
    public var feedback: AIFeedback?

    public init(id: String, messageId: String, contactId: String, query: String, passages: [Passage], suggestion: String, provider: String,
                model: String, latencyMs: Double, status: AIStatus = .pending, createdAt: Date, updatedAt: Date? = nil, decidedBy: String? = nil,
                finalText: String? = nil, sentMessageId: String? = nil, error: String? = nil, feedback: AIFeedback? = nil) {
        self.id = id
        self.messageId = messageId
        self.contactId = contactId
        self.query = query
        self.passages = passages
        self.suggestion = suggestion
        self.provider = provider
        self.model = model
        self.latencyMs = latencyMs
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.decidedBy = decidedBy
        self.finalText = finalText
        self.sentMessageId = sentMessageId
        self.error = error
        self.feedback = feedback
    }
}

/// Where interactions are kept: memory in tests, SQLite locally, the AIInteractions table in AWS.
public protocol AIInteractionStore: Sendable {
    func insertInteraction(_ interaction: AIInteraction) async throws
    func interaction(id: String) async throws -> AIInteraction?
    /// Replaces the stored interaction; with `ifStatus`, only while its stored status is that one (false
    /// otherwise, nothing written): two operators deciding at once cannot both send.
    func updateInteraction(_ interaction: AIInteraction, ifStatus: AIStatus?) async throws -> Bool
    /// Newest first, optionally of one status and one contact; `before` pages by creation time.
    func interactions(status: AIStatus?, contactId: String?, before: Date?, limit: Int) async throws -> [AIInteraction]
}
