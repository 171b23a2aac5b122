import Foundation

/// Gregorian dates in UTC by arithmetic (Howard Hinnant's days-from-civil), for the timestamps AWS
/// signs and sends. A DateFormatter would do the same through ICU, which costs a formatter per call
/// and ties every request to the ICU data the Lambda bundle need not carry.
enum UTCCalendar {
    struct Fields: Equatable {
        var year, month, day, hour, minute, second: Int
    }

    static func fields(_ date: Date) -> Fields {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return Fields(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day,
                      hour: secondOfDay / 3600, minute: secondOfDay % 3600 / 60, second: secondOfDay % 60)
    }

    /// The instant of `fields` in UTC; nil when a field is out of range.
    static func date(_ f: Fields) -> Date? {
        guard (1...12).contains(f.month), (1...31).contains(f.day), (0...23).contains(f.hour), (0...59).contains(f.minute),
              (0...60).contains(f.second) else { return nil }
        let y = f.month <= 2 ? f.year - 1 : f.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (f.month > 2 ? f.month - 3 : f.month + 9) + 2) / 5 + f.day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + f.hour * 3600 + f.minute * 60 + f.second))
    }

    /// `20150830T123600Z`, SigV4's X-Amz-Date.
    static func basicTimestamp(_ date: Date) -> String {
        let f = fields(date)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let year = String(f.year)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + two(f.month) + two(f.day) + "T" + two(f.hour) + two(f.minute) + two(f.second) + "Z"
    }
}
