/// E.164 normalisation: `+91 93309 94400`, `0091-93309-94400` and Meta's `919330994400` all become `+919330994400`.
public enum PhoneNumber {
    public enum Problem: Error, Equatable, Sendable {
        case invalid(String)
    }

    public static func normalize(_ raw: String) throws(Problem) -> String {
        // Meta's `wa_id` (digits only) and numbers already in E.164 need no rewriting: checked on the
        // bytes, they skip the general path below, which every inbound message took.
        if let e164 = alreadyNormal(raw) { return e164 }
        var text = String(String.UnicodeScalarView(trimmed(raw).filter { !separators.contains($0) }))
        if text.hasPrefix("00") { text = "+" + text.dropFirst(2) }
        if !text.hasPrefix("+") { text = "+" + text }
        let digits = text.unicodeScalars.dropFirst()
        guard digits.allSatisfy({ ("0"..."9").contains($0) }), (8...15).contains(digits.count), digits.first != "0" else {
            throw .invalid("'\(raw)' is not a phone number in international form; write it with its country code, e.g. +91 93309 94400")
        }
        return text
    }

    /// Trimmed from both ends of a phone number or an email address; a field of nothing else is absent.
    /// Only these four, so that the schemas' patterns (below) say exactly what is taken.
    public static let edgeSpace: Set<Unicode.Scalar> = ["\t", "\n", "\r", " "]
    /// Written between digits and dropped: `+91 (933) 099-4400`, `91.9330.994400`.
    static let separators: Set<Unicode.Scalar> = [" ", "-", ".", "(", ")", "\u{00A0}"]

    /// `raw` without `edgeSpace` at either end.
    static func trimmed(_ raw: String) -> ArraySlice<Unicode.Scalar> {
        let scalars = Array(raw.unicodeScalars)
        var (start, end) = (0, scalars.count)
        while start < end, edgeSpace.contains(scalars[start]) { start += 1 }
        while end > start, edgeSpace.contains(scalars[end - 1]) { end -= 1 }
        return scalars[start..<end]
    }

    /// Whether `raw` holds nothing but `edgeSpace`: an empty field, no number.
    public static func isBlank(_ raw: String) -> Bool { raw.unicodeScalars.allSatisfy(edgeSpace.contains) }

    /// What `normalize` takes, or a blank field, as a regular expression (ECMA-262, Python and Swift read
    /// it alike): the API's schemas carry it, so that a client, and a generator of test data, know which
    /// numbers are phone numbers. `FieldPatternTests` holds it to `normalize` on generated strings.
    public static let pattern = "^\(space)*(?:\(sep)*(?:\\+|0\(sep)*0)?\(sep)*[1-9](?:\(sep)*[0-9]){7,14}\(sep)*)?\(space)*$"
    /// `edgeSpace` and `separators` as classes of the patterns (the no-break space written as itself).
    static let space = "[\\t\\n\\r ]"
    private static let sep = "[ .()\u{00A0}-]"

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
