import CoreTestSupport
import Foundation
@testable import LambdaRuntime
import MessagingCore
import WecareConfig
@testable import Server
@testable import ServiceRuntime
import XCTest

/// The inbound function fails its invocation whenever an event is neither stored nor kept, so that
/// Lambda retries it and then keeps it on its dead-letter queue; otherwise it succeeds.
final class LambdaInboundTests: XCTestCase {
    let clock = TestClock()

    func function(_ store: any MessagingStore) -> LambdaFunction {
        let deps = CoreDependencies(store: store, gateway: LocalChannelGatewayStub(), clock: clock, ids: SequentialIDs(), events: RecordingEvents())
        let settings = CoreSettings(environment: "preview", sendMode: .dryRun, allowlist: ["phone-number-id-aaa"], metaApiVersion: "v20.0",
                                    smsPoolId: "pool", emailSender: "one@wecare.digital", mediaBucket: "b", incomingPrefix: "in/", outgoingPrefix: "out/")
        return LambdaFunction(.inboundWhatsappHandler, context: ServiceContext(deps: deps, settings: RuntimeSettings(settings),
                                                                              authenticator: .authorizerClaims, sns: nil, allowDevInbound: false))
    }

    /// An SNS event of two records: a message that cannot be read, and a text.
    func invocation() throws -> Invocation {
        func record(_ id: String, _ message: String) -> [String: Any] {
            ["EventSource": "aws:sns", "EventVersion": "1.0",
             "Sns": ["Type": "Notification", "MessageId": id, "TopicArn": "arn:aws:sns:us-east-1:123456789012:eum", "Message": message]]
        }
        let entry = #"{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"106540352242922"},"messages":[{"from":"16505551234","id":"wamid.T","timestamp":"1795000000","type":"text","text":{"body":"hi"}}]}}]}"#
        let text = #"{"context":{"MetaPhoneNumberIds":[{"metaPhoneNumberId":"106540352242922","arn":"arn:aws:social-messaging:us-east-1:123456789012:phone-number-id/aaa"}]},"whatsAppWebhookEntry":"#
            + jsonQuote(entry) + "}"
        let event: [String: Any] = ["Records": [record("sns-bad", "{not json"), record("sns-text", text)]]
        return Invocation(requestId: "inv-1", event: try JSONSerialization.data(withJSONObject: event), deadline: nil)
    }

    func testAnEventKeptInTheDLQTableLetsTheInvocationSucceed() async throws {
        let store = FaultyStore()
        _ = try await function(store).handle(try invocation())
        let kept = await store.base.dlqEntries(limit: 10, now: clock.now())
        XCTAssertEqual(kept.map(\.originalMessageId), ["sns-bad"])
        let stored = await store.base.message(whatsappId: "wamid.T")
        XCTAssertNotNil(stored)
    }

    func testAnEventNeitherStoredNorKeptFailsTheInvocationAfterTheOthersAreWorked() async throws {
        let store = FaultyStore()
        store.failDLQ = true
        do {
            _ = try await function(store).handle(try invocation())
            XCTFail("the unreadable record could not be kept: the invocation must fail")
        } catch let e as LambdaFunction.InboundNotStored {
            XCTAssertTrue(e.description.contains("sns-bad"), e.description)
        }
        let stored = await store.base.message(whatsappId: "wamid.T")
        XCTAssertNotNil(stored, "the record after it was still worked")
    }
}
