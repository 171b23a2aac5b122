import Foundation

/// A small immutable XML element tree, queried by slash-separated paths.
///
/// `tree.string("DescribeStacksResult/Stacks/member/StackStatus")` reads the first match;
/// `tree.all("StackEvents/member")` returns every element the last step matches.
/// Namespaces are ignored: AWS responses use a default namespace only.
public struct XMLTree: Sendable, Equatable {
    public var name: String
    public var attributes: [String: String]
    /// The element's own character data (not its children's), exactly as sent.
    public var text: String
    public var children: [XMLTree]

    public init(name: String, attributes: [String: String] = [:], text: String = "", children: [XMLTree] = []) {
        self.name = name
        self.attributes = attributes
        self.text = text
        self.children = children
    }

    /// Parses a whole document and returns its root element.
    public init(parsing data: Data) throws {
        self = try XMLTreeParser.parse(data)
    }

    /// The first direct child called `name`.
    public func child(_ name: String) -> XMLTree? {
        children.first { $0.name == name }
    }

    /// The first element reached by following `path` from this element ("" is this element).
    public func element(_ path: String) -> XMLTree? {
        all(path).first
    }

    /// The text of the element at `path`, or nil when there is no such element.
    public func string(_ path: String) -> String? {
        element(path)?.text
    }

    /// Every element reached by `path`; each step fans out over all children with that name.
    public func all(_ path: String) -> [XMLTree] {
        var current = [self]
        for step in path.split(separator: "/") {
            current = current.flatMap { node in node.children.filter { $0.name == step } }
        }
        return current
    }

    /// The first element called `name` anywhere below (or at) this one, depth first.
    public func first(named name: String) -> XMLTree? {
        if self.name == name { return self }
        for child in children {
            if let found = child.first(named: name) { return found }
        }
        return nil
    }
}
