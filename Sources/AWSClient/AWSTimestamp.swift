import Foundation

/// Parses the ISO 8601 timestamps AWS XML responses carry (`2016-03-15T20:54:31.809Z`),
/// including the microsecond and `+00:00` forms emulators send.
public enum AWSTimestamp {
    public static func parse(_ text: String) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard text.count >= 19 else { return nil }
        let whole = String(text.prefix(19))
        var rest = Substring(text.dropFirst(19))
        guard let base = makeSecondsFormatter().date(from: whole.replacingOccurrences(of: " ", with: "T")) else { return nil }
        var fraction = 0.0
        if rest.first == "." {
            let digits = rest.dropFirst().prefix { $0.isNumber }
            fraction = Double("0." + digits) ?? 0
            rest = rest.dropFirst(1 + digits.count)
        }
        var offset = 0
        if rest.first == "+" || rest.first == "-" {
            let sign = rest.first == "-" ? -1 : 1
            let digits = rest.dropFirst().filter { $0.isNumber }
            guard digits.count >= 2 else { return nil }
            let hours = Int(digits.prefix(2)) ?? 0
            let minutes = Int(digits.dropFirst(2).prefix(2)) ?? 0
            offset = sign * (hours * 3600 + minutes * 60)
        } else if !(rest.isEmpty || rest == "Z") {
            return nil
        }
        return base.addingTimeInterval(fraction - Double(offset))
    }

    /// DateFormatter is not Sendable, so each parse makes its own.
    private static func makeSecondsFormatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter
    }
}
