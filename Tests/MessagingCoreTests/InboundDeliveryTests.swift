import CoreTestSupport
import Foundation
import XCTest
@testable import MessagingCore

/// Nothing of an inbound event is lost: each message is stored or kept in the DLQ on its own, a
/// delivery that is neither fails, and a status that beats its message waits for it.
final class InboundDeliveryTests: XCTestCase {
    func text(_ id: String, from: String = "14255550150", body: String = "hello") -> [String: Any] {
        ["from": from, "id": id, "timestamp": "1795000000", "type": "text", "text": ["body": body]]
    }

    func testOneMalformedMessageIsKeptAloneAndItsSiblingsAreStored() async throws {
        let w = World()
        let noType: [String: Any] = ["from": "14255550150", "id": "wamid.NOTYPE", "timestamp": "1795000000"]
        let badSender = text("wamid.BADFROM", from: "not-a-number")
        let event = eumEvent(messages: [text("wamid.A"), noType, badSender, text("wamid.B")])
        let outcome = try await w.inbound.process(event, eventID: "sns-1")
        XCTAssertEqual(outcome.stored, ["wamid.A", "wamid.B"], "valid siblings are stored")
        XCTAssertEqual(outcome.deadLettered, ["wamid.NOTYPE", "wamid.BADFROM"])
        let kept = try await w.dlq.list()
        XCTAssertEqual(Set(kept.map(\.originalMessageId)), ["sns-1/wamid.NOTYPE", "sns-1/wamid.BADFROM"])
        // Each is kept as an event of its own, holding that message only.
        for entry in kept {
            let alone = try EUMEvent.decode(entry.payload)
            XCTAssertEqual(alone.parts.map(\.key), [String(entry.originalMessageId.dropFirst("sns-1/".count))])
        }
        // Replaying them stores nothing twice and keeps what still fails.
        let replay = try await w.dlq.replay()
        XCTAssertEqual(replay.failed.count, 2)
        let messages = try await w.deps.store.searchContacts("", limit: 10)
        XCTAssertEqual(messages.count, 1)
    }

    func testAMediaFetchThatFailsKeepsThatMessageAloneAndReplaysIt() async throws {
        let w = World()
        w.gateway.failDownloads = ["media-gone"]
        let image: [String: Any] = ["from": "14255550150", "id": "wamid.IMG", "timestamp": "1795000000", "type": "image",
                                    "image": ["mime_type": "image/jpeg", "sha256": "x", "id": "media-gone"]]
        let outcome = try await w.inbound.process(eumEvent(messages: [text("wamid.A"), image]), eventID: "sns-2")
        XCTAssertEqual(outcome.stored, ["wamid.A"])
        XCTAssertEqual(outcome.deadLettered, ["wamid.IMG"])
        w.gateway.failDownloads = []
        let replay = try await w.dlq.replay()
        XCTAssertEqual(replay.replayed.count, 1)
        let stored = try await w.deps.store.message(whatsappId: "wamid.IMG")
        XCTAssertNotNil(stored?.s3Key)
    }

    func testWhenTheDeadLetterCannotBeWrittenTheCallFailsSoTheEventIsDeliveredAgain() async throws {
        var w = World()
        let faulty = FaultyStore(w.store)
        w.faulty = faulty
        faulty.failInbound = true
        faulty.failDLQ = true
        do {
            _ = try await w.inbound.process(eumEvent(messages: [text("wamid.A")]), eventID: "sns-3")
            XCTFail("neither stored nor kept: the call must fail")
        } catch .internal(let why) {
            XCTAssertTrue(why.contains("deliver it again"), why)
        }
        do {
            _ = try await w.inbound.process("{not json", eventID: "sns-4")
            XCTFail("an unreadable event that cannot be kept must fail the call")
        } catch .internal {}
        // The redelivery, once the store is back, stores it.
        faulty.failInbound = false
        faulty.failDLQ = false
        let again = try await w.inbound.process(eumEvent(messages: [text("wamid.A")]), eventID: "sns-3")
        XCTAssertEqual(again.stored, ["wamid.A"])
        XCTAssertTrue(w.events.events.contains { $0.name == "inbound_not_kept" })
    }

