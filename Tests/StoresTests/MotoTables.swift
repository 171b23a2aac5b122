import AWSClient
import Foundation
import TestSupport

/// DynamoDB tables in moto on 127.0.0.1, created from the generated CloudFormation (keys and indexes
/// exactly as deployed), under fresh names so that every test has its own.
enum MotoTables {
    static let server = MotoServer()
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Creates the tables of the staging template named by their logical ids; returns the client and each table's name.
    /// `transport` and `retryPolicy` let a test put faults between the client and moto (`FaultyDynamoDB`).
    static func create(_ logicalIds: [String], transport: (any HTTPTransport)? = nil,
                       retryPolicy: RetryPolicy = .none) async throws -> (DynamoDBClient, [String: String]) {
        let endpoint = try await server.start()
        let creator = AWSClient(configuration: AWSClientConfiguration(region: "us-east-1", endpointOverride: endpoint,
                                                                      credentialsProvider: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
                                                                      retryPolicy: .none))
        var configuration = AWSClientConfiguration(region: "us-east-1", endpointOverride: endpoint,
                                                   credentialsProvider: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
                                                   retryPolicy: retryPolicy)
        if let transport { configuration.transport = transport }
        let client = AWSClient(configuration: configuration)
        let template = try JSONSerialization.jsonObject(with: Data(contentsOf: packageRoot.appendingPathComponent("generated/cloudformation/staging.json"))) as! [String: Any]
        let resources = template["Resources"] as! [String: [String: Any]]
        let suffix = UUID().uuidString.prefix(8)
        var names: [String: String] = [:]
        for logical in logicalIds {
            var properties = resources[logical]!["Properties"] as! [String: Any]
            let name = "\(logical)-\(suffix)"
            properties["TableName"] = name
            let input = properties.filter { ["TableName", "KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "BillingMode"].contains($0.key) }
            let _: EmptyShape = try await creator.json(.dynamoDB, operation: "CreateTable", input: RawJSON(input))
            names[logical] = name
        }
        return (DynamoDBClient(client: client), names)
    }
}

/// A JSON object passed through as an operation's input.
private struct RawJSON: Encodable {
    var object: [String: Any]
    init(_ object: [String: Any]) { self.object = object }

    func encode(to encoder: any Encoder) throws {
        try AnyJSON(object).encode(to: encoder)
    }
}

private struct AnyJSON: Encodable {
    var value: Any
    init(_ value: Any) { self.value = value }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        switch value {
        case let o as [String: Any]:
            var c = encoder.container(keyedBy: Key.self)
            for (k, v) in o { try c.encode(AnyJSON(v), forKey: Key(stringValue: k)) }
        case let a as [Any]:
            var c = encoder.unkeyedContainer()
            for v in a { try c.encode(AnyJSON(v)) }
        case let s as String:
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case let b as Bool:
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case let n as Double:
            var c = encoder.singleValueContainer()
            try c.encode(n)
        case let n as Int:
            var c = encoder.singleValueContainer()
            try c.encode(n)
        default:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        }
    }
}
