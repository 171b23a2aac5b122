import Foundation
import MessagingCore
import XCTest

final class UUIDSourceTests: XCTestCase {
    func testIdsAreLowercaseVersion4UUIDsAndDistinct() {
        let ids = (0..<2000).map { _ in UUIDSource().next() }
        XCTAssertEqual(Set(ids).count, ids.count)
        for id in ids.prefix(200) {
            XCTAssertNotNil(id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/), id)
            XCTAssertEqual(UUID(uuidString: id)?.uuidString.lowercased(), id, "Foundation reads it back as the same UUID")
        }
    }
}
