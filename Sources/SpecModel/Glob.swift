/// Glob matching with `*` (any run of characters, `/` included) and `?` (one character),
/// as IAM uses for ARNs and as branch rules use for branch names.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        // Fast paths for the common shapes: no wildcard, or one trailing `*`.
        guard let firstWild = pattern.utf8.firstIndex(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") }) else {
            return pattern == text
        }
        if pattern.utf8.index(after: firstWild) == pattern.utf8.endIndex, pattern.utf8[firstWild] == UInt8(ascii: "*") {
            return text.utf8.starts(with: pattern.utf8[..<firstWild])
        }
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    public static func isPattern(_ s: String) -> Bool { s.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") } }

    /// For a pattern whose only wildcard is one trailing `*`, the text before it.
    public static func prefixStem(_ pattern: String) -> String? {
        guard pattern.hasSuffix("*") else { return nil }
        let stem = String(pattern.dropLast())
        return isPattern(stem) ? nil : stem
    }

    /// Whether some text matches both patterns. Exact for patterns whose only wildcard is a
    /// trailing `*` (the branch rules' kind); a good witness search for the rest.
    public static func overlap(_ a: String, _ b: String) -> Bool {
        let witnesses = [a, b].flatMap { [$0.replacingStars(with: ""), $0.replacingStars(with: "x"), $0.replacingStars(with: "x/y")] }
        return witnesses.contains { matches(a, $0) && matches(b, $0) }
    }
}

extension String {
    fileprivate func replacingStars(with s: String) -> String {
        var out = ""
        for c in self { if c == "*" { out += s } else if c == "?" { out += "x" } else { out.append(c) } }
        return out
    }
}
