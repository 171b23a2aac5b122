import Foundation

/// The local environment's signing key for development tokens: random, created on first use, readable
/// only by its owner.
public enum LocalSigningKey {
    public struct Unwritable: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "cannot write the local signing key to \(path)" }
    }

    public static func load(dataDir: String) throws -> Data {
        let path = (dataDir as NSString).appendingPathComponent("dev-signing-key")
        if let existing = FileManager.default.contents(atPath: path), existing.count >= 32 { return existing }
        var rng = SystemRandomNumberGenerator()
        let data = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else { throw Unwritable(path: path) }
        return data
    }
}
