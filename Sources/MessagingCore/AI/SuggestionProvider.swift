import Foundation

/// What a provider is told about an inbound message: its text and the conversation's recent messages,
/// nothing else. No phone number, no contact id, no message id reaches a provider; numbers written in
/// the text are masked too.
public struct SuggestionQuery: Sendable, Equatable {
    public struct Turn: Sendable, Equatable {
        /// `customer` or `business`.
        public var from: String
        public var text: String
        public init(from: String, text: String) {
            self.from = from
            self.text = text
        }
    }

    public var text: String
    /// Oldest first, the message itself excluded.
    public var recent: [Turn]
    /// A fresh id per question, for providers that keep sessions; it is derived from nothing.
    public var session: String

    public init(text: String, recent: [Turn] = [], session: String) {
        self.text = Self.mask(text)
        self.recent = recent.map { Turn(from: $0.from, text: Self.mask($0.text)) }
        self.session = session
    }

    /// Replaces every run of seven or more digits (spaces, dots, dashes and a leading + allowed between
    /// them), which is how a phone number or an account number is written, by `[number]`.
    public static func mask(_ text: String) -> String {
        var out = ""
        var run = ""
        var digits = 0
        func flush() {
            out += digits >= 7 ? "[number]" + String(run.reversed().prefix { !$0.isNumber }.reversed()) : run
            run = ""
            digits = 0
        }
        for c in text {
            if c.isASCII && c.isNumber {
                run.append(c)
                digits += 1
            } else if "+ -.()".contains(c), !run.isEmpty || c == "+" || c == "(" {
                run.append(c)
            } else {
                flush()
                out.append(c)
            }
        }
        flush()
        return out
    }
}

/// Proposes replies: retrieves passages for a question, then writes a suggestion from them. Bedrock's
/// knowledge base and agent in AWS; BM25 over the specs' knowledge folder locally.
public protocol SuggestionProvider: Sendable {
    /// `local` or `bedrock`.
    var name: String { get }
    /// The model (or ranking) the suggestions come from.
    var model: String { get }
    func retrieve(_ query: SuggestionQuery) async throws -> [Passage]
    func suggest(_ query: SuggestionQuery, passages: [Passage]) async throws -> String
}

/// Where inbound messages wait for a suggestion: a task of the process in `serve`, an asynchronous
/// Lambda invocation of the AI functions in AWS. Enqueuing returns at once; the work happens elsewhere.
public protocol SuggestionQueue: Sendable {
    func enqueue(messageId: String) async throws
}

/// How a retrieval reaches the suggestion step when the two run in different functions (AWS: an
/// asynchronous invocation of ai-generate-response).
public protocol RetrievalHandoff: Sendable {
    func hand(_ retrieval: AISuggestionService.Retrieval) async throws
}

/// The AI pieces a process has: the interactions' store (the review routes), the provider (the functions
/// that suggest) and the queue (the inbound path). Each deployed function gets only the pieces its handler needs.
public struct AIDependencies: Sendable {
    public var store: (any AIInteractionStore)?
    public var provider: (any SuggestionProvider)?
    public var queue: (any SuggestionQueue)?
    /// Where retrievals go when the suggestion step runs elsewhere (ai-query-kb → ai-generate-response).
    public var handoff: (any RetrievalHandoff)?

    public init(store: (any AIInteractionStore)? = nil, provider: (any SuggestionProvider)? = nil, queue: (any SuggestionQueue)? = nil,
                handoff: (any RetrievalHandoff)? = nil) {
        self.store = store
        self.provider = provider
        self.queue = queue
        self.handoff = handoff
    }
}
