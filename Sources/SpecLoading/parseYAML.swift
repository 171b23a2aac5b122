import SpecModel
import Yams

/// Limits that keep hostile input cheap: a spec file is a page of YAML, never megabytes or hundreds of levels deep.
public enum YAMLLimits {
    /// Bytes per spec file.
    public static let maxFileBytes = 1 << 20
    /// Nested mappings and lists, block or flow.
    public static let maxDepth = 64
}

/// Turns one file's YAML into a located tree; syntax errors and duplicate keys become diagnostics.
/// Anchors and aliases are refused where they stand and never followed, so an alias bomb costs one error.
func parseYAML(_ file: SourceFile, into sink: DiagnosticSink) -> SyntaxNode? {
    guard file.text.utf8.count <= YAMLLimits.maxFileBytes else {
        sink.error(RuleID.yamlSyntax, at: SourceLocation(file: file.path, line: 1, column: 1),
                   "the file is \(file.text.utf8.count / 1024) KiB; a spec file may hold at most \(YAMLLimits.maxFileBytes / 1024) KiB",
                   hint: "split it into several files under specs/ (each holds its own sections)")
        return nil
    }
    if let deep = flowDepthExceeded(file) {
        sink.error(RuleID.yamlSyntax, at: deep, "lists and mappings are nested more than \(YAMLLimits.maxDepth) levels deep here",
                   hint: "specs never nest this deep; look for unbalanced `[` or `{`")
        return nil
    }
    // The parser holds the anchors: it must outlive the walk, which asks each node for its anchor.
    let parser: Parser
    let root: Node?
    do {
        parser = try Parser(yaml: file.text)
        root = try parser.singleRoot()
    } catch let error as YamlError {
        sink.report(diagnostic(for: error, in: file))
        return nil
    } catch {
        sink.error(RuleID.yamlSyntax, at: SourceLocation(file: file.path, line: 1, column: 1), "cannot read YAML: \(error)")
        return nil
    }
    guard let root else { return nil }
    return withExtendedLifetime(parser) {
        var walk = Walk(file: file.path, sink: sink)
        return walk.convert(root, depth: 0)
    }
}

/// The first place where `[` and `{` nest deeper than the limit, outside quotes and comments: checked before
/// parsing, because the parser itself recurses once per level.
private func flowDepthExceeded(_ file: SourceFile) -> SourceLocation? {
    var depth = 0, line = 1, column = 0
    var quote: UInt8? = nil
    var comment = false
    var previous: UInt8 = 0x0A
    for byte in file.text.utf8 {
        column += 1
        defer { previous = byte }
        if byte == 0x0A {
            line += 1
            column = 0
            comment = false
            continue
        }
        if comment { continue }
        if let q = quote {
            if byte == q { quote = nil }
            continue
        }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = byte
        case UInt8(ascii: "#") where previous == 0x20 || previous == 0x0A || previous == 0x09: comment = true
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            depth += 1
            if depth > YAMLLimits.maxDepth { return SourceLocation(file: file.path, line: line, column: column) }
        case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
        default: break
        }
    }
    return nil
}

private func location(_ mark: Mark?, _ file: String) -> SourceLocation {
    SourceLocation(file: file, line: max(mark?.line ?? 1, 1), column: max(mark?.column ?? 1, 1))
}

/// Yams' tree to the located tree. An anchored node (and every alias of it, which Yams hands over as the same
/// node) is refused without looking inside: that is what keeps an alias bomb from expanding.
private struct Walk {
    let file: String
    let sink: DiagnosticSink
    var refused = Set<SourceLocation>()

    init(file: String, sink: DiagnosticSink) {
        self.file = file
        self.sink = sink
    }

    mutating func convert(_ node: Node, depth: Int) -> SyntaxNode? {
        if node.anchor != nil {
            let at = location(node.mark, file)
            if refused.insert(at).inserted {
                sink.error(RuleID.yamlSyntax, at: at, "YAML anchors and aliases are not allowed in specs",
                           hint: "write the value out where it is used, or use a reference such as `{table: Contacts}`")
            }
            return nil
        }
        guard depth < YAMLLimits.maxDepth else {
            let at = location(node.mark, file)
            if refused.insert(at).inserted {
                sink.error(RuleID.yamlSyntax, at: at, "lists and mappings are nested more than \(YAMLLimits.maxDepth) levels deep here",
                           hint: "specs never nest this deep; check the indentation")
            }
            return nil
        }
        switch node {
        case .scalar(let s):
            return .scalar(ScalarNode(text: s.string, location: location(s.mark, file), isPlain: s.style == .plain || s.style == .any))
        case .sequence(let seq):
            let items = seq.compactMap { convert($0, depth: depth + 1) }
            return .sequence(SequenceNode(items: items, location: location(seq.mark, file)))
        case .mapping(let map):
            var entries: [(key: ScalarNode, value: SyntaxNode)] = []
            for (key, value) in map {
                guard case .scalar(let k) = key, key.anchor == nil else {
                    sink.error(RuleID.schemaType, at: location(key.mark, file), "a mapping key must be a plain name, not \(key.mapping != nil ? "a mapping" : key.sequence != nil ? "a list" : "an anchored value")",
                               hint: "write the key as a single word such as `name:`")
                    continue
                }
                guard let v = convert(value, depth: depth + 1) else { continue }
                entries.append((ScalarNode(text: k.string, location: location(k.mark, file), isPlain: k.style == .plain), v))
            }
            return .mapping(MappingNode(entries: entries, location: location(map.mark, file)))
        case .alias:
            return nil
        }
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
