import Foundation

/// Parses the ISO 8601 timestamps AWS XML responses carry (`2016-03-15T20:54:31.809Z`),
/// including the microsecond and `+00:00` forms emulators send.
public enum AWSTimestamp {
    /// `2016-03-15T20:54:31Z`: whole seconds, UTC.
    public static func iso8601(_ date: Date) -> String {
        let f = UTCCalendar.fields(date)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(f.year)-\(two(f.month))-\(two(f.day))T\(two(f.hour)):\(two(f.minute)):\(two(f.second))Z"
    }

    public static func parse(_ text: String) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard text.count >= 19 else { return nil }
        var rest = Substring(text.dropFirst(19))
        guard let base = seconds(Array(text.utf8.prefix(19))) else { return nil }
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

    /// `yyyy-MM-ddTHH:mm:ss` (or a space for the T) in UTC.
    private static func seconds(_ b: [UInt8]) -> Date? {
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
            }
            return n
        }
        guard b.count == 19, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return nil }
        return UTCCalendar.date(.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
    }
}
