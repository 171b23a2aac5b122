import ArgumentParser
import Foundation
import MessagingCore
import Server
import ServiceRuntime

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a development token for the local environment (accepted only there).")

    @Option(help: "viewer, operator or admin.") var role: String
    @Option(help: "The data folder of `serve`.") var dataDir = ".wecare"
    @Option(help: "The user id the token names.") var user = "local-developer"

    func run() async throws {
        guard let role = Role.allCases.first(where: { $0.rawValue.lowercased() == role.lowercased() }) else {
            throw ValidationError("--role must be viewer, operator or admin")
        }
        if let env = ProcessInfo.processInfo.environment["ENVIRONMENT"], env != "local" {
            throw ValidationError("development tokens exist only in the local environment (ENVIRONMENT=\(env)); use a Cognito token")
        }
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        print(try await TokenVerifier.localToken(secret: try LocalSigningKey.load(dataDir: dataDir), role: role, user: user))
    }
}
