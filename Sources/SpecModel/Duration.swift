/// A length of time written in a spec as `300s`, `15m`, `24h` or `30d`.
public struct SpecDuration: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var seconds: Int

    public init(seconds: Int) { self.seconds = seconds }

    public static func days(_ n: Int) -> SpecDuration { SpecDuration(seconds: n * 86_400) }
    public static func hours(_ n: Int) -> SpecDuration { SpecDuration(seconds: n * 3_600) }

    /// Parses `<integer><unit>` with unit s, m, h or d; nil for anything else.
    public init?(parsing text: String) {
        guard let unit = text.last, let n = Int(text.dropLast()), n >= 0 else { return nil }
        switch unit {
        case "s": seconds = n
        case "m": seconds = n * 60
        case "h": seconds = n * 3_600
        case "d": seconds = n * 86_400
        default: return nil
        }
    }

    public var wholeDays: Int? { seconds % 86_400 == 0 ? seconds / 86_400 : nil }

    /// The shortest exact spelling: `30d`, `24h` is `1d`, `300s` is `5m`.
    public var description: String {
        if seconds > 0, seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds > 0, seconds % 3_600 == 0 { return "\(seconds / 3_600)h" }
        if seconds > 0, seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    public static func < (lhs: SpecDuration, rhs: SpecDuration) -> Bool { lhs.seconds < rhs.seconds }
}
