import Foundation
import SpecModel

extension JSONValue {
    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses JSON text from AWS (a deployed template, a policy document, drift properties) or from generated/.
    /// JSONValue has no fractions: a number that is not an integer is kept as its text, so it still compares.
    public static func parse(_ text: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(Decoded.self, from: Data(text.utf8)).value
        } catch {
            throw ParseError(description: "not JSON (\(error))")
        }
    }

    private struct Decoded: Decodable {
        var value: JSONValue

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { value = .null }
            else if let b = try? c.decode(Bool.self) { value = .bool(b) }
            else if let i = try? c.decode(Int.self) { value = .int(i) }
            else if let d = try? c.decode(Double.self) { value = .string(String(d)) }
            else if let s = try? c.decode(String.self) { value = .string(s) }
            else if let a = try? c.decode([Decoded].self) { value = .array(a.map(\.value)) }
            else { value = .object(try c.decode([String: Decoded].self).mapValues(\.value)) }
        }
    }
}
