import Foundation

/// Passages of markdown documents ranked with Okapi BM25 (k1 1.2, b 0.75): the local provider's retrieval.
/// A passage is a paragraph (or list) under its heading; the heading's words count as the passage's own.
public struct KnowledgeIndex: Sendable {
    public struct Document: Sendable {
        /// The file's path under the knowledge folder, e.g. `sending.md`.
        public var name: String
        public var markdown: String
        public init(name: String, markdown: String) {
            self.name = name
            self.markdown = markdown
        }
    }

    struct Entry: Sendable {
        var text: String
        var source: String
        var terms: [String: Int]
        var length: Int
    }

    let entries: [Entry]
    let documentFrequency: [String: Int]
    let averageLength: Double
    static let k1 = 1.2, b = 0.75

    public var passageCount: Int { entries.count }

    public init(_ documents: [Document]) {
        var entries: [Entry] = []
        for doc in documents.sorted(by: { $0.name < $1.name }) {
            for (heading, text) in Self.passages(doc.markdown) {
                let terms = Self.terms(heading + " " + text)
                guard !terms.isEmpty else { continue }
                let anchor = heading.isEmpty ? "" : "#" + Self.slug(heading)
                entries.append(Entry(text: text, source: doc.name + anchor, terms: terms.reduce(into: [:]) { $0[$1, default: 0] += 1 }, length: terms.count))
            }
        }
        var df: [String: Int] = [:]
        for e in entries { for t in e.terms.keys { df[t, default: 0] += 1 } }
        self.entries = entries
        documentFrequency = df
        averageLength = entries.isEmpty ? 1 : Double(entries.map(\.length).reduce(0, +)) / Double(entries.count)
    }

    /// The best `limit` passages for `query`, best first; passages sharing no term with it are left out.
    public func search(_ query: String, limit: Int) -> [Passage] {
        let q = Set(Self.terms(query))
        guard !q.isEmpty else { return [] }
        let n = Double(entries.count)
        var scored: [(Int, Double)] = []
        for (i, e) in entries.enumerated() {
            var score = 0.0
            for t in q {
                guard let f = e.terms[t].map(Double.init), let df = documentFrequency[t].map(Double.init) else { continue }
                let idf = log(1 + (n - df + 0.5) / (df + 0.5))
                score += idf * f * (Self.k1 + 1) / (f + Self.k1 * (1 - Self.b + Self.b * Double(e.length) / averageLength))
            }
            if score > 0 { scored.append((i, score)) }
        }
        scored.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        return scored.prefix(limit).map { Passage(text: entries[$0.0].text, source: entries[$0.0].source, score: ($0.1 * 1000).rounded() / 1000) }
    }

    /// (heading, text) for each paragraph of the markdown; the document's title (`# `) is not a passage.
    static func passages(_ markdown: String) -> [(String, String)] {
        var out: [(String, String)] = []
        var heading = ""
        var lines: [String] = []
        func flush() {
            let text = lines.joined(separator: " ").trimmingCharacters(in: .whitespaces)
            if !text.isEmpty { out.append((heading, text)) }
            lines = []
        }
        for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") {
                flush()
                let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
                heading = line.hasPrefix("# ") ? "" : title
            } else if line.isEmpty {
                flush()
            } else {
                // List markers and emphasis are markup, not words.
                var text = line
                for marker in ["- ", "* "] where text.hasPrefix(marker) { text.removeFirst(marker.count) }
                lines.append(text.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: ""))
            }
        }
        flush()
        return out
    }

    static let stopwords: Set<String> = ["a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i", "if", "in",
                                         "is", "it", "its", "me", "my", "of", "on", "or", "our", "so", "that", "the", "their", "there", "this", "to",
                                         "was", "we", "what", "when", "where", "which", "who", "why", "will", "with", "you", "your", "yours", "please",
                                         "hi", "hello", "us", "am", "have", "has", "would", "could", "should", "any", "about", "get", "there's"]

    /// Lower-cased words and numbers, stopwords out, a trailing plural `s` taken off.
    static func terms(_ text: String) -> [String] {
        var out: [String] = []
        var word = ""
        func flush() {
            defer { word = "" }
            guard !word.isEmpty, !stopwords.contains(word) else { return }
            out.append(word.count > 3 && word.hasSuffix("s") && !word.hasSuffix("ss") ? String(word.dropLast()) : word)
        }
        for c in text.lowercased() {
            if c.isLetter || c.isNumber { word.append(c) } else { flush() }
        }
        flush()
        return out
    }

    static func slug(_ heading: String) -> String {
        heading.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : " " }.joined()
            .split(separator: " ").joined(separator: "-")
    }
}

/// The embedded default's provider: BM25 over the knowledge folder the specs declare, and an extractive
/// reply made of the best passage. No network, no model weights.
public struct LocalSuggestionProvider: SuggestionProvider {
    public let index: KnowledgeIndex
    let passages: Int
    public var name: String { "local" }
    public var model: String { "bm25-extractive" }

    public init(documents: [KnowledgeIndex.Document], passages: Int = 3) {
        index = KnowledgeIndex(documents)
        self.passages = passages
    }

    public func retrieve(_ query: SuggestionQuery) async throws -> [Passage] {
        index.search(query.text, limit: passages)
    }

    /// The best passage, as it is written, when it shares words with the question; empty otherwise (the
    /// operator writes the reply). Its source stays in the interaction, not in the reply.
    public func suggest(_ query: SuggestionQuery, passages: [Passage]) async throws -> String {
        passages.first?.text ?? ""
    }
}
