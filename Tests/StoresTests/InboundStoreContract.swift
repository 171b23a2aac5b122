import Foundation
import MessagingCore
import XCTest

/// What inbound needs of a store (part of `MessagingStoreContract`): windows per contact and
/// business number with the newest profile name, typed details and reactions, parked statuses, and
/// outbound messages found by provider id.
protocol InboundStoreContract: StoreFixtures {}

extension InboundStoreContract {
    func inbound(_ id: String, wamid: String, at offset: TimeInterval, number: String?) -> Message {
        var m = message(id, contact: "?", wamid: wamid, at: offset)
        m.phoneNumberId = number
        return m
    }

    func checkWindowsPerBusinessNumberAndTheNewestProfileName(_ s: some MessagingStore) async throws {
        let sender = { (name: String?) in Contact(id: "c-\(name ?? "none")", name: name, phone: "+16505551234", email: nil, createdAt: t0, updatedAt: t0) }
        let first = try await s.recordInbound(inbound("m1", wamid: "wamid.1", at: 10, number: "phone-number-id-aaa"), sender: sender("Kerry"), updatedAt: t0)
        XCTAssertTrue(first.stored)
        _ = try await s.recordInbound(inbound("m2", wamid: "wamid.2", at: 20, number: "phone-number-id-bbb"), sender: sender("Kerry Fisher"), updatedAt: t0)
        _ = try await s.recordInbound(inbound("m3", wamid: "wamid.3", at: 5, number: "phone-number-id-aaa"), sender: sender("Old Name"), updatedAt: t0)
        _ = try await s.recordInbound(inbound("m4", wamid: "wamid.4", at: 30, number: nil), sender: sender(nil), updatedAt: t0)
        let windows = try await s.inboundWindows(contactId: first.contactId)
        XCTAssertEqual(windows, ["phone-number-id-aaa": t0.addingTimeInterval(10), "phone-number-id-bbb": t0.addingTimeInterval(20)],
                       "one window per business number, moving only forward")
        let contact = try await s.contact(id: first.contactId)
        XCTAssertEqual(contact?.name, "Kerry Fisher", "the newest message's profile name; an older one and none change nothing")
        XCTAssertEqual(contact?.lastInboundMessageAt, t0.addingTimeInterval(30))
        let none = try await s.inboundWindows(contactId: "nobody")
        XCTAssertEqual(none, [:])
    }

    func checkDetailsAndReactionsRoundTrip(_ s: some MessagingStore) async throws {
        var m = inbound("m1", wamid: "wamid.1", at: 0, number: "phone-number-id-aaa")
        m.kind = "location"
        m.inbound = InboundDetails(content: .location(location: InboundLocation(latitude: 37.483307, longitude: -122.148981, name: "HQ")),
                                   context: ReplyContext(id: "wamid.0", from: "15550783881"), referral: Referral(sourceType: "ad", ctwaClid: "abc"),
                                   metaPhoneNumberId: "106540352242922", displayPhoneNumber: "15550783881")
        _ = try await s.recordInbound(m, sender: contact("c1", phone: "+16505551234"), updatedAt: t0)
        let readBefore = try await s.message(id: "m1")
        try await s.setReaction(messageId: "m1", emoji: "❤️")
        var back = try await s.message(id: "m1")
        XCTAssertEqual(back?.inbound, m.inbound)
        XCTAssertEqual(back?.reaction, "❤️")
        // Only setReaction changes it: a write of the message as read before keeps it.
        var stale = try XCTUnwrap(readBefore)
        stale.status = .read
        try await s.updateMessage(stale)
        back = try await s.message(id: "m1")
        XCTAssertEqual(back?.reaction, "❤️")
        try await s.setReaction(messageId: "m1", emoji: nil)
        back = try await s.message(id: "m1")
        XCTAssertNil(back?.reaction)
        do {
            try await s.setReaction(messageId: "missing", emoji: "👍")
            XCTFail("no such message")
        } catch StoreError.notFound {}
    }