    func testAStatusThatBeatsItsMessageIsParkedThenAppliedWhenTheSendIsStored() async throws {
        var w = World()
        w.settings.sendMode = .live
        let c = try await w.contact()
        // AWS answers SendWhatsAppMessage with provider-1; its `delivered` arrives before the send is stored.
        let status: [String: Any] = ["id": "wamid.OUT", "status": "delivered", "timestamp": "1795000100", "recipient_id": "919330994400"]
        let early = try await w.inbound.process(eumEvent(statuses: [status], messageId: "provider-1"), eventID: "sns-5")
        XCTAssertEqual(early.statusesParked, ["wamid.OUT"])
        XCTAssertEqual(early.statusesApplied, 0)
        let sent = try await w.pipeline.send(SendRequest(channel: .whatsapp, contactId: c.id, text: "hello"))
        XCTAssertEqual(sent.providerMessageId, "provider-1")
        let stored = try await w.deps.store.message(id: sent.id)
        XCTAssertEqual(stored?.status, .delivered, "the parked status is applied when its message appears")
        XCTAssertEqual(stored?.whatsappMessageId, "wamid.OUT")
        let left = try await w.deps.store.parkedStatus(whatsappId: "wamid.OUT")
        XCTAssertNil(left)
        // A later `read` finds the message by its WhatsApp id.
        let read: [String: Any] = ["id": "wamid.OUT", "status": "read", "timestamp": "1795000200", "recipient_id": "919330994400"]
        let later = try await w.inbound.process(eumEvent(statuses: [read]), eventID: "sns-6")
        XCTAssertEqual(later.statusesApplied, 1)
        let readBack = try await w.deps.store.message(id: sent.id)
        XCTAssertEqual(readBack?.status, .read)
    }

    func testAMessageStoredWhileItsStatusWasParkingGetsTheStatusFromTheParker() async throws {
        // The send's writer looked for parked statuses just before this one landed: the parker, which
        // looks for the message again after parking, applies it.
        var w = World()
        let faulty = FaultyStore(w.store)
        w.faulty = faulty
        let store = w.store
        let sent = Message(id: "out-1", contactId: "c", channel: .whatsapp, direction: .outbound, status: .sent, kind: "text", content: "hi",
                           timestamp: w.clock.now(), providerMessageId: "provider-9", expiresAt: 1_900_000_000)
        faulty.afterPark = { _ = await store.insertMessage(sent) }
        let status: [String: Any] = ["id": "wamid.RACE", "status": "read", "timestamp": "1795000100", "recipient_id": "919330994400"]
        let outcome = try await w.inbound.process(eumEvent(statuses: [status], messageId: "provider-9"), eventID: "sns-race")
        XCTAssertEqual(outcome.statusesApplied, 1)
        XCTAssertEqual(outcome.statusesParked, [])
        let stored = await store.message(id: "out-1")
        XCTAssertEqual(stored?.status, .read)
        XCTAssertEqual(stored?.whatsappMessageId, "wamid.RACE")
        let left = await store.parkedStatus(providerId: "provider-9")
        XCTAssertNil(left, "applied, so no longer parked")
    }

    func testAReactionWhoseRecordFailsIsSetAndItsReplayRecordsIt() async throws {
        var w = World()
        let faulty = FaultyStore(w.store)
        w.faulty = faulty
        let c = try await w.contact()
        var target = try await w.pipeline.send(SendRequest(channel: .whatsapp, contactId: c.id, text: "hello"))
        target.whatsappMessageId = "wamid.TARGET"
        try await w.deps.store.updateMessage(target)
        let reaction: [String: Any] = ["from": "919330994400", "id": "wamid.REACT", "timestamp": "1795000000", "type": "reaction",
                                       "reaction": ["message_id": "wamid.TARGET", "emoji": "🙏"]]
        faulty.failInbound = true
        let first = try await w.inbound.process(eumEvent(messages: [reaction]), eventID: "sns-react")
        XCTAssertEqual(first.deadLettered, ["wamid.REACT"])
        var reacted = try await w.deps.store.message(id: target.id)
        XCTAssertEqual(reacted?.reaction, "🙏", "set before it is recorded")
        faulty.failInbound = false
        let replay = try await w.dlq.replay()
        XCTAssertEqual(replay.replayed.count, 1)
        let recorded = try await w.deps.store.message(whatsappId: "wamid.REACT")
        XCTAssertEqual(recorded?.inbound?.content, .reaction(messageId: "wamid.TARGET", emoji: "🙏"))
        reacted = try await w.deps.store.message(id: target.id)
        XCTAssertEqual(reacted?.reaction, "🙏")
    }

    func testParkedStatusesKeepTheFurthestAndExpire() async throws {
        let w = World()
        for (n, s) in ["read", "delivered"].enumerated() {
            let status: [String: Any] = ["id": "wamid.X", "status": s, "timestamp": "1795000100", "recipient_id": "919330994400"]
            _ = try await w.inbound.process(eumEvent(statuses: [status]), eventID: "sns-\(n)")
        }
        let parked = try await w.deps.store.parkedStatus(whatsappId: "wamid.X")
        XCTAssertEqual(parked?.status, .read, "a late delivered does not replace a parked read")
        XCTAssertEqual(parked?.expiresAt, Int(w.clock.now().timeIntervalSince1970) + 7 * 86_400)
        _ = try await w.deps.store.purgeExpired(now: w.clock.now().addingTimeInterval(8 * 86_400))
        let gone = try await w.deps.store.parkedStatus(whatsappId: "wamid.X")
        XCTAssertNil(gone)
    }
}
