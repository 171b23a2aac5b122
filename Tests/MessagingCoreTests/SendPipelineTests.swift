import XCTest
@testable import MessagingCore

final class SendPipelineTests: XCTestCase {
    func refusal(_ w: World, _ r: SendRequest) async -> SendRefusal? {
        do {
            _ = try await w.pipeline.send(r)
            return nil
        } catch let CoreError.refused(reason, _) {
            return reason
        } catch {
            XCTFail("\(error)")
            return nil
        }
    }

    func testEveryRefusalPath() async throws {
        var w = World()
        let c = try await w.contact()
        let noOptIn = try await w.contact(phone: "+14255550150", email: "b@example.com", whatsapp: false, sms: false, mail: false)
        let noPhone = try await w.contact(phone: nil, email: "c@example.com")
        let deleted = try await w.contact(phone: "+14255550199", email: nil)
        try await w.contacts.delete(deleted.id)
        let r = await refusal(w, SendRequest(channel: .whatsapp, contactId: "missing", text: "hi"))
        XCTAssertEqual(r, .contactNotFound)
        var reason = await refusal(w, SendRequest(channel: .whatsapp, contactId: deleted.id, text: "hi"))
        XCTAssertEqual(reason, .contactDeleted)
        for channel in Channel.allCases {
            reason = await refusal(w, SendRequest(channel: channel, contactId: noOptIn.id, text: "hi", subject: "s"))
            XCTAssertEqual(reason, .optInRequired, channel.rawValue)
        }
        reason = await refusal(w, SendRequest(channel: .sms, contactId: noPhone.id, text: "hi"))
        XCTAssertEqual(reason, .noAddress)
        reason = await refusal(w, SendRequest(channel: .whatsapp, contactId: c.id, text: "hi", phoneNumberId: "phone-number-id-zzz"))
        XCTAssertEqual(reason, .notAllowlisted)
        w.settings.allowlist = []
        reason = await refusal(w, SendRequest(channel: .whatsapp, contactId: c.id, text: "hi"))
        XCTAssertEqual(reason, .notAllowlisted, "an empty allowlist refuses (fail-closed)")
        w = World()
        let fresh = try await w.contact()
        reason = await refusal(w, SendRequest(channel: .whatsapp, contactId: fresh.id, text: String(repeating: "a", count: 4097)))
        XCTAssertEqual(reason, .contentTooLong)
        reason = await refusal(w, SendRequest(channel: .sms, contactId: fresh.id, text: String(repeating: "a", count: 1601)))
        XCTAssertEqual(reason, .contentTooLong)
        reason = await refusal(w, SendRequest(channel: .email, contactId: fresh.id, text: "body"))
        XCTAssertEqual(reason, .contentInvalid, "email without subject")
        reason = await refusal(w, SendRequest(channel: .whatsapp, contactId: fresh.id, text: "a", template: .init(name: "t")))
        XCTAssertEqual(reason, .contentInvalid, "text and template together")
        XCTAssertTrue(w.events.events.contains { $0.1 == "send_refused" && $0.2["reason"] == "CONTENT_INVALID" && $0.2["contactId"] == fresh.id })
        XCTAssertTrue(w.gateway.sent.isEmpty)
    }

    func testWindowEdges() async throws {
        let w = World()
        let inside = try await w.contact(phone: "+14255550101", lastInbound: -(24 * 3600 - 1))
        let outside = try await w.contact(phone: "+14255550102", lastInbound: -(24 * 3600 + 1))
        let never = try await w.contact(phone: "+14255550103", lastInbound: nil)
        let ok = try await w.pipeline.send(SendRequest(channel: .whatsapp, contactId: inside.id, text: "hello"))
        XCTAssertEqual(ok.status, .dryRun)
        let closed = await refusal(w, SendRequest(channel: .whatsapp, contactId: outside.id, text: "hello"))
        XCTAssertEqual(closed, .templateRequired)
        let neverWrote = await refusal(w, SendRequest(channel: .whatsapp, contactId: never.id, text: "hello"))
        XCTAssertEqual(neverWrote, .templateRequired)
        XCTAssertTrue(w.events.events.contains { $0.0 == .warning && $0.2["reason"] == "TEMPLATE_REQUIRED" })
        let template = try await w.pipeline.send(SendRequest(channel: .whatsapp, contactId: outside.id, template: .init(name: "statement", parameters: ["1000"])))
        XCTAssertEqual(template.kind, "template", "templates go any time, counted apart")
    }

