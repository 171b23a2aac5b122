import Foundation
import XCTest
@testable import MessagingCore

/// Every kind of WhatsApp message in Meta's webhook format, as AWS delivers it: kept whole, typed.
/// The fixtures (`Fixtures/`) are Meta's documented shapes, wrapped in AWS's documented event header.
final class InboundKindsTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
    }

    /// The event AWS publishes for a Meta entry. Its context lists two business numbers, and the one
    /// the message was sent to (`106540352242922`) is the second.
    static func event(entry name: String, listing numbers: [(meta: String, aws: String)] = [("106540352242999", "bbb"), ("106540352242922", "aaa")]) throws -> String {
        let entry = try JSONSerialization.jsonObject(with: Data(fixture("whatsapp-entry-\(name).json").utf8))
        let entryText = String(decoding: try JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys]), as: UTF8.self)
        let event: [String: Any] = [
            "context": ["MetaWabaIds": [["wabaId": "102290129340398", "arn": "arn:aws:social-messaging:us-east-1:123456789012:waba/fb2594b8a7974770b128a409e2example"]],
                        "MetaPhoneNumberIds": numbers.map { ["metaPhoneNumberId": $0.meta, "arn": "arn:aws:social-messaging:us-east-1:123456789012:phone-number-id/\($0.aws)"] }],
            "whatsAppWebhookEntry": entryText, "aws_account_id": "123456789012", "message_timestamp": "2025-06-08T20:59:43.271279391Z",
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Stores the fixture's one message and reads it back.
    func stored(_ name: String, in w: World = World()) async throws -> Message {
        let outcome = try await w.inbound.process(try Self.event(entry: name), eventID: "sns-\(name)")
        XCTAssertEqual(outcome.stored.count, 1, "\(name): \(outcome)")
        XCTAssertEqual(outcome.deadLettered, [], name)
        let found = try await w.deps.store.message(whatsappId: try XCTUnwrap(outcome.stored.first))
        return try XCTUnwrap(found, name)
    }

    func testTextKeepsItsBodyAndTheBusinessNumberOfItsOwnMetadata() async throws {
        let m = try await stored("text")
        XCTAssertEqual(m.kind, "text")
        XCTAssertEqual(m.content, "Does it come in another color?")
        XCTAssertEqual(m.phoneNumberId, "phone-number-id-aaa", "the context's entry for metadata.phone_number_id, not its first")
    }

    func testMediaOfEveryKindKeepsItsAttributesAndIsFetchedWhereAWSPutsIt() async throws {
        let expected: [String: InboundMedia] = [
            "image": InboundMedia(kind: "image", id: "530339869524171", mimeType: "image/jpeg", sha256: "BTD0xlqSZ7l02o+/upusiNStlEZhA/urkvKf143Uqjk=", caption: "Like this one?"),
            "video": InboundMedia(kind: "video", id: "1104480873777230", mimeType: "video/mp4", sha256: "kUEqoNJ0sn4pSVlyqLA+YUTEPqd7Sc9Tg0gbeiPXKW8=", caption: "How it looks on"),
            "audio": InboundMedia(kind: "audio", id: "1003383421387256", mimeType: "audio/ogg; codecs=opus", sha256: "Zt6ATdA9S8F5xGa4YJ8BfuCjbbAUSfNMTBNk+nZ0ny0=", voice: true),
            "document": InboundMedia(kind: "document", id: "1209561817390120", mimeType: "application/pdf", sha256: "Kq3n4QydxvLQ7lPmh2zPMuqoJX07VlVexvBC5L9rWpU=",
                                     caption: "Signed form", filename: "order-form.pdf"),
            "sticker": InboundMedia(kind: "sticker", id: "1003383421387257", mimeType: "image/webp", sha256: "CqRlkxQlq1pCVLeMBcqqjQNvDILTZXOVYpXCkd6ZEYU=", animated: false),
        ]
        for (kind, media) in expected {
            let w = World()
            let m = try await stored(kind, in: w)
            XCTAssertEqual(m.inbound?.content, .media(media: media), kind)
            XCTAssertEqual(m.mediaId, media.id)
            // GetWhatsAppMessageMedia's key is a prefix; AWS writes the object at prefix + media id.
            XCTAssertEqual(w.gateway.downloadPrefix, "in/\(m.id)/", kind)
            XCTAssertEqual(m.s3Key, "in/\(m.id)/\(media.id)", kind)
            XCTAssertEqual(w.gateway.downloadPhoneNumberId, "phone-number-id-aaa", kind)
            let records = await w.store.mediaRecords
            XCTAssertEqual(records.map(\.s3Key), [m.s3Key!], kind)
        }
        let document = try await stored("document")
        XCTAssertEqual(document.content, "Signed form")
        if case .media(let d) = document.inbound?.content { XCTAssertEqual(d.filename, "order-form.pdf") } else { XCTFail("a document") }
    }

    func testLocationContactsRepliesButtonsAndSystemMessagesAreTyped() async throws {
        let location = try await stored("location")
        XCTAssertEqual(location.inbound?.content, .location(location: InboundLocation(latitude: 37.483307, longitude: -122.148981, name: "Meta Headquarters",
                                                                            address: "1 Hacker Way, Menlo Park, CA 94025", url: "https://www.meta.com")))
        XCTAssertEqual(location.content, "Meta Headquarters, 1 Hacker Way, Menlo Park, CA 94025")
        XCTAssertEqual(location.inbound?.json, #"{"content":{"location":{"location":{"address":"1 Hacker Way, Menlo Park, CA 94025","latitude":37.483307,"#
                       + #""longitude":-122.148981,"name":"Meta Headquarters","url":"https://www.meta.com"}}},"displayPhoneNumber":"15550783881","#
                       + #""metaPhoneNumberId":"106540352242922"}"#, "stored as JSON with sorted keys")

        let contacts = try await stored("contacts")
        guard case .contacts(let cards) = contacts.inbound?.content, let card = cards.first else { return XCTFail("contacts") }
        XCTAssertEqual(card.name, "Barbara J. Johnson")
        XCTAssertEqual(card.phones, [SharedContact.Phone(phone: "+1 (650) 555-1234", waId: "16505551234", type: "WORK")])
        for kept in ["bjohnson@example.com", "Example, Inc.", "1 Hacker Way", "1999-01-23", "https://www.example.com"] {
            XCTAssertTrue(card.card.contains(kept), "the whole card is kept: \(kept)")
        }

        let button = try await stored("interactive-button-reply")
        XCTAssertEqual(button.inbound?.content, .buttonReply(id: "unique-postback-id", title: "Yes, confirm"))
        XCTAssertEqual(button.content, "Yes, confirm")
        XCTAssertEqual(button.inbound?.context?.id, "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBMTM4NDdGRENEREI5RkY0RjQ5QUEA")

        let list = try await stored("interactive-list-reply")
        XCTAssertEqual(list.inbound?.content, .listReply(id: "priority-express", title: "Express shipping", description: "Next-day delivery"))

        let quickReply = try await stored("button")
        XCTAssertEqual(quickReply.inbound?.content, .button(payload: "TRACK_ORDER_123", text: "Track my order"))
        XCTAssertEqual(quickReply.content, "Track my order")

        let unsupported = try await stored("unsupported")
        XCTAssertEqual(unsupported.inbound?.content, .unsupported(errors: ["131051 Message type unknown: Message type is currently not supported."]))

        let system = try await stored("system")
        XCTAssertEqual(system.inbound?.content, .system(body: "User Kerry Fisher changed from 16505551234 to 16505559876", type: "user_changed_number",
                                                        newWaId: "16505559876"))
    }

    func testReplyContextAndReferralAreKept() async throws {
        let reply = try await stored("text-reply")
        XCTAssertEqual(reply.inbound?.context, ReplyContext(id: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RDUzNzQ5QkQ5RkY0RjQ5QUEA", from: "15550783881"))
        XCTAssertEqual(reply.content, "Yes, the blue one please")
        let referred = try await stored("text-referral")
        XCTAssertEqual(referred.inbound?.referral?.sourceType, "ad")
        XCTAssertEqual(referred.inbound?.referral?.sourceId, "120226305854810726")
        XCTAssertEqual(referred.inbound?.referral?.headline, "Chat with us")
        XCTAssertEqual(referred.inbound?.referral?.ctwaClid?.hasPrefix("Aff-n8ZTODiE"), true)
    }

    func testAReactionIsAppliedToTheMessageItReactsTo() async throws {
        let w = World()
        let c = try await w.contact(phone: "+16505551234")
        var sent = try await w.pipeline.send(SendRequest(channel: .whatsapp, contactId: c.id, text: "Your order has shipped"))
        sent.whatsappMessageId = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RDUzNzQ5QkQ5RkY0RjQ5QUEA"
        try await w.deps.store.updateMessage(sent)
        let reaction = try await stored("reaction", in: w)
        XCTAssertEqual(reaction.inbound?.content, .reaction(messageId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RDUzNzQ5QkQ5RkY0RjQ5QUEA", emoji: "👍"))
        let target = try await w.deps.store.message(id: sent.id)
        XCTAssertEqual(target?.reaction, "👍")
        // A status written from a read made before the reaction does not take it away.
        var stale = sent
        stale.status = .read
        try await w.deps.store.updateMessage(stale)
        let after = try await w.deps.store.message(id: sent.id)
        XCTAssertEqual(after?.status, .read)
        XCTAssertEqual(after?.reaction, "👍")
    }

    func testAReactionToAMessageNotKnownByItsWhatsAppIdYetIsSetWhenItsFirstStatusComes() async throws {
        var w = World()
        w.settings.sendMode = .live
        let c = try await w.contact(phone: "+16505551234")
        let sent = try await w.pipeline.send(SendRequest(channel: .whatsapp, contactId: c.id, text: "Your order has shipped"))
        let reaction = try await stored("reaction", in: w)
        XCTAssertNotNil(reaction.inbound)
        let waiting = try await w.deps.store.parkedReaction(whatsappId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RDUzNzQ5QkQ5RkY0RjQ5QUEA")
        XCTAssertEqual(waiting?.emoji, "👍")
        // The send's `sent` status, naming its provider id, teaches the message its WhatsApp id.
        let status: [String: Any] = ["id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RDUzNzQ5QkQ5RkY0RjQ5QUEA", "status": "sent", "timestamp": "1795000100",
                                     "recipient_id": "16505551234"]
        _ = try await w.inbound.process(eumEvent(statuses: [status], messageId: sent.providerMessageId), eventID: "sns-sent")
        let target = try await w.deps.store.message(id: sent.id)
        XCTAssertEqual(target?.reaction, "👍")
        XCTAssertEqual(target?.status, .sent)
        let left = try await w.deps.store.parkedReaction(whatsappId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RDUzNzQ5QkQ5RkY0RjQ5QUEA")
        XCTAssertNil(left)
    }

    func testANewProfileNameUpdatesTheContact() async throws {
        let w = World()
        let c = try await w.contact(phone: "+16505551234", lastInbound: nil)
        XCTAssertEqual(c.name, "Asha")
        _ = try await stored("text", in: w)
        let renamed = try await w.deps.store.contact(id: c.id)
        XCTAssertEqual(renamed?.name, "Kerry Fisher")
    }

    func testTheWindowIsPerContactAndBusinessNumber() async throws {
        var w = World()
        w.settings.allowlist = ["phone-number-id-aaa", "phone-number-id-bbb"]
        let c = try await w.contact(phone: "+16505551234", lastInbound: nil)
        _ = try await stored("text", in: w)   // to 106540352242922, AWS's phone-number-id-aaa
        w.clock.advance(1_749_416_383 + 3600 - w.clock.now().timeIntervalSince1970)   // an hour after it
        let opened = try await w.pipeline.send(SendRequest(channel: .whatsapp, contactId: c.id, text: "Blue is in stock", phoneNumberId: "phone-number-id-aaa"))
        XCTAssertEqual(opened.status, .dryRun)
        do {
            _ = try await w.pipeline.send(SendRequest(channel: .whatsapp, contactId: c.id, text: "Blue is in stock", phoneNumberId: "phone-number-id-bbb"))
            XCTFail("the contact never wrote to phone-number-id-bbb: its window is closed")
        } catch .refused(let reason, _) {
            XCTAssertEqual(reason, .templateRequired)
        }
        let windows = try await w.deps.store.inboundWindows(contactId: c.id)
        XCTAssertEqual(windows, ["phone-number-id-aaa": Date(timeIntervalSince1970: 1_749_416_383)])
    }

    func testATextToANumberTheContextDoesNotListIsStoredAndOpensNoWindowASendCanUse() async throws {
        let w = World()
        let c = try await w.contact(phone: "+16505551234", lastInbound: nil)
        let outcome = try await w.inbound.process(try Self.event(entry: "text", listing: [("106540352242999", "bbb")]), eventID: "sns-unlisted")
        XCTAssertEqual(outcome.stored.count, 1)
        let m = try await w.deps.store.message(whatsappId: try XCTUnwrap(outcome.stored.first))
        XCTAssertNil(m?.phoneNumberId, "not guessed")
        XCTAssertEqual(m?.inbound?.metaPhoneNumberId, "106540352242922")
        let windows = try await w.deps.store.inboundWindows(contactId: c.id)
        XCTAssertEqual(Array(windows.keys), ["106540352242922"])
        w.clock.advance(1_749_416_383 + 3600 - w.clock.now().timeIntervalSince1970)
        do {
            _ = try await w.pipeline.send(SendRequest(channel: .whatsapp, contactId: c.id, text: "hi", phoneNumberId: "phone-number-id-aaa"))
            XCTFail("no window with any number a send can name")
        } catch .refused(let reason, _) {
            XCTAssertEqual(reason, .templateRequired)
        }
    }

    func testAWSsDocumentedImageEventNamesABusinessNumberItsContextDoesNotList() async throws {
        // AWS's sample: the header lists metaPhoneNumberId abcde1234567890, the entry's metadata says
        // 321010217760100. The media cannot be fetched for an unknown number: kept in the DLQ, not guessed.
        let w = World()
        let outcome = try await w.inbound.process(try Self.fixture("eum-event-image.json"), eventID: "sns-aws-image")
        XCTAssertEqual(outcome.deadLettered, ["wamid.HBgLMTQyNTY5ODgzMDIVAgASGCBDNzBDRjM5MDU2ODEwMDkwREY4ODBDRDE0RjVGRkexample"])
        XCTAssertEqual(w.gateway.downloads, 0)
        let kept = try await w.dlq.list()
        XCTAssertEqual(kept.map(\.originalMessageId), ["sns-aws-image"])
        XCTAssertTrue(kept.first?.error.contains("321010217760100") == true, kept.first?.error ?? "")
    }

    func testAWSsDocumentedStatusEventsDecode() throws {
        let sent = try EUMEvent.decode(try Self.fixture("eum-event-status-sent.json"))
        XCTAssertEqual(sent.statuses.map(\.status), ["sent"])
        XCTAssertEqual(sent.messageId, "6d69f07a-c317-4278-9d5c-6a84078419ec")
        let failed = try EUMEvent.decode(try Self.fixture("eum-event-status-failed.json"))
        XCTAssertEqual(failed.statuses.first?.error,
                       "131047 Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.")
    }
}
