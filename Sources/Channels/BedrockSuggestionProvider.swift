import AWSClient
import Foundation
import MessagingCore

/// Suggestions from Bedrock (AWS environments): passages from the knowledge base (`Retrieve`), the reply
/// from the agent (`InvokeAgent`). The request carries the question, the conversation's recent messages
/// and the passages: never a phone number, a contact id or a message id. Each question is its own session.
public struct BedrockSuggestionProvider: SuggestionProvider {
    let client: BedrockAgentRuntimeClient
    let knowledgeBaseID: String?
    let agent: (id: String, alias: String)?
    let foundationModel: String
    let passages: Int

    public init(client: AWSClient, knowledgeBaseID: String?, agentID: String?, agentAliasID: String?, foundationModel: String?, passages: Int) {
        self.client = BedrockAgentRuntimeClient(client: client)
        self.knowledgeBaseID = knowledgeBaseID
        agent = agentID.flatMap { id in agentAliasID.map { (id, $0) } }
        self.foundationModel = foundationModel ?? "bedrock-agent"
        self.passages = passages
    }

    public var name: String { "bedrock" }
    public var model: String { foundationModel }

    struct NotGiven: Error, CustomStringConvertible {
        var description: String
    }

    public func retrieve(_ query: SuggestionQuery) async throws -> [Passage] {
        guard let knowledgeBaseID else { throw NotGiven(description: "this function was not given the knowledge base (BEDROCK_KB_ID)") }
        return try await client.retrieve(knowledgeBaseID: knowledgeBaseID, text: query.text, numberOfResults: passages).map {
            Passage(text: $0.text, source: $0.location ?? "knowledge-base/\(knowledgeBaseID)", score: $0.score ?? 0)
        }
    }

    public func suggest(_ query: SuggestionQuery, passages: [Passage]) async throws -> String {
        guard let agent else { throw NotGiven(description: "this function was not given the agent and its alias") }
        let answer = try await client.invokeAgent(agentID: agent.id, agentAliasID: agent.alias, sessionID: query.session,
                                                  inputText: Self.prompt(query, passages: passages))
        return answer.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The agent's input: the conversation, the question and what the knowledge base found.
    static func prompt(_ query: SuggestionQuery, passages: [Passage]) -> String {
        var out = "Suggest a short reply to the customer's last WhatsApp message, for an operator to review before it is sent."
        if !query.recent.isEmpty {
            out += "\n\nConversation so far:\n" + query.recent.map { "\($0.from): \($0.text)" }.joined(separator: "\n")
        }
        out += "\n\nCustomer's message:\n\(query.text)"
        if !passages.isEmpty {
            out += "\n\nRelevant knowledge:\n" + passages.map { "- \($0.text) (source: \($0.source))" }.joined(separator: "\n")
        }
        return out
    }
}

/// The suggestion queue of the inbound function: an asynchronous (`Event`) invocation of `ai-query-kb`
/// with the message id. Lambda queues the event and answers at once; ingestion does not wait for Bedrock.
public struct LambdaSuggestionQueue: SuggestionQueue {
    let lambda: LambdaClient
    let functionName: String

    public init(client: AWSClient, functionName: String) {
        lambda = LambdaClient(client: client)
        self.functionName = functionName
    }

    public func enqueue(messageId: String) async throws {
        _ = try await lambda.invoke(functionName: functionName, payload: Data("{\"messageId\":\(jsonQuote(messageId))}".utf8), invocationType: .event)
    }
}

/// Hands a retrieval to `ai-generate-response`, asynchronously.
public struct LambdaRetrievalHandoff: RetrievalHandoff {
    let lambda: LambdaClient
    let functionName: String

    public init(client: AWSClient, functionName: String) {
        lambda = LambdaClient(client: client)
        self.functionName = functionName
    }

    public func hand(_ retrieval: AISuggestionService.Retrieval) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        _ = try await lambda.invoke(functionName: functionName, payload: try encoder.encode(retrieval), invocationType: .event)
    }
}
