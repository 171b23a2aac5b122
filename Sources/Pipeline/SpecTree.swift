import Foundation
import SpecLoading

/// Reads the spec files of a project: every `*.yaml`/`*.yml` under `specs/` and `environments/`.
public enum SpecTree {
    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(root: URL) throws -> [SourceFile] {
        var files: [SourceFile] = []
        let fm = FileManager.default
        var sawFolder = false
        for folder in ["specs", "environments"] {
            let dir = root.appendingPathComponent(folder)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else { continue }
            sawFolder = true
            guard let enumerator = fm.enumerator(atPath: dir.path) else { continue }
            for case let relative as String in enumerator where relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") {
                let url = dir.appendingPathComponent(relative)
                guard let data = fm.contents(atPath: url.path) else {
                    throw ReadError(description: "cannot read \(folder)/\(relative)")
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    let at = firstInvalidUTF8(data).map { ":\($0.line):\($0.column)" } ?? ""
                    throw ReadError(description: "\(folder)/\(relative)\(at): not UTF-8 text (a byte no UTF-8 character starts or continues with); save the file as UTF-8")
                }
                files.append(SourceFile(path: "\(folder)/\(relative)", text: text))
            }
        }
        guard sawFolder else {
            throw ReadError(description: "no specs/ or environments/ folder under \(root.path); run wecare from the project root or pass --root")
        }
        files += try knowledge(root: root, specs: files)
        return files.sorted { $0.path < $1.path }
    }

    /// The markdown files of the knowledge folder the specs declare (`ai.knowledgeFolder`), when it is a
    /// folder inside the project: the loader lists them in the model, the checker refuses a folder without any.
    static func knowledge(root: URL, specs: [SourceFile]) throws -> [SourceFile] {
        guard let prefix = knowledgePrefix(specs) else { return [] }
        let fm = FileManager.default
        let dir = root.appendingPathComponent(prefix)
        guard let enumerator = fm.enumerator(atPath: dir.path) else { return [] }
        var files: [SourceFile] = []
        for case let relative as String in enumerator where relative.hasSuffix(".md") {
            guard let data = fm.contents(atPath: dir.appendingPathComponent(relative).path), let text = String(data: data, encoding: .utf8) else {
                throw ReadError(description: "cannot read \(prefix)\(relative) as UTF-8 text")
            }
            files.append(SourceFile(path: prefix + relative, text: text))
        }
        return files
    }

    /// The knowledge folder the specs declare, as a path prefix inside the project; nil when there is none
    /// or it points outside the project.
    static func knowledgePrefix(_ specs: [SourceFile]) -> String? {
        // Only the files that can hold the platform and its `ai` section are loaded: loading every spec
        // here, and again with the knowledge files, parsed each spec twice per check.
        let relevant = specs.filter { $0.text.contains("knowledgeFolder") || $0.text.contains("platform:") }
        guard let prefix = SpecLoader.load(relevant).platform?.ai?.folderPrefix,
              !prefix.hasPrefix("/"), !prefix.split(separator: "/").contains("..") else { return nil }
        return prefix
    }

    /// Line and column (in characters) of the first byte that breaks UTF-8.
    static func firstInvalidUTF8(_ data: Data) -> (line: Int, column: Int)? {
        var decoder = Unicode.UTF8.ForwardParser()
        var bytes = data.makeIterator()
        var line = 1, column = 1
        while true {
            switch decoder.parseScalar(from: &bytes) {
            case .valid(let encoded):
                if encoded.first == 0x0A { line += 1; column = 1 } else { column += 1 }
            case .emptyInput: return nil
            case .error: return (line, column)
            }
        }
    }
}
