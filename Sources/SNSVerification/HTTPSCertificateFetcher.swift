import AWSClient
import Foundation

/// Fetches signing certificates over HTTPS with the project's HTTP transport (AsyncHTTPClient:
/// no libcurl in the Lambda bundle). Redirects are never followed, so the certificate comes from
/// the host the URL policy approved or not at all.
public struct HTTPSCertificateFetcher: CertificateFetcher {
    /// SNS certificates are about 2 KB; anything far larger is not one.
    static let maximumSize = 64 * 1024

    private let transport: AsyncHTTPClientTransport

    public init(timeout: Duration = .seconds(10)) {
        transport = AsyncHTTPClientTransport(timeout: timeout, maximumResponseSize: Self.maximumSize)
    }

    public func fetch(_ url: URL) async throws -> String {
        // The policy only passes https URLs; checked again so no caller can make this fetch in the clear.
        guard url.scheme?.lowercased() == "https" else {
            throw FetchError("\(url.absoluteString) is not an https URL")
        }
        let response: AWSHTTPResponse
        do {
            response = try await transport.get(url)
        } catch AsyncHTTPClientTransport.TransportError.responseTooLarge {
            throw FetchError("\(url.absoluteString) did not return a PEM certificate (larger than \(Self.maximumSize) bytes)")
        }
        guard response.statusCode == 200 else {
            throw FetchError("GET \(url.absoluteString) answered HTTP \(response.statusCode)")
        }
        guard let pem = String(data: response.body, encoding: .utf8) else {
            throw FetchError("\(url.absoluteString) did not return a PEM certificate")
        }
        return pem
    }

    struct FetchError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
