/// What an audit row may hold: rows are kept for months and anyone can cause one (a 401 is audited),
/// so every text is bounded in size, and phone numbers and bearer tokens never reach it.
enum AuditText {
    static let maxDetails = 300
    static let maxId = 128

    /// `text` cut to `limit` characters (marked with …), with phone numbers masked to their last two
    /// digits and anything shaped like a JWT replaced.
    static func clean(_ text: String, limit: Int = maxDetails) -> String {
        // Only the part that can be kept is looked at: a 50 KB path costs no more than a short one.
        let head = text.prefix(limit * 2)
        let words = head.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            word.hasPrefix("eyJ") && word.contains(".") ? "[token]" : maskPhones(word)
        }
        let out = words.joined(separator: " ")
        return out.count > limit || head.count < text.count ? String(out.prefix(limit - 1)) + "…" : out
    }

    /// Runs of seven digits or more (a leading + included) become `+…` and their last two digits.
    static func maskPhones(_ word: Substring) -> String {
        var out = "", run = ""
        func flush() {
            out += run.filter(\.isNumber).count >= 7 ? "+…" + run.suffix(2) : run
            run = ""
        }
        for c in word {
            if c.isASCII, c.isNumber || (c == "+" && run.isEmpty) { run.append(c) } else { flush(); out.append(c) }
        }
        flush()
        return out
    }
}
