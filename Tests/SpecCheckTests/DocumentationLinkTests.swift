import Foundation
import XCTest

/// Every relative link in README.md and docs/ leads somewhere: the file exists, and a `#fragment`
/// names a heading of it (GitHub's slugs: lower case, punctuation dropped, spaces as hyphens).
final class DocumentationLinkTests: XCTestCase {
    func testRelativeLinksAndTheirAnchorsResolve() throws {
        let docs = packageRoot.appendingPathComponent("docs")
        let pages = [packageRoot.appendingPathComponent("README.md")]
            + (try FileManager.default.contentsOfDirectory(at: docs, includingPropertiesForKeys: nil)).filter { $0.pathExtension == "md" }
        var broken: [String] = []
        var checked = 0
        for page in pages {
            let text = try String(contentsOf: page, encoding: .utf8)
            for target in Self.links(in: text) where !target.contains("://") && !target.hasPrefix("mailto:") {
                checked += 1
                let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let file = parts[0].isEmpty ? page : page.deletingLastPathComponent().appendingPathComponent(parts[0]).standardizedFileURL
                guard FileManager.default.fileExists(atPath: file.path) else {
                    broken.append("\(page.lastPathComponent): \(target) (no such file)")
                    continue
                }
                if parts.count == 2, file.pathExtension == "md" {
                    let anchors = Set(Self.headings(in: try String(contentsOf: file, encoding: .utf8)).map(Self.slug))
                    if !anchors.contains(parts[1]) { broken.append("\(page.lastPathComponent): \(target) (no such heading)") }
                }
            }
        }
        XCTAssertGreaterThan(checked, 20, "the link scan found too few links to mean anything")
        XCTAssertEqual(broken, [], "broken links in the documentation")
    }

    func testTheSlugsFollowGitHub() {
        XCTAssertEqual(Self.slug("Ingestion benchmark"), "ingestion-benchmark")
        XCTAssertEqual(Self.slug("Checking: in CI"), "checking-in-ci")
        XCTAssertEqual(Self.slug("`wecare diff` (PR)"), "wecare-diff-pr")
    }

    /// The targets of `[text](target)` outside code blocks.
    static func links(in markdown: String) -> [String] {
        var out: [String] = []
        var inCode = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inCode.toggle(); continue }
            if inCode { continue }
            var rest = Substring(line)
            while let open = rest.range(of: "](") {
                let after = rest[open.upperBound...]
                guard let close = after.firstIndex(of: ")") else { break }
                out.append(String(after[..<close]))
                rest = after[after.index(after: close)...]
            }
        }
        return out
    }

    static func headings(in markdown: String) -> [String] {
        var out: [String] = []
        var inCode = false
        for line in markdown.split(separator: "\n") {
            if line.hasPrefix("```") { inCode.toggle(); continue }
            if !inCode, line.hasPrefix("#") { out.append(String(line.drop { $0 == "#" }.drop { $0 == " " })) }
        }
        return out
    }

    static func slug(_ heading: String) -> String {
        String(heading.lowercased().compactMap { c -> Character? in
            if c == " " { return "-" }
            return c.isLetter || c.isNumber || c == "-" || c == "_" ? c : nil
        })
    }
}
