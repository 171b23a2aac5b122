/// The output formats of `wecare drift`, each rendering the same `DriftReport`.
public enum DriftFormat: String, Sendable, CaseIterable {
    /// For a terminal and CI logs.
    case text
    /// Versioned JSON for tools; the schema is documented on `DriftJSONRenderer`.
    case json
    /// A pull-request or issue comment.
    case markdown

    public func render(_ report: DriftReport) -> String {
        switch self {
        case .text: DriftTextRenderer.render(report)
        case .json: DriftJSONRenderer.render(report)
        case .markdown: DriftMarkdownRenderer.render(report)
        }
    }
}
