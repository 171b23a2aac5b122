import AWSClient
import Foundation
import Stores
import WecareConfig

/// The DynamoDB migration of the release that finds outbound messages by provider id through `prov#`
/// markers: writes the marker of every outbound message stored before, so that a status about one of
/// them still finds it. Run once per environment after the deploy; running it again writes nothing.
public enum ProviderMarkerBackfill {
    public struct NotDeployed: Error, CustomStringConvertible {
        public var environment: String
        public var description: String { "'\(environment)' has no DynamoDB tables to migrate: name preview, staging or production" }
    }

    /// - Parameter processEnvironment: read by the AWS client only (credentials, endpoint overrides).
    /// - Returns: the messages table and how many markers were written.
    public static func run(_ environment: EnvironmentName, processEnvironment: [String: String]) async throws -> (table: String, written: Int) {
        let (region, table): (String, String)
        switch environment {
        case .preview: (region, table) = (Environments.preview.region, Environments.preview.tables.messages)
        case .staging: (region, table) = (Environments.staging.region, Environments.staging.tables.messages)
        case .production: (region, table) = (Environments.production.region, Environments.production.tables.messages)
        case .local: throw NotDeployed(environment: environment.rawValue)
        }
        let configuration = try AWSClientConfiguration(region: region, environment: processEnvironment,
                                                       credentialsProvider: CredentialsProviderChain.standard(environment: processEnvironment))
        let store = DynamoDBStore(client: DynamoDBClient(client: AWSClient(configuration: configuration)), tables: .init(messages: table))
        return (table, try await store.backfillProviderMarkers())
    }
}
