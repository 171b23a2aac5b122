import Foundation
import MessagingCore

/// The markdown files of the knowledge folder the specs declare (`ai.knowledgeFolder`), read once at start-up.
public enum KnowledgeFolder {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    public static func documents(at path: String) throws -> [KnowledgeIndex.Document] {
        let fm = FileManager.default
        guard let enumerator = fm.enumerator(atPath: path) else {
            throw Missing(description: "the knowledge folder \(path) cannot be read; run serve from the project root or pass --knowledge-folder")
        }
        var documents: [KnowledgeIndex.Document] = []
        for case let relative as String in enumerator where relative.hasSuffix(".md") {
            guard let data = fm.contents(atPath: (path as NSString).appendingPathComponent(relative)) else { continue }
            documents.append(KnowledgeIndex.Document(name: relative, markdown: String(decoding: data, as: UTF8.self)))
        }
        return documents.sorted { $0.name < $1.name }
    }
}