    func checkParkedStatuses(_ s: some MessagingStore) async throws {
        let delivered = ParkedStatus(whatsappMessageId: "wamid.X", providerMessageId: "prov-X", status: .delivered, error: nil, expiresAt: 1_900_000_000)
        try await s.parkStatus(delivered)
        try await s.parkStatus(ParkedStatus(whatsappMessageId: "wamid.X", providerMessageId: "prov-X", status: .sent, error: nil, expiresAt: 1_900_000_000))
        var byWamid = try await s.parkedStatus(whatsappId: "wamid.X")
        XCTAssertEqual(byWamid, delivered, "a status not as far along does not replace a parked one")
        let failed = ParkedStatus(whatsappMessageId: "wamid.X", providerMessageId: "prov-X", status: .failed, error: "131047 x: y", expiresAt: 1_900_000_000)
        try await s.parkStatus(failed)
        let byProvider = try await s.parkedStatus(providerId: "prov-X")
        XCTAssertEqual(byProvider, failed)
        try await s.deleteParkedStatus(failed)
        byWamid = try await s.parkedStatus(whatsappId: "wamid.X")
        let gone = try await s.parkedStatus(providerId: "prov-X")
        XCTAssertNil(byWamid)
        XCTAssertNil(gone)
    }

    func checkParkedReactions(_ s: some MessagingStore) async throws {
        let later = ParkedReaction(whatsappMessageId: "wamid.R", emoji: "❤️", reactedAt: t0.addingTimeInterval(10), expiresAt: 1_900_000_000)
        try await s.parkReaction(later)
        try await s.parkReaction(ParkedReaction(whatsappMessageId: "wamid.R", emoji: "👍", reactedAt: t0, expiresAt: 1_900_000_000))
        var parked = try await s.parkedReaction(whatsappId: "wamid.R")
        XCTAssertEqual(parked, later, "an earlier reaction does not replace a later one")
        let removed = ParkedReaction(whatsappMessageId: "wamid.R", emoji: nil, reactedAt: t0.addingTimeInterval(20), expiresAt: 1_900_000_000)
        try await s.parkReaction(removed)
        parked = try await s.parkedReaction(whatsappId: "wamid.R")
        XCTAssertEqual(parked, removed)
        try await s.deleteParkedReaction(whatsappId: "wamid.R")
        parked = try await s.parkedReaction(whatsappId: "wamid.R")
        XCTAssertNil(parked)
    }

    func checkOutboundMessagesAreFoundByProviderId(_ s: some MessagingStore) async throws {
        let out = Message(id: "o1", contactId: "c", channel: .whatsapp, direction: .outbound, status: .sent, kind: "text", content: "hi",
                          timestamp: t0, providerMessageId: "prov-1", expiresAt: 1_900_000_000)
        _ = try await s.insertMessage(out)
        // An inbound message carries its event's id, shared by the event's messages: never found by it.
        var incoming = inbound("i1", wamid: "wamid.in", at: 0, number: nil)
        incoming.providerMessageId = "event-1"
        _ = try await s.recordInbound(incoming, sender: contact("c2", phone: "+16505550000"), updatedAt: t0)
        var sibling = inbound("i2", wamid: "wamid.in2", at: 0, number: nil)
        sibling.providerMessageId = "event-1"
        let second = try await s.recordInbound(sibling, sender: contact("c2", phone: "+16505550000"), updatedAt: t0)
        XCTAssertTrue(second.stored, "messages of one event share its id")
        let found = try await s.message(providerId: "prov-1")
        XCTAssertEqual(found?.id, "o1")
        let inboundById = try await s.message(providerId: "event-1")
        XCTAssertNil(inboundById)
        // A provider id learned later (a send recorded first, answered after) is found too.
        var late = Message(id: "o2", contactId: "c", channel: .whatsapp, direction: .outbound, status: .dryRun, kind: "text", content: "hi",
                           timestamp: t0, expiresAt: 1_900_000_000)
        _ = try await s.insertMessage(late)
        late.providerMessageId = "prov-2"
        late.status = .sent
        try await s.updateMessage(late)
        let learned = try await s.message(providerId: "prov-2")
        XCTAssertEqual(learned?.id, "o2")
    }
}
