import CoreTestSupport
import Foundation
import Logging
import MessagingCore
import ServiceRuntime
import XCTest

final class EventSinkLogHandlerTests: XCTestCase {
    /// Counts how often it is rendered: metadata is text only in the lines that are written.
    final class Rendered: CustomStringConvertible, @unchecked Sendable {
        var count = 0
        var description: String { count += 1; return "request-7" }
    }

    func testMetadataIsRenderedOnlyWhenALineIsWrittenAndComesOutAsFields() {
        let events = RecordingEvents(), id = Rendered()
        var logger = EventSinkLogHandler.logger("Hummingbird", sink: events)
        for _ in 0..<3 { logger[metadataKey: "hb.request.id"] = .stringConvertible(id) }
        logger[metadataKey: "port"] = "8080"
        XCTAssertEqual(id.count, 0, "setting metadata renders nothing")

        logger.warning("Server started", metadata: ["port": "8443"])
        XCTAssertEqual(id.count, 1)
        XCTAssertEqual(events.events.count, 1)
        let line = events.events[0]
        XCTAssertEqual(line.level, .warning)
        XCTAssertEqual(line.name, "Hummingbird")
        XCTAssertEqual(line.fields, ["message": "Server started", "hb.request.id": "request-7", "port": "8443"], "the line's own metadata wins")
    }

    func testTheLevelIsTheLowestTheSinkKeeps() {
        XCTAssertEqual(EventSinkLogHandler(label: "x", sink: JSONLineLog(level: "WARN")).logLevel, .warning)
        XCTAssertEqual(EventSinkLogHandler(label: "x", sink: JSONLineLog(level: "DEBUG")).logLevel, .debug)
        let events = RecordingEvents()
        let logger = EventSinkLogHandler.logger("x", sink: events)
        logger.debug("kept", metadata: ["error.type": "E"])
        XCTAssertEqual(events.events.map { $0.fields["message"] }, ["kept"])
        XCTAssertEqual(events.events.first?.level, .debug)
    }
}
