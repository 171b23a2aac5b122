import Foundation

/// An access key pair, with the session token and expiry that temporary (STS) credentials carry.
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// True once `expiration` has passed; long-term keys never expire.
    public func isExpired(at date: Date) -> Bool {
        expiration.map { date >= $0 } ?? false
    }
}

extension AWSCredentials: CustomStringConvertible {
    /// Never prints the secret or the token, so credentials can be logged by accident safely.
    public var description: String {
        "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>\(sessionToken == nil ? "" : ", sessionToken: <redacted>")"
            + "\(expiration.map { ", expiration: \($0.ISO8601Format())" } ?? ""))"
    }
}

/// Fixed credentials are their own provider (tests, local emulators).
extension AWSCredentials: CredentialsProvider {
    public func credentials() throws -> AWSCredentials { self }
}
