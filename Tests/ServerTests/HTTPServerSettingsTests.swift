@testable import Server
import XCTest

final class HTTPServerSettingsTests: XCTestCase {
    /// One event loop per two cores, never none: the handlers run on the concurrency pool's own threads.
    func testTheEventLoopsAreHalfTheCoresAndAtLeastOne() {
        XCTAssertEqual([1, 2, 3, 4, 8, 64].map { HTTPServerSettings.eventLoopCount(cores: $0) }, [1, 1, 1, 2, 4, 32])
    }
}