    func testDryRunRecordsTheWouldBeRequestAndCallsNothing() async throws {
        let w = World()
        let c = try await w.contact()
        let m = try await w.pipeline.send(SendRequest(channel: .whatsapp, contactId: c.id, text: "Hello from AWS"))
        XCTAssertEqual(m.status, .dryRun)
        // The SendWhatsAppMessage body itself, its message object base64-encoded as it travels.
        let meta = #"{"messaging_product":"whatsapp","recipient_type":"individual","to":"919330994400","type":"text","text":{"preview_url":false,"body":"Hello from AWS"}}"#
        XCTAssertEqual(m.wouldBeRequest, #"{"message":"\#(Data(meta.utf8).base64EncodedString())","metaApiVersion":"v20.0","originationPhoneNumberId":"phone-number-id-aaa"}"#)
        XCTAssertTrue(w.gateway.sent.isEmpty)
        let stored = try await w.deps.store.message(id: m.id)
        XCTAssertEqual(stored, m)
        XCTAssertEqual(m.expiresAt, Int(w.clock.now().timeIntervalSince1970) + 30 * 86_400)
    }

    func testLiveSendsAndProviderErrorsFailTheMessage() async throws {
        var w = World()
        w.settings.sendMode = .live
        let c = try await w.contact()
        let sms = try await w.pipeline.send(SendRequest(channel: .sms, contactId: c.id, text: "Your code is 1234"))
        XCTAssertEqual(sms.status, .sent)
        XCTAssertEqual(sms.providerMessageId, "provider-1")
        XCTAssertEqual(w.gateway.sent, [.sms(destination: "+919330994400", originationIdentity: "pool-1", body: "Your code is 1234")])
        let media = try await w.pipeline.send(SendRequest(channel: .whatsapp, contactId: c.id, media: .init(kind: "image", file: "x.jpg", caption: "hi")))
        XCTAssertEqual(media.mediaId, "media-1")
        w.gateway.failWith = ProviderError(code: "ThrottledRequestException", message: "slow down")
        let failed = try await w.pipeline.send(SendRequest(channel: .email, contactId: c.id, text: "t", subject: "s"))
        XCTAssertEqual(failed.status, .failed)
        XCTAssertEqual(failed.errorDetails, "ThrottledRequestException: slow down")
    }

    func testSegments() {
        XCTAssertEqual(SMSSegments.count(String(repeating: "a", count: 160)).segments, 1)
        XCTAssertEqual(SMSSegments.count(String(repeating: "a", count: 161)).segments, 2)
        XCTAssertEqual(SMSSegments.count(String(repeating: "a", count: 306)).segments, 2)
        XCTAssertEqual(SMSSegments.count(String(repeating: "a", count: 307)).segments, 3)
        XCTAssertEqual(SMSSegments.count(String(repeating: "€", count: 80)).units, 160, "extension characters count twice")
        XCTAssertEqual(SMSSegments.count(String(repeating: "€", count: 81)).segments, 2)
        let hindi = SMSSegments.count(String(repeating: "न", count: 70))
        XCTAssertEqual(hindi.encoding, .ucs2)
        XCTAssertEqual(hindi.segments, 1)
        XCTAssertEqual(SMSSegments.count(String(repeating: "न", count: 71)).segments, 2)
        XCTAssertEqual(SMSSegments.count(String(repeating: "😀", count: 35)).units, 70, "UTF-16 code units")
    }
}
