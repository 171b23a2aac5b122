import SpecModel
import Yams

/// Turns one file's YAML into a located tree; syntax errors and duplicate keys become diagnostics.
func parseYAML(_ file: SourceFile, into sink: DiagnosticSink) -> SyntaxNode? {
    let root: Node?
    do {
        root = try Yams.compose(yaml: file.text)
    } catch let error as YamlError {
        sink.report(diagnostic(for: error, in: file))
        return nil
    } catch {
        sink.error(RuleID.yamlSyntax, at: SourceLocation(file: file.path, line: 1, column: 1), "cannot read YAML: \(error)")
        return nil
    }
    guard let root else { return nil }
    return convert(root, file: file.path, sink: sink)
}

private func location(_ mark: Mark?, _ file: String) -> SourceLocation {
    SourceLocation(file: file, line: max(mark?.line ?? 1, 1), column: max(mark?.column ?? 1, 1))
}

private func convert(_ node: Node, file: String, sink: DiagnosticSink) -> SyntaxNode? {
    switch node {
    case .scalar(let s):
        return .scalar(ScalarNode(text: s.string, location: location(s.mark, file), isPlain: s.style == .plain || s.style == .any))
    case .sequence(let seq):
        let items = seq.compactMap { convert($0, file: file, sink: sink) }
        return .sequence(SequenceNode(items: items, location: location(seq.mark, file)))
    case .mapping(let map):
        var entries: [(key: ScalarNode, value: SyntaxNode)] = []
        for (key, value) in map {
            guard case .scalar(let k) = key else {
                sink.error(RuleID.schemaType, at: location(key.mark, file), "a mapping key must be a plain name, not \(key.mapping != nil ? "a mapping" : "a list")",
                           hint: "write the key as a single word such as `name:`")
                continue
            }
            guard let v = convert(value, file: file, sink: sink) else { continue }
            entries.append((ScalarNode(text: k.string, location: location(k.mark, file), isPlain: k.style == .plain), v))
        }
        return .mapping(MappingNode(entries: entries, location: location(map.mark, file)))
    case .alias(let alias):
        sink.error(RuleID.yamlSyntax, at: location(alias.mark, file), "YAML aliases are not allowed in specs",
                   hint: "write the value out, or use a reference such as `{table: Contacts}`")
        return nil
    }
}

private func diagnostic(for error: YamlError, in file: SourceFile) -> Diagnostic {
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
         .composer(let context, let problem, let mark, _):
        var message = "YAML syntax error: \(problem)"
        if let context { message += " (\(context.text) at line \(context.mark.line))" }
        return Diagnostic(rule: RuleID.yamlSyntax, at: location(mark, file.path), message,
                          hint: "check indentation and quoting at this position; a value with `: ` or `#` needs quotes")
    case .duplicatedKeysInMapping(let duplicates, let context):
        let key = duplicates.first ?? "?"
        let first = context.mark
        let second = secondOccurrence(of: key, after: first, in: file) ?? location(first, file.path)
        return Diagnostic(rule: RuleID.duplicateKey, at: second,
                          "duplicate key '\(key)' (first defined at line \(first.line))",
                          hint: "remove one of the two '\(key)' entries or give it another name; YAML keeps only one")
    case .reader(let problem, _, _, _):
        return Diagnostic(rule: RuleID.yamlSyntax, at: SourceLocation(file: file.path, line: 1, column: 1),
                          "cannot read the file: \(problem)", hint: "save the file as UTF-8 text")
    default:
        return Diagnostic(rule: RuleID.yamlSyntax, at: SourceLocation(file: file.path, line: 1, column: 1), "YAML error: \(error)")
    }
}

/// Yams reports a duplicate at its first occurrence; the mistake is the later one, at the same indentation.
private func secondOccurrence(of key: String, after mark: Mark, in file: SourceFile) -> SourceLocation? {
    let lines = file.text.split(separator: "\n", omittingEmptySubsequences: false)
    let column = mark.column
    guard mark.line < lines.count else { return nil }
    for index in mark.line..<lines.count {
        let line = Array(lines[index])
        guard line.count >= column else { continue }
        let indent = line.prefix(column - 1)
        if !indent.allSatisfy({ $0 == " " || $0 == "-" }) { continue }
        let rest = String(line.dropFirst(column - 1))
        for candidate in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(candidate + ":") {
            return SourceLocation(file: file.path, line: index + 1, column: column)
        }
    }
    return nil
}
