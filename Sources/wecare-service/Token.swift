import ArgumentParser
import Foundation
import MessagingCore
import Server

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

/// The local environment's signing key: random, created on first use, readable only by its owner.
enum LocalSigningKey {
    static func load(dataDir: String) throws -> Data {
        let path = (dataDir as NSString).appendingPathComponent("dev-signing-key")
        if let existing = FileManager.default.contents(atPath: path), existing.count >= 32 { return existing }
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        let data = Data(bytes)
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write the local signing key to \(path)")
        }
        return data
    }
}
