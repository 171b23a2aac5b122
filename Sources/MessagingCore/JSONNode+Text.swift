import Foundation

extension JSONNode {
    /// The value as JSON text, members in the order read: how a part of an event is kept on its own
    /// (a dead-lettered message, a kind the core does not type).
    public var jsonText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        case .string(let s): return jsonQuote(s)
        case .array(let items): return "[" + items.map(\.jsonText).joined(separator: ",") + "]"
        case .object(let members): return "{" + members.map { jsonQuote($0.key) + ":" + $0.value.jsonText }.joined(separator: ",") + "}"
        }
    }

    /// The object with `key` set to `value` (replaced in place, or added at the end).
    func setting(_ key: String, to value: JSONNode) -> JSONNode {
        guard case .object(var members) = self else { return self }
        if let i = members.firstIndex(where: { $0.key == key }) { members[i].value = value } else { members.append((key, value)) }
        return .object(members)
    }

    var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
}
