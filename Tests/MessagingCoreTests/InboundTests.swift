import XCTest
@testable import MessagingCore

final class InboundTests: XCTestCase {
    let text: [String: Any] = ["from": "14255550150", "id": "wamid.ONE", "timestamp": "1795000000", "type": "text", "text": ["body": "Hi 😀"]]

    func testUnknownSenderBecomesAContactWithOptInsFalseAndOpensTheWindow() async throws {
        let w = World()
        let outcome = try await w.inbound.process(eumEvent(messages: [text]), eventID: "sns-1")
        XCTAssertEqual(outcome.stored, ["wamid.ONE"])
        let v1 = try await w.deps.store.contact(phone: "+14255550150")
        let contact = try XCTUnwrap(v1)
        XCTAssertEqual(contact.name, "Diego")
        XCTAssertFalse(contact.optInWhatsApp || contact.optInSms || contact.optInEmail)
        XCTAssertEqual(contact.lastInboundMessageAt, Date(timeIntervalSince1970: 1_795_000_000))
        let v2 = try await w.deps.store.message(whatsappId: "wamid.ONE")
        let stored = try XCTUnwrap(v2)
        XCTAssertEqual(stored.content, "Hi 😀")
        XCTAssertEqual(stored.phoneNumberId, "phone-number-id-aaa")
    }

