/// E.164 normalisation: `+91 93309 94400`, `0091-93309-94400` and Meta's `919330994400` all become `+919330994400`.
public enum PhoneNumber {
    public enum Problem: Error, Equatable, Sendable {
        case invalid(String)
    }

    public static func normalize(_ raw: String) throws(Problem) -> String {
        // Meta's `wa_id` (digits only) and numbers already in E.164 need no rewriting: checked on the
        // bytes, they skip the Character-by-Character path below, which every inbound message took.
        if let e164 = alreadyNormal(raw) { return e164 }
        var text = raw.trimmingWhitespace()
        let separators: Set<Character> = [" ", "-", ".", "(", ")", "\u{00A0}"]
        text.removeAll { separators.contains($0) }
        if text.hasPrefix("00") { text = "+" + text.dropFirst(2) }
        if !text.hasPrefix("+") { text = "+" + text }
        let digits = text.dropFirst()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), (8...15).contains(digits.count), digits.first != "0" else {
            throw .invalid("'\(raw)' is not a phone number in international form; write it with its country code, e.g. +91 93309 94400")
        }
        return text
    }

    /// `raw` in E.164 when it is 8 to 15 ASCII digits not starting with 0, with or without a leading
    /// `+`; nil for anything else (the general path decides those).
    static func alreadyNormal(_ raw: String) -> String? {
        let bytes = raw.utf8
        let plus = bytes.first == UInt8(ascii: "+")
        let digits = plus ? bytes.dropFirst() : bytes[...]
        guard (8...15).contains(digits.count), digits.first != UInt8(ascii: "0"),
              digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return plus ? raw : "+" + raw
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
