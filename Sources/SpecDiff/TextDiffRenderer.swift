/// One line per change: `[environment] risk kind 'name' field: before → after — why`.
enum TextDiffRenderer {
    static func render(_ r: DiffReport) -> String {
        guard !r.isEmpty else { return r.noChangeSentence + "\n" }
        var out = r.notes.map { "note: \($0)\n" }.joined()
        for c in r.changes {
            out += "[\(c.environment)] \(c.risk) \(c.resource) \(c.field): \(c.before ?? "—") → \(c.after ?? "—") — \(c.why)\n"
        }
        return out
    }
}
