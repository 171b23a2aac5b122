import Foundation
import MessagingCore
import XCTest

final class UUIDSourceTests: XCTestCase {
    func testIdsAreLowercaseVersion7UUIDsAndDistinct() {
        let ids = (0..<2000).map { _ in UUIDSource().next() }
        XCTAssertEqual(Set(ids).count, ids.count)
        for id in ids.prefix(200) {
            XCTAssertNotNil(id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/), id)
            XCTAssertEqual(UUID(uuidString: id)?.uuidString.lowercased(), id, "Foundation reads it back as the same UUID")
        }
    }

    /// The random bits come from a pool refilled 256 bytes at a time: ids made at once on many threads,
    /// across many refills, never share their bits.
    func testIdsMadeConcurrentlyAcrossRefillsAreDistinct() async {
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 { group.addTask { (0..<500).map { _ in UUIDSource.id(milliseconds: 1_795_000_000_000) } } }
            return await group.reduce(into: []) { $0 += $1 }
        }
        XCTAssertEqual(ids.count, 4000)
        XCTAssertEqual(Set(ids).count, ids.count, "one millisecond for all: only the random bits tell them apart")
    }

    /// The first 48 bits are the time in milliseconds, big-endian, so ids sort by when they were made
    /// (what keeps the primary-key index of messages growing at its end).
    func testIdsBeginWithTheirMillisecondAndSortByIt() {
        XCTAssert(UUIDSource.id(milliseconds: 0x0123_4567_89ab).hasPrefix("01234567-89ab-7"))
        let times: [UInt64] = [1_795_000_000_000, 1_795_000_000_001, 1_795_000_000_255, 1_795_000_000_256, 1_795_000_065_536]
        let ids = times.map(UUIDSource.id(milliseconds:))
        XCTAssertEqual(ids.sorted(), ids)
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        let made = UUIDSource().next()
        let stamp = UInt64(made.prefix(13).replacingOccurrences(of: "-", with: ""), radix: 16)!
        XCTAssert(stamp >= now && stamp < now + 1000, "\(made) carries the time it was made")
    }
}
