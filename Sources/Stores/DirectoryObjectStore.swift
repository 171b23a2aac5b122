import Foundation
import MessagingCore

/// The local object store: `{root}/{bucket}/{key}`, mirroring the bucket and its prefixes on disk.
/// Writes go to a temporary file first and are moved into place, so a reader never sees half a report.
public struct DirectoryObjectStore: ObjectStore {
    public let root: URL

    public init(root: URL) { self.root = root }

    public func put(bucket: String, key: String, data: Data, contentType: String) async throws {
        guard !key.isEmpty, !key.hasPrefix("/"), !key.split(separator: "/").contains(".."), !bucket.contains("/") else {
            throw StoreError.notFound("object key \(bucket)/\(key) is not a plain bucket/key")
        }
        let target = root.appendingPathComponent(bucket).appendingPathComponent(key)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        try data.write(to: temporary)
        // rename(2) replaces the target atomically.
        guard rename(temporary.path, target.path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)])
        }
    }

    /// Reads an object back (tests and the local report route).
    public func get(bucket: String, key: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(bucket).appendingPathComponent(key))
    }
}
