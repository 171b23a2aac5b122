import SpecModel

/// The result of loading a spec tree: the model when the files could be read into one, and every diagnostic.
public struct LoadResult: Sendable {
    public var platform: Platform?
    public var diagnostics: [Diagnostic]
    public var files: [SourceFile]
}

/// Stage one of the pipeline: YAML files → located syntax → the typed `Platform`.
/// It reports structure problems (syntax, unknown keys, types, duplicates); the checker does the rest.
public enum SpecLoader {
    /// Sections a file under `specs/` may hold; any file may hold any of them.
    static let specSections = SpecSchema.keys(.specFile)

    public static func load(_ files: [SourceFile]) -> LoadResult {
        let sink = DiagnosticSink()
        var sections: [(name: String, key: ScalarNode, value: SyntaxNode)] = []
        var environmentNodes: [(file: String, key: ScalarNode, value: SyntaxNode)] = []

        for file in files.sorted(by: { $0.path < $1.path }) {
            // Markdown files are the knowledge folder's documents, listed in the model, never parsed.
            guard !file.path.hasSuffix(".md") else { continue }
            guard let root = parseYAML(file, into: sink) else { continue }
            let isEnvironment = file.path.hasPrefix("environments/")
            let allowed = isEnvironment ? SpecSchema.keys(.environmentFile) : specSections
            let what = isEnvironment ? "an environment file" : "a spec file"
            guard let reader = MappingReader.expect(root, allowed: allowed, subject: what, sink: sink) else { continue }
            for (key, value) in reader.node.entries where allowed.contains(key.text) {
                if isEnvironment { environmentNodes.append((file.path, key, value)) } else { sections.append((key.text, key, value)) }
            }
        }

        var builder = PlatformBuilder(sink: sink)
        builder.read(sections: sections)
        for (file, key, value) in environmentNodes { builder.readEnvironment(value, file: file, key: key) }
        var platform = builder.finish()
        if let prefix = platform.ai?.folderPrefix {
            platform.ai?.knowledgeFiles = files.map(\.path).filter { $0.hasPrefix(prefix) && $0.hasSuffix(".md") }.sorted()
        }
        return LoadResult(platform: platform, diagnostics: sink.diagnostics, files: files)
    }
}
