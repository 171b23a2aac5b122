@testable import AWSClient
import Foundation
import XCTest

/// The arithmetic calendar against Foundation's ISO 8601 formatting, over dates from 1900 to 2400.
final class UTCCalendarTests: XCTestCase {
    func testFieldsAndBackAgreeWithFoundation() {
        var rng = SystemRandomNumberGenerator()
        let style = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)
        for _ in 0..<5_000 {
            let date = Date(timeIntervalSince1970: TimeInterval(Int64.random(in: -2_208_988_800...13_569_465_600, using: &rng)))
            let f = UTCCalendar.fields(date)
            let expected = date.formatted(style)   // 2016-03-15T20:54:31Z
            let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", f.year, f.month, f.day, f.hour, f.minute, f.second)
            XCTAssertEqual(text, expected)
            XCTAssertEqual(UTCCalendar.date(f), date)
        }
    }

    func testSigV4Timestamps() {
        XCTAssertEqual(UTCCalendar.basicTimestamp(Date(timeIntervalSince1970: 1_440_938_160)), "20150830T123600Z")
        XCTAssertEqual(SigV4Signer.timestamps(Date(timeIntervalSince1970: 951_782_400)).full, "20000229T000000Z", "a leap day")
        XCTAssertNil(UTCCalendar.date(.init(year: 2020, month: 13, day: 1, hour: 0, minute: 0, second: 0)))
    }
}
