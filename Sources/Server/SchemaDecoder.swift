import Foundation

/// A string enum a request body can hold: its cases become the schema's `enum`.
protocol SchemaEnum: Decodable, CaseIterable, RawRepresentable where RawValue == String {}

/// A type whose decoder reads keys it cannot name in advance (an enum with a case per key): it gives its
/// schema and a value to stand in for it.
protocol SchemaDescribed: Decodable {
    static var schemaPlaceholder: Self { get }
    static var jsonSchema: [String: Any] { get }
}

/// The JSON Schema of a `Decodable` type, read from the type itself: a decoder that answers every
/// question a type's `init(from:)` asks with a placeholder and writes down what was asked. So the
/// OpenAPI document and the strict body check (`StrictJSON`) read the request types, not a second list.
///
/// A key read with `decodeIfPresent` (or guarded by `contains`) is optional; a value whose
/// `decodeNil` is asked (`Patch`) may be `null`; every other key is required. Objects refuse keys they
/// do not read (`additionalProperties: false`).
enum SchemaDecoder {
    static func schema<T: Decodable>(of type: T.Type) -> [String: Any] {
        let recorder = Recorder()
        return recorder.schema(of: type)
    }

    /// The schema of an answer: the same, but objects allow keys they do not list, so that a field added
    /// to an answer does not break a client that validates it.
    static func responseSchema(of type: any Decodable.Type) -> [String: Any] {
        func of<T: Decodable>(_ t: T.Type) -> [String: Any] { Recorder(closed: false).schema(of: t) }
        return of(type)
    }

    final class Recorder {
        /// Types already being described: a recursive type would never end (none of the bodies is one).
        var depth = 0
        /// Whether objects refuse keys they do not read (`additionalProperties: false`): request bodies.
        let closed: Bool

        init(closed: Bool = true) { self.closed = closed }

        func schema<T: Decodable>(of type: T.Type) -> [String: Any] {
            if let e = type as? any SchemaEnum.Type { return enumSchema(e) }
            if let d = type as? any SchemaDescribed.Type { return d.jsonSchema }
            switch type {
            case is Date.Type: return ["type": "string", "format": "date-time"]
            case is String.Type: return ["type": "string"]
            case is Bool.Type: return ["type": "boolean"]
            case is Int.Type, is Int64.Type, is Int32.Type: return ["type": "integer"]
            case is Double.Type, is Float.Type: return ["type": "number"]
            default: break
            }
            precondition(depth < 16, "\(type) is recursive: describe it by hand")
            depth += 1
            defer { depth -= 1 }
            let node = Node(recorder: self)
            _ = try? T(from: node)
            return node.schema()
        }

        func enumSchema(_ e: any SchemaEnum.Type) -> [String: Any] {
            func cases<E: SchemaEnum>(_ e: E.Type) -> [String] { E.allCases.map(\.rawValue) }
            return ["type": "string", "enum": cases(e)]
        }

        func placeholder<T: Decodable>(_ type: T.Type) throws -> T {
            if let e = type as? any SchemaEnum.Type {
                func first<E: SchemaEnum>(_ e: E.Type) -> Any { E.allCases.first! }
                return first(e) as! T
            }
            if let d = type as? any SchemaDescribed.Type { return d.schemaPlaceholder as! T }
            switch type {
            case is Date.Type: return Date(timeIntervalSince1970: 0) as! T
            case is String.Type: return "" as! T
            case is Bool.Type: return false as! T
            case is Int.Type: return 0 as! T
            case is Int64.Type: return Int64(0) as! T
            case is Int32.Type: return Int32(0) as! T
            case is Double.Type: return 0.0 as! T
            case is Float.Type: return Float(0) as! T
            default: return try T(from: Node(recorder: self))
            }
        }
    }

    /// What one `init(from:)` asked: the keys of an object, or the element of an array, or a single value.
    final class Node: Decoder {
        let recorder: Recorder
        var properties: [(key: String, schema: [String: Any])] = []
        var optional: Set<String> = []
        var nullable = false
        var element: [String: Any]?
        var single: [String: Any]?

        init(recorder: Recorder) { self.recorder = recorder }

        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(Keyed<Key>(node: self))
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { Unkeyed(node: self) }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(node: self) }

        func record(_ key: String, _ schema: [String: Any], optional isOptional: Bool) {
            if let i = properties.firstIndex(where: { $0.key == key }) {
                properties[i].schema = schema
            } else {
                properties.append((key, schema))
            }
            if isOptional { optional.insert(key) }
        }

        func schema() -> [String: Any] {
            if var single {
                if nullable, let type = single["type"] as? String { single["type"] = [type, "null"] }
                return single
            }
            if let element { return ["type": "array", "items": element] }
            var props: [String: Any] = [:]
            for (key, schema) in properties { props[key] = schema }
            var s: [String: Any] = ["type": "object", "properties": props]
            if recorder.closed { s["additionalProperties"] = false }
            let required = properties.map(\.key).filter { !optional.contains($0) }
            if !required.isEmpty { s["required"] = required.sorted() }
            return s
        }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool {
            node.optional.insert(key.stringValue)
            return true
        }
        func decodeNil(forKey key: Key) throws -> Bool { false }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            node.record(key.stringValue, node.recorder.schema(of: type), optional: node.optional.contains(key.stringValue))
            return try node.recorder.placeholder(type)
        }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            node.record(key.stringValue, node.recorder.schema(of: type), optional: true)
            return try node.recorder.placeholder(type)
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "nested containers are not described")
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "nested containers are not described")
        }
        func superDecoder() throws -> any Decoder { node }
        func superDecoder(forKey key: Key) throws -> any Decoder { node }
    }

    /// An array: its element type is asked once, then the array ends.
    struct Unkeyed: UnkeyedDecodingContainer {
        let node: Node
        var codingPath: [any CodingKey] { [] }
        var count: Int? { node.element == nil ? 1 : 0 }
        var isAtEnd: Bool { node.element != nil }
        var currentIndex: Int { node.element == nil ? 0 : 1 }

        mutating func decodeNil() throws -> Bool { false }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            node.element = node.recorder.schema(of: type)
            return try node.recorder.placeholder(type)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "nested containers are not described"))
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "nested containers are not described"))
        }
        mutating func superDecoder() throws -> any Decoder { node }
    }

    struct Single: SingleValueDecodingContainer {
        let node: Node
        var codingPath: [any CodingKey] { [] }

        func decodeNil() -> Bool {
            node.nullable = true
            return false
        }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            node.single = node.recorder.schema(of: type)
            return try node.recorder.placeholder(type)
        }
    }
}
