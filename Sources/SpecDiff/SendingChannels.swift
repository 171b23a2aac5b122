import SpecModel

/// Which functions send on which channel, by their `send` access to a phone number (WhatsApp),
/// the SMS pool or the email sender: what a SEND_MODE or branch change lets out of the platform.
struct SendingChannels {
    static let all = ["whatsapp", "sms", "email"]
    static let kinds: [ResourceKind: String] = [.phoneNumber: "whatsapp", .smsPool: "sms", .emailSender: "email"]

    var senders: [String: [String]]

    init(_ platform: Platform) {
        var out: [String: Set<String>] = [:]
        for f in platform.functions {
            for entry in f.access where entry.verbs.contains(where: { $0.value == "send" }) {
                if let channel = Self.kinds[entry.target.kind] { out[channel, default: []].insert(f.id.value) }
            }
        }
        senders = out.mapValues { $0.sorted() }
    }

    /// The channels one function sends on, in `all` order.
    static func of(_ function: Function) -> [String] {
        let kinds = Set(function.access.filter { $0.verbs.contains { $0.value == "send" } }.compactMap { Self.kinds[$0.target.kind] })
        return all.filter(kinds.contains)
    }

    /// `whatsapp (outbound-whatsapp, bulk-worker), sms (outbound-sms) and email (outbound-email)`.
    var phrase: String {
        let parts = Self.all.map { channel in
            let who = senders[channel] ?? []
            return who.isEmpty ? "\(channel) (no function sends)" : "\(channel) (\(who.joined(separator: ", ")))"
        }
        return parts.dropLast().joined(separator: ", ") + " and " + parts.last!
    }
}
