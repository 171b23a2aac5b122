import SpecModel

/// The located YAML tree: what a spec file says, and where it says it.
public indirect enum SyntaxNode: Sendable {
    case scalar(ScalarNode)
    case mapping(MappingNode)
    case sequence(SequenceNode)

    public var location: SourceLocation {
        switch self {
        case .scalar(let s): s.location
        case .mapping(let m): m.location
        case .sequence(let s): s.location
        }
    }

    /// How a reader names the node's kind in a type error.
    public var kindDescription: String {
        switch self {
        case .scalar(let s): s.isNull ? "null" : s.isPlain && Int(s.text) != nil ? "a number" : s.isPlain && (s.text == "true" || s.text == "false") ? "a boolean" : "a string"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }
}

public struct ScalarNode: Sendable {
    public var text: String
    public var location: SourceLocation
    /// Unquoted: `30` is a number and `true` a boolean only when plain.
    public var isPlain: Bool

    public var isNull: Bool { isPlain && (text.isEmpty || text == "~" || text == "null") }
}

public struct MappingNode: Sendable {
    public var entries: [(key: ScalarNode, value: SyntaxNode)]
    public var location: SourceLocation

    public subscript(key: String) -> SyntaxNode? { entries.first { $0.key.text == key }?.value }
}

public struct SequenceNode: Sendable {
    public var items: [SyntaxNode]
    public var location: SourceLocation
}
