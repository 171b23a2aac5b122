import Foundation

/// Gets the PEM text of an SNS signing certificate. The URL has already passed the SNS URL policy.
/// The live implementation is `HTTPSCertificateFetcher`; tests inject their own.
public protocol CertificateFetcher: Sendable {
    func fetch(_ url: URL) async throws -> String
}
