import SpecModel

/// JSON on one line, keys sorted, for a Condition or a property value in a sentence.
enum JSONText {
    static func compact(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): JSONValue.quote(s)
        case .int(let i): String(i)
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        case .array(let items): "[" + items.map(compact).joined(separator: ",") + "]"
        case .object(let o): "{" + o.keys.sorted().map { JSONValue.quote($0) + ":" + compact(o[$0]!) }.joined(separator: ",") + "}"
        }
    }
}
