import Foundation

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
    /// A run that touches a letter, and a UUID, are identifiers, not phone numbers: a random id such as
    /// `b1671019-…` keeps its digits, so the audit row still names the resource it is about.
    static func maskPhones(_ word: Substring) -> String {
        var out = "", run = ""
        var touchesLetter = false
        func flush(before next: Character?) {
            let letterAfter = next.map { $0.isASCII && $0.isLetter } ?? false
            let isPhone = run.filter(\.isNumber).count >= 7 && !touchesLetter && !letterAfter
            out += isPhone ? "+…" + run.suffix(2) : run
            run = ""
        }
        var i = word.startIndex
        while i < word.endIndex {
            let c = word[i]
            if run.isEmpty, let end = word.index(i, offsetBy: 36, limitedBy: word.endIndex), UUID(uuidString: String(word[i..<end])) != nil {
                out += word[i..<end]
                i = end
                continue
            }
            if c.isASCII, c.isNumber || (c == "+" && run.isEmpty) {
                if run.isEmpty { touchesLetter = out.last.map { $0.isASCII && $0.isLetter } ?? false }
                run.append(c)
            } else {
                flush(before: c)
                out.append(c)
            }
            i = word.index(after: i)
        }
        flush(before: nil)
        return out
    }
}
