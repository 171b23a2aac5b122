import AWSClient
import Foundation
import MessagingCore

/// Run-time settings in the SystemConfig table (`SYSTEM_CONFIG_TABLE`), shared by every function.
public struct DynamoDBSettingsStore: SettingsStore {
    let db: DynamoDBClient
    let table: String

    public init(client: DynamoDBClient, table: String) {
        db = client
        self.table = table
    }

    public func setting(_ key: String) async throws -> String? {
        try await db.getItem(table: table, key: ["configKey": .s(key)])?["configValue"]?.string
    }

    public func setSetting(_ key: String, _ value: String, by user: String, at: Date) async throws {
        try await db.putItem(table: table, item: ["configKey": .s(key), "configValue": .s(value), "updatedBy": .s(user),
                                                  "updatedAt": .number(at.timeIntervalSince1970)])
    }
}
