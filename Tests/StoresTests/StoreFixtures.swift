import Foundation
import MessagingCore

/// The records both stores' tests write: one contract, one set of fixtures.
protocol StoreFixtures {}

extension StoreFixtures {
    var t0: Date { Date(timeIntervalSince1970: 1_795_000_000) }

    func contact(_ id: String, phone: String?, name: String? = nil, email: String? = nil) -> Contact {
        Contact(id: id, name: name, phone: phone, email: email, createdAt: t0, updatedAt: t0)
    }

    func message(_ id: String, contact: String, wamid: String?, at offset: TimeInterval = 0, expires: Int = 1_900_000_000) -> Message {
        Message(id: id, contactId: contact, channel: .whatsapp, direction: .inbound, status: .received, kind: "text", content: "hi",
                timestamp: t0.addingTimeInterval(offset), whatsappMessageId: wamid, expiresAt: expires)
    }
}
