import XCTest
@testable import MessagingCore

final class ContactTests: XCTestCase {
    func testCreateDefaultsEveryOptInToFalseAndNormalizesThePhone() async throws {
        let w = World()
        let c = try await w.contacts.create(.init(name: " Asha ", phone: "+91 93309 94400"))
        XCTAssertEqual(c.phone, "+919330994400")
        XCTAssertEqual(c.name, "Asha")
        XCTAssertFalse(c.optInWhatsApp || c.optInSms || c.optInEmail)
    }

    func testPhoneOrEmailIsRequired() async {
        await XCTAssertThrowsAsync({ try await World().contacts.create(.init(name: "Nobody")) }) {
            XCTAssertEqual($0, .invalid("a contact needs a phone number or an email address (Req 2.2)"))
        }
    }

    func testOnePhoneOneContact() async throws {
        let w = World()
        _ = try await w.contacts.create(.init(phone: "+919330994400"))
        await XCTAssertThrowsAsync({ try await w.contacts.create(.init(phone: "0091 9330994400")) }) { XCTAssertEqual($0.code, "CONFLICT") }
    }

    func testUpdateChangesOptInsOnlyWhenGiven() async throws {
        let w = World()
        let c = try await w.contacts.create(.init(name: "A", phone: "+919330994400", optInSms: true))
        let renamed = try await w.contacts.update(c.id, .init(name: "B"))
        XCTAssertTrue(renamed.optInSms)
        XCTAssertFalse(renamed.optInWhatsApp)
        let changed = try await w.contacts.update(c.id, .init(optInSms: false, optInEmail: true))
        XCTAssertFalse(changed.optInSms)
        XCTAssertTrue(changed.optInEmail)
    }

    func testSoftDeleteAndSearch() async throws {
        let w = World()
        let a = try await w.contacts.create(.init(name: "Asha Rao", phone: "+919330994400"))
        _ = try await w.contacts.create(.init(name: "Vikram", email: "VIKRAM@Example.com"))
        let v1 = try await w.contacts.search("asha").map(\.id)
        XCTAssertEqual(v1, [a.id])
        let v2 = try await w.contacts.search("vikram@example").count
        XCTAssertEqual(v2, 1)
        let v3 = try await w.contacts.search("9330994").map(\.id)
        XCTAssertEqual(v3, [a.id])
        try await w.contacts.delete(a.id)
        let v4 = try await w.contacts.search("asha")
        XCTAssertEqual(v4, [])
        await XCTAssertThrowsAsync({ try await w.contacts.get(a.id) }) { XCTAssertEqual($0.code, "NOT_FOUND") }
        let v5 = try await w.deps.store.contact(id: a.id)?.deletedAt
        XCTAssertNotNil(v5, "soft delete keeps the record")
    }

    func testPhoneNumberForms() throws {
        XCTAssertEqual(try PhoneNumber.normalize("14255550150"), "+14255550150")
        XCTAssertEqual(try PhoneNumber.normalize("+1 (425) 555-0150"), "+14255550150")
        XCTAssertThrowsError(try PhoneNumber.normalize("call me"))
        XCTAssertThrowsError(try PhoneNumber.normalize("+0123456789"))
        // The byte-level shortcut answers exactly as the general path for every form it takes or passes on.
        for raw in ["919330994400", "+919330994400", "12345678", "123456789012345", "1234567", "1234567890123456", "0919330994400",
                    "00919330994400", "+0919330994400", "++919330994400", "+", "", "९१९३३०९९४४००", "91933099440a", " 919330994400",
                    "9193309 94400", "+91-93309-94400"] {
            let general = try? PhoneNumber.normalize(" " + raw)  // a leading space always takes the general path
            XCTAssertEqual(try? PhoneNumber.normalize(raw), general, raw)
            if let shortcut = PhoneNumber.alreadyNormal(raw) { XCTAssertEqual(shortcut, general, raw) }
        }
    }
}

func XCTAssertThrowsAsync<T>(_ body: () async throws -> T, file: StaticString = #filePath, line: UInt = #line,
                             _ check: (CoreError) -> Void = { _ in }) async {
    do {
        _ = try await body()
        XCTFail("did not throw", file: file, line: line)
    } catch let e as CoreError {
        check(e)
    } catch {
        XCTFail("unexpected \(error)", file: file, line: line)
    }
}
