import Foundation
@testable import MessagingCore
import XCTest

/// BM25 over markdown passages, and the masking of numbers before a question leaves the process.
final class KnowledgeIndexTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testPassagesAreParagraphsUnderTheirHeadings() {
        let index = KnowledgeIndex([.init(name: "hours.md", markdown: "# Hours\n\nIntro line.\n\n## Weekdays\nWe answer\nfrom 9 to 5.\n\n## Holidays\n- Closed on holidays.\n")])
        XCTAssertEqual(index.passageCount, 3)
        XCTAssertEqual(index.search("when do you answer on weekdays", limit: 3).first?.source, "hours.md#weekdays")
        XCTAssertEqual(index.search("when do you answer on weekdays", limit: 3).first?.text, "We answer from 9 to 5.")
        XCTAssertEqual(index.search("holidays", limit: 3).map(\.source), ["hours.md#holidays"])
        XCTAssertEqual(index.search("the", limit: 3), [], "stopwords alone match nothing")
    }

    func testRareTermsWeighMore() {
        let index = KnowledgeIndex([.init(name: "a.md", markdown: "## One\nmessage message message sms\n\n## Two\nmessage invoice\n")])
        XCTAssertEqual(index.search("message invoice", limit: 1).first?.source, "a.md#two")
    }

    /// hit@3 on the benchmark's question set over the shipped knowledge folder (the figure scripts/bench-retrieval prints).
    func testTheShippedKnowledgeAnswersTheBenchmarkQuestions() throws {
        let folder = Self.packageRoot.appendingPathComponent("knowledge")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }.sorted()
        let index = KnowledgeIndex(try names.map { .init(name: $0, markdown: try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)) })
        let lines = try String(contentsOf: Self.packageRoot.appendingPathComponent("scripts/retrieval-questions.tsv"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }
        var hits = 0, misses: [String] = []
        for line in lines {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            if index.search(parts[1], limit: 3).contains(where: { $0.source == parts[0] }) { hits += 1 } else { misses.append(parts[1]) }
        }
        XCTAssertGreaterThanOrEqual(lines.count, 20)
        XCTAssertGreaterThanOrEqual(Double(hits) / Double(lines.count), 0.9, "missed: \(misses)")
    }

    func testNumbersAreMaskedBeforeTheyReachAProvider() {
        XCTAssertEqual(SuggestionQuery.mask("Call me on +91 93309 94400, please."), "Call me on [number], please.")
        XCTAssertEqual(SuggestionQuery.mask("order 1234567 arrived"), "order [number] arrived")
        XCTAssertEqual(SuggestionQuery.mask("open 9 to 5, 24 hours, 4096 characters"), "open 9 to 5, 24 hours, 4096 characters")
        XCTAssertEqual(SuggestionQuery(text: "my number is 16505551234", session: "s").text, "my number is [number]")
    }
}
