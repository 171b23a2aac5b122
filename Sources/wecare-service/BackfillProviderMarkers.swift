import ArgumentParser
import Foundation
import ServiceRuntime
import WecareConfig

/// `wecare-service backfill-provider-markers --environment production`: the one-off DynamoDB migration
/// of provider-id markers (docs/inbound.md), with the caller's AWS credentials.
struct BackfillProviderMarkers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill-provider-markers",
        abstract: "Give outbound messages stored before provider-id markers theirs (once per environment; safe to repeat).")

    @Option(help: "preview, staging or production.") var environment: String

    func run() async throws {
        guard let name = EnvironmentName(rawValue: environment) else { throw ValidationError("unknown environment '\(environment)'") }
        let (table, written) = try await ProviderMarkerBackfill.run(name, processEnvironment: ProcessInfo.processInfo.environment)
        print("\(table): \(written) provider-id markers written")
    }
}
