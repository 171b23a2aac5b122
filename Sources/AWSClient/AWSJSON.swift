import Foundation

/// The JSON coding every JSON protocol shares. Keys are sorted so request bodies are byte-stable.
public enum AWSJSON {
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// Decodes `type`; an empty body decodes as `{}` since many operations return nothing.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, service: AWSService, operation: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data.isEmpty ? Data("{}".utf8) : data)
        } catch {
            throw AWSClientError.invalidResponse(service: service.name, operation: operation, reason: "\(error)")
        }
    }
}
