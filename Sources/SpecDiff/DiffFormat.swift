/// The output formats of `wecare diff`.
public enum DiffFormat: String, Sendable, CaseIterable {
    /// A pull-request comment.
    case markdown
    /// Versioned JSON for tools; the schema is documented on `JSONDiffRenderer`.
    case json
    /// One line per change, for logs and grep.
    case text

    public func render(_ report: DiffReport) -> String {
        switch self {
        case .markdown: MarkdownDiffRenderer.render(report)
        case .json: JSONDiffRenderer.render(report)
        case .text: TextDiffRenderer.render(report)
        }
    }
}