    func testTheSameEventTenTimesConcurrentlyIsStoredOnce() async throws {
        let w = World()
        let payload = eumEvent(messages: [text])
        let inbound = w.inbound
        let outcomes = await withTaskGroup(of: InboundProcessor.Outcome?.self) { group in
            for i in 0..<10 { group.addTask { try? await inbound.process(payload, eventID: "sns-\(i)") } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(outcomes.compactMap { $0 }.flatMap(\.stored).count, 1)
        let v3 = try await w.deps.store.contact(phone: "+14255550150")
        let contact = try XCTUnwrap(v3)
        let v4 = try await w.deps.store.messages(contactId: contact.id, before: nil, limit: 10, now: w.clock.now()).count
        XCTAssertEqual(v4, 1)
        let v5 = try await w.deps.store.searchContacts("", limit: 10).count
        XCTAssertEqual(v5, 1, "one contact, even under concurrent deliveries")
    }

    func testMediaIsDownloadedToTheIncomingPrefix() async throws {
        let w = World()
        let image: [String: Any] = ["from": "14255550150", "id": "wamid.IMG", "timestamp": "1795000000", "type": "image",
                                    "image": ["mime_type": "image/jpeg", "sha256": "x", "id": "530339869524171", "caption": "look"]]
        _ = try await w.inbound.process(eumEvent(messages: [image]), eventID: "sns-1")
        let v6 = try await w.deps.store.message(whatsappId: "wamid.IMG")
        let m = try XCTUnwrap(v6)
        // GetWhatsAppMessageMedia takes a key prefix and stores the object at prefix + media id.
        XCTAssertEqual(w.gateway.downloadPrefix, "in/\(m.id)/")
        XCTAssertEqual(m.s3Key, "in/\(m.id)/530339869524171")
        XCTAssertEqual(m.content, "look")
        let media = await w.store.mediaRecords
        XCTAssertEqual(media.first?.whatsappMediaId, "530339869524171")
        XCTAssertEqual(w.gateway.downloads, 1)
    }

    func testStatusUpdatesApplyInOrder() async throws {
        let w = World()
        let c = try await w.contact()
        var sent = try await w.pipeline.send(SendRequest(channel: .whatsapp, contactId: c.id, text: "hello"))
        sent.whatsappMessageId = "wamid.OUT"
        try await w.deps.store.updateMessage(sent)
        func status(_ s: String, error: [[String: Any]]? = nil) -> String {
            var st: [String: Any] = ["id": "wamid.OUT", "status": s, "timestamp": "1795000100", "recipient_id": "919330994400"]
            if let error { st["errors"] = error }
            return eumEvent(statuses: [st])
        }
        _ = try await w.inbound.process(status("read"), eventID: "a")
        _ = try await w.inbound.process(status("delivered"), eventID: "b")
        let v7 = try await w.deps.store.message(id: sent.id)?.status
        XCTAssertEqual(v7, .read, "a late delivered never overwrites read")
        _ = try await w.inbound.process(status("failed", error: [["code": 131047, "title": "Re-engagement message", "error_data": ["details": "24 hours passed"]]]), eventID: "c")
        let failed = try await w.deps.store.message(id: sent.id)
        XCTAssertEqual(failed?.status, .failed)
        XCTAssertEqual(failed?.errorDetails, "131047 Re-engagement message: 24 hours passed")
    }

    func testAFailingEventGoesToTheDLQAndReplays() async throws {
        let w = World()
        await XCTAssertThrowsAsync({ try await w.inbound.process("{not json", eventID: "sns-bad") })
        // An event whose one message cannot be read: the message is kept, and the call succeeds.
        let bad2 = try await w.inbound.process(#"{"whatsAppWebhookEntry": "{\"changes\":[{\"value\":{\"messages\":[{\"id\":\"x\"}]}}]}"}"#, eventID: "sns-bad2")
        XCTAssertEqual(bad2.deadLettered, ["x"])
        var entries = try await w.dlq.list()
        XCTAssertEqual(entries.map(\.originalMessageId).sorted(), ["sns-bad", "sns-bad2"])
        XCTAssertEqual(entries.first?.expiresAt, Int(w.clock.now().timeIntervalSince1970) + 7 * 86_400)

        // A good event whose first processing failed: replay stores it and empties the entry.
        try await w.deps.store.insertDLQ(DLQEntry(id: "d-good", originalMessageId: "sns-good", queue: "inbound-dlq", payload: eumEvent(messages: [text]),
                                             error: "timeout", retryCount: 0, lastAttemptAt: w.clock.now(), expiresAt: Int(w.clock.now().timeIntervalSince1970) + 999))
        try await w.deps.store.insertDLQ(DLQEntry(id: "d-dup", originalMessageId: "sns-good", queue: "inbound-dlq", payload: eumEvent(messages: [text]),
                                             error: "timeout", retryCount: 0, lastAttemptAt: w.clock.now().addingTimeInterval(1), expiresAt: Int(w.clock.now().timeIntervalSince1970) + 999))
        try await w.deps.store.insertDLQ(DLQEntry(id: "d-tired", originalMessageId: "sns-tired", queue: "inbound-dlq", payload: "{}",
                                             error: "x", retryCount: 5, lastAttemptAt: w.clock.now(), expiresAt: Int(w.clock.now().timeIntervalSince1970) + 999))
        let result = try await w.dlq.replay()
        XCTAssertEqual(result.replayed, ["d-good"])
        XCTAssertEqual(result.skippedDuplicates, ["d-dup"])
        XCTAssertEqual(result.exhausted, ["d-tired"])
        XCTAssertEqual(Set(result.failed).count, 2)
        entries = try await w.dlq.list()
        XCTAssertEqual(entries.filter { $0.originalMessageId == "sns-bad" }.first?.retryCount, 1)
        let v8 = try await w.deps.store.message(whatsappId: "wamid.ONE")
        XCTAssertNotNil(v8)
        await XCTAssertThrowsAsync({ try await w.dlq.replay(limit: 101) })
    }

    func testNanosecondTimestamps() {
        let d = EUMEvent.parseRFC3339("2025-01-08T23:30:43.271279391Z")!
        XCTAssertEqual(d.timeIntervalSince1970, 1_736_379_043.271279, accuracy: 0.000001)
        // The hand parser agrees with the formatter on whole seconds, offsets and leap days, and refuses what RFC 3339 does.
        let formatter = ISO8601DateFormatter()
        for text in ["1970-01-01T00:00:00Z", "2024-02-29T12:34:56Z", "2000-03-01T00:00:00+05:30", "1999-12-31T23:59:59-08:00", "2026-11-22T05:03:09z"] {
            XCTAssertEqual(EUMEvent.parseRFC3339(text), formatter.date(from: text.uppercased()), text)
        }
        for bad in ["", "2025-01-08", "2025-13-01T00:00:00Z", "2025-01-08T23:30:43", "2025-01-08T23:30:43.Z", "2025-01-08T23:30:43Zjunk"] {
            XCTAssertNil(EUMEvent.parseRFC3339(bad), bad)
        }
    }

    func testAcknowledgeObeysSendMode() async throws {
        var w = World()
        w.settings.autoAcknowledge = true
        _ = try await w.inbound.process(eumEvent(messages: [text]), eventID: "s")
        XCTAssertTrue(w.gateway.sent.isEmpty)
        XCTAssertEqual(w.events.events.filter { $0.1 == "dry_run_acknowledge" }.count, 2)
        w = World()
        w.settings.autoAcknowledge = true
        w.settings.sendMode = .live
        _ = try await w.inbound.process(eumEvent(messages: [text]), eventID: "s")
        XCTAssertEqual(w.gateway.sent.count, 2, "read receipt and reaction")
    }

    func testRoleMatrix() {
        XCTAssertTrue(Permission.readContacts.allowed(for: .viewer))
        XCTAssertFalse(Permission.sendMessages.allowed(for: .viewer))
        XCTAssertTrue(Permission.sendMessages.allowed(for: .operator))
        XCTAssertFalse(Permission.readAudit.allowed(for: .operator))
        XCTAssertTrue(Permission.allCases.allSatisfy { $0.allowed(for: .admin) })
    }
}
