import SpecModel

/// One-line renderings of template values for `before → after`: a reviewer reads `contactId HASH`,
/// `Ref TableContacts` or `300`, not a JSON block.
enum ShortValue {
    static let limit = 160

    /// With a unit, a number reads `300 s`.
    static func render(_ value: JSONValue?, unit: String? = nil) -> String? {
        guard let value else { return nil }
        var s = text(value)
        if let unit, case .int = value { s += " \(unit)" }
        return s.count > limit ? String(s.prefix(limit - 1)) + "…" : s
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items):
            return items.map(text).joined(separator: ", ")
        case .object(let o):
            if o.count == 1, let ref = o["Ref"], case .string(let id) = ref { return "Ref \(id)" }
            if o.count == 1, let att = o["Fn::GetAtt"], case .array(let parts) = att { return parts.map(text).joined(separator: ".") }
            if o.count == 1, let sub = o["Fn::Sub"], case .string(let s) = sub { return s }
            // Key schemas and attribute definitions read as `contactId HASH`, `contactId S`.
            if let name = o["AttributeName"], let kind = o["KeyType"] ?? o["AttributeType"], o.count == 2 { return "\(text(name)) \(text(kind))" }
            if let key = o["Key"], let v = o["Value"], o.count == 2 { return "\(text(key))=\(text(v))" }
            return "{" + o.keys.sorted().map { "\($0): \(text(o[$0]!))" }.joined(separator: ", ") + "}"
        }
    }
}
