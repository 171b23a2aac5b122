/// The form fields of an AWS query-protocol request, in insertion order.
///
/// Lists are flattened as `Name.member.1`, `Name.member.2`; structures inside lists as
/// `Name.member.1.Field`.
public struct QueryParameters: Sendable, Equatable {
    public private(set) var items: [AWSHTTPRequest.QueryItem] = []

    public init() {}

    /// Adds `name=value`; a nil value is left out, as AWS treats absent and unset alike.
    public mutating func set(_ name: String, _ value: String?) {
        guard let value else { return }
        items.append(.init(name: name, value: value))
    }

    /// Adds `name.member.N=value` for each value (N from 1).
    public mutating func setList(_ name: String, _ values: [String]) {
        for (index, value) in values.enumerated() {
            set("\(name).member.\(index + 1)", value)
        }
    }

    /// Adds `name.member.N.Field=value` for each structure's fields, in the order given.
    public mutating func setStructureList(_ name: String, _ structures: [[(field: String, value: String?)]]) {
        for (index, fields) in structures.enumerated() {
            for field in fields {
                set("\(name).member.\(index + 1).\(field.field)", field.value)
            }
        }
    }

    /// Adds a map as `name.entry.N.key` / `name.entry.N.value`, sorted by key for stable output.
    public mutating func setMap(_ name: String, _ map: [String: String], keyName: String = "key", valueName: String = "value") {
        for (index, key) in map.keys.sorted().enumerated() {
            set("\(name).entry.\(index + 1).\(keyName)", key)
            set("\(name).entry.\(index + 1).\(valueName)", map[key])
        }
    }

    /// `application/x-www-form-urlencoded` body with RFC 3986 escaping (space is `%20`).
    public var formEncoded: String {
        items.map { "\(PercentEncoding.encode($0.name))=\(PercentEncoding.encode($0.value))" }
            .joined(separator: "&")
    }
}
