import Foundation

/// Agents for Amazon Bedrock Runtime (REST-JSON, API 2023-07-26, signing name `bedrock`): retrieval from
/// a knowledge base, and an agent's answer, which streams back as an event stream.
public struct BedrockAgentRuntimeClient: Sendable {
    public let client: AWSClient
    private let service = AWSService.bedrockAgentRuntime

    public init(client: AWSClient) {
        self.client = client
    }

    /// One result of `Retrieve`: the passage, where it lives (an S3 URI, a web URL… or the location's type), and its score.
    public struct RetrievalResult: Sendable, Equatable {
        public var text: String
        public var location: String?
        public var score: Double?
    }

    struct RetrieveRequest: Encodable {
        struct Query: Encodable { var text: String }
        struct Configuration: Encodable {
            struct Vector: Encodable { var numberOfResults: Int }
            var vectorSearchConfiguration: Vector
        }
        var retrievalQuery: Query
        var retrievalConfiguration: Configuration
    }

    struct RetrieveResponse: Decodable {
        struct Result: Decodable {
            struct Content: Decodable { var text: String? }
            var content: Content?
            var location: [String: JSONAny]?
            var score: Double?
        }
        var retrievalResults: [Result]?
    }

    /// `POST /knowledgebases/{knowledgeBaseId}/retrieve`: the best `numberOfResults` passages for `text`.
    public func retrieve(knowledgeBaseID: String, text: String, numberOfResults: Int) async throws -> [RetrievalResult] {
        let body = try AWSJSON.encode(RetrieveRequest(retrievalQuery: .init(text: text),
                                                      retrievalConfiguration: .init(vectorSearchConfiguration: .init(numberOfResults: numberOfResults))))
        let request = RESTJSONProtocol.request(method: "POST", path: "/knowledgebases/\(PercentEncoding.encode(knowledgeBaseID))/retrieve", body: body)
        let response = try await client.send(request, service: service, operation: "Retrieve")
        let decoded = try AWSJSON.decode(RetrieveResponse.self, from: response.body, service: service, operation: "Retrieve")
        return (decoded.retrievalResults ?? []).compactMap { r in
            guard let text = r.content?.text else { return nil }
            return RetrievalResult(text: text, location: r.location.flatMap(Self.describe), score: r.score)
        }
    }

    /// The location of a retrieved passage as one string: the URI or URL of whichever location it has, else its type.
    static func describe(_ location: [String: JSONAny]) -> String? {
        for (key, value) in location.sorted(by: { $0.key < $1.key }) where key != "type" {
            if case .object(let inner) = value {
                for field in ["uri", "url", "id"] { if case .string(let s)? = inner[field] { return s } }
            }
        }
        if case .string(let type)? = location["type"] { return type }
        return nil
    }

    /// What an agent answered: its text (the `chunk` events' bytes, in order) and how many `trace` events came with it.
    public struct AgentAnswer: Sendable, Equatable {
        public var text: String
        public var sessionID: String?
        public var traces: Int
    }

    struct InvokeAgentRequest: Encodable {
        var inputText: String
        var enableTrace: Bool
        var endSession: Bool
    }

    struct Chunk: Decodable { var bytes: String? }

    /// `POST /agents/{agentId}/agentAliases/{agentAliasId}/sessions/{sessionId}/text`. The answer streams back
    /// as an event stream: both CRCs of every message are checked, `chunk` events are joined, and an
    /// exception event (or a message of type `error`) fails the call as an `AWSError` of its type.
    public func invokeAgent(agentID: String, agentAliasID: String, sessionID: String, inputText: String, enableTrace: Bool = false,
                            endSession: Bool = false) async throws -> AgentAnswer {
        let body = try AWSJSON.encode(InvokeAgentRequest(inputText: inputText, enableTrace: enableTrace, endSession: endSession))
        let path = "/agents/\(PercentEncoding.encode(agentID))/agentAliases/\(PercentEncoding.encode(agentAliasID))/sessions/\(PercentEncoding.encode(sessionID))/text"
        let response = try await client.send(RESTJSONProtocol.request(method: "POST", path: path, body: body), service: service, operation: "InvokeAgent")
        let messages: [EventStream.Message]
        do { messages = try EventStream.decode(response.body) } catch {
            throw AWSClientError.invalidResponse(service: service.name, operation: "InvokeAgent", reason: error.description)
        }
        var text = ""
        var traces = 0
        for m in messages {
            switch m.messageType {
            case "exception":
                let message = (try? JSONSerialization.jsonObject(with: m.payload) as? [String: Any])?["message"] as? String
                throw AWSError(service: service.name, operation: "InvokeAgent", statusCode: response.statusCode, code: m.exceptionType ?? "exception",
                               message: message ?? String(decoding: m.payload, as: UTF8.self))
            case "error":
                throw AWSError(service: service.name, operation: "InvokeAgent", statusCode: response.statusCode,
                               code: m[header: ":error-code"]?.string ?? "error", message: m[header: ":error-message"]?.string ?? "")
            default:
                switch m.eventType {
                case "chunk":
                    guard let chunk = try? JSONDecoder().decode(Chunk.self, from: m.payload) else {
                        throw AWSClientError.invalidResponse(service: service.name, operation: "InvokeAgent", reason: "a chunk event is not JSON")
                    }
                    guard let encoded = chunk.bytes else { continue }
                    guard let bytes = Data(base64Encoded: encoded) else {
                        throw AWSClientError.invalidResponse(service: service.name, operation: "InvokeAgent", reason: "a chunk's bytes are not base64")
                    }
                    text += String(decoding: bytes, as: UTF8.self)
                case "trace": traces += 1
                default: continue   // returnControl, files: not asked for
                }
            }
        }
        return AgentAnswer(text: text, sessionID: response.headers["x-amz-bedrock-agent-session-id"], traces: traces)
    }
}

/// Any JSON value, for response members whose shape varies (a retrieval result's location).
public enum JSONAny: Decodable, Sendable, Equatable {
    case string(String), number(Double), bool(Bool), object([String: JSONAny]), array([JSONAny]), null

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONAny].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONAny].self)) }
    }
}
