import Foundation
import MessagingCore
import XCTest

/// `listJobs` the same on SQLite and DynamoDB: newest first, jobs created at the same instant ordered by id,
/// and a cursor that pages through them all with none twice and none left out.
struct BulkListContract: StoreFixtures {
    let store: any BulkStore

    func check(file: StaticString = #filePath, line: UInt = #line) async throws {
        let s = store
        let times = [t0, t0 + 10, t0 + 10, t0 + 10, t0 + 20]   // three jobs share a creation time
        for (i, at) in times.enumerated() {
            try await s.insertJob(BulkJob(id: "list-\(i)", channel: .sms, status: .pending, content: BulkContent(text: "hi"), totalRecipients: 1,
                                          createdBy: "t", createdAt: at, updatedAt: at), contactIds: ["c\(i)"])
        }
        let all = try await s.listJobs(after: nil, limit: 100).map(\.id)
        XCTAssertEqual(all, ["list-4", "list-3", "list-2", "list-1", "list-0"], file: file, line: line)
        var seen: [String] = []
        var cursor: BulkJobCursor?
        repeat {
            let page = try await s.listJobs(after: cursor, limit: 2)
            XCTAssertLessThanOrEqual(page.count, 2, file: file, line: line)
            seen += page.map(\.id)
            cursor = page.count == 2 ? page.last.map { BulkJobCursor(createdAt: $0.createdAt, id: $0.id) } : nil
        } while cursor != nil
        XCTAssertEqual(seen, all, "pages of two: each job once, in order", file: file, line: line)
        let text = BulkJobCursor(createdAt: t0 + 10, id: "list-2").description
        XCTAssertEqual(BulkJobCursor(text), BulkJobCursor(createdAt: t0 + 10, id: "list-2"), file: file, line: line)
        let after = try await s.listJobs(after: BulkJobCursor(text), limit: 100).map(\.id)
        XCTAssertEqual(after, ["list-1", "list-0"], file: file, line: line)
    }
}
