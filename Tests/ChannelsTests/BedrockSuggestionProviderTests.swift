import AWSClient
import Channels
import Foundation
import MessagingCore
import XCTest

/// What reaches Bedrock: the question and the conversation, never the sender's phone number, contact id
/// or message ids (Req 15, privacy). The requests are recorded by a transport that answers as AWS would.
final class BedrockSuggestionProviderTests: XCTestCase {
    final class Recorder: HTTPTransport, @unchecked Sendable {
        let lock = NSLock()
        var requests: [AWSHTTPRequest] = []
        func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
            lock.withLock { requests.append(request) }
            if request.path.hasSuffix("/retrieve") {
                return AWSHTTPResponse(statusCode: 200, body: Data(#"{"retrievalResults":[{"content":{"text":"Replies are free-form for 24 hours."},"location":{"type":"S3","s3Location":{"uri":"s3://kb/whatsapp.md"}},"score":0.9}]}"#.utf8))
            }
            let chunk = EventStream.encode(headers: [(":message-type", "event"), (":event-type", "chunk"), (":content-type", "application/json")],
                                           payload: Data("{\"bytes\":\"\(Data("We can reply for 24 hours.".utf8).base64EncodedString())\"}".utf8))
            return AWSHTTPResponse(statusCode: 200, body: chunk)
        }
    }

    final class Clock: MessagingCore.Clock, @unchecked Sendable {
        func now() -> Date { Date(timeIntervalSince1970: 1_795_000_100) }
    }

    final class IDs: IDSource, @unchecked Sendable {
        let lock = NSLock()
        var n = 0
        func next() -> String { lock.withLock { n += 1; return "generated-\(n)" } }
    }

    struct NoGateway: ChannelGateway {
        func wireBody(_ request: OutboundRequest) -> String { OutboundWire.body(request) }
        struct Never: Error {}
        func send(_ request: OutboundRequest) async throws -> String { throw Never() }
        func uploadWhatsAppMedia(phoneNumberId: String, bucket: String, key: String) async throws -> String { throw Never() }
        func downloadWhatsAppMedia(mediaId: String, phoneNumberId: String, bucket: String, key: String) async throws -> (mimeType: String, size: Int?) { throw Never() }
    }

    struct Silent: EventSink { func record(_ level: EventLevel, _ event: String, _ fields: [String: String]) {} }

    func testOnlyTheTextAndTheConversationReachBedrock() async throws {
        let recorder = Recorder()
        let aws = AWSClient(configuration: AWSClientConfiguration(region: "us-east-1", credentialsProvider: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret"),
                                                                  transport: recorder, retryPolicy: .none))
        let provider = BedrockSuggestionProvider(client: aws, knowledgeBaseID: "FZBPKGTOYE", agentID: "HQNT0JXN8G", agentAliasID: "TSTALIASID",
                                                 foundationModel: "amazon.nova-pro-v1:0", passages: 3)
        let store = InMemoryStore()
        let t0 = Date(timeIntervalSince1970: 1_795_000_000)
        let contact = Contact(id: "contact-7f3a", name: "Asha", phone: "+919330994400", email: "asha@example.com", createdAt: t0, updatedAt: t0)
        try await store.insertContact(contact)
        let earlier = Message(id: "message-earlier", contactId: contact.id, channel: .whatsapp, direction: .outbound, status: .sent, kind: "text",
                              content: "Hello Asha, how can we help?", timestamp: t0, expiresAt: 1_800_000_000)
        let question = Message(id: "message-question", contactId: contact.id, channel: .whatsapp, direction: .inbound, status: .received, kind: "text",
                               content: "How long can you reply? My other number is +91 99033 00044.", timestamp: t0.addingTimeInterval(60),
                               whatsappMessageId: "wamid.secret", phoneNumberId: "phone-number-id-aaa", expiresAt: 1_800_000_000)
        _ = try await store.insertMessage(earlier)
        _ = try await store.insertMessage(question)
        let deps = CoreDependencies(store: store, gateway: NoGateway(), clock: Clock(), ids: IDs(), events: Silent())
        let settings = CoreSettings(environment: "preview", sendMode: .dryRun, allowlist: ["phone-number-id-aaa"], metaApiVersion: "v20.0", smsPoolId: "p",
                                    emailSender: "one@wecare.digital", mediaBucket: "b", incomingPrefix: "in/", outgoingPrefix: "out/")
        let interaction = try await AISuggestionService(deps, settings: settings, ai: AIDependencies(store: store, provider: provider)).suggest(messageId: question.id)

        XCTAssertEqual(interaction.suggestion, "We can reply for 24 hours.")
        XCTAssertEqual(interaction.passages.map(\.source), ["s3://kb/whatsapp.md"])
        XCTAssertEqual(interaction.provider, "bedrock")
        XCTAssertEqual(interaction.model, "amazon.nova-pro-v1:0")
        XCTAssertEqual(recorder.requests.map(\.path), ["/knowledgebases/FZBPKGTOYE/retrieve", "/agents/HQNT0JXN8G/agentAliases/TSTALIASID/sessions/generated-1/text"])
        let wire = recorder.requests.map { r in r.path + " " + r.query.map { "\($0.name)=\($0.value)" }.joined() + " " + String(decoding: r.body, as: UTF8.self) }
            .joined(separator: "\n")
        XCTAssertTrue(wire.contains("How long can you reply?"), "the question is sent")
        XCTAssertTrue(wire.contains("Hello Asha, how can we help?"), "the conversation is sent")
        for secret in ["+919330994400", "9330994400", "99033 00044", "contact-7f3a", "message-question", "message-earlier", "wamid.secret",
                       "asha@example.com", "phone-number-id-aaa"] {
            XCTAssertFalse(wire.contains(secret), "\(secret) reached Bedrock:\n\(wire)")
        }
    }
}
