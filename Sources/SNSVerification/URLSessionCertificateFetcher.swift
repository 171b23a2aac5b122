import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches signing certificates over HTTPS with URLSession.
public struct URLSessionCertificateFetcher: CertificateFetcher {
    /// SNS certificates are about 2 KB; anything far larger is not one.
    static let maximumSize = 64 * 1024

    private let timeout: TimeInterval

    public init(timeout: TimeInterval = 10) {
        self.timeout = timeout
    }

    public func fetch(_ url: URL) async throws -> String {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "GET"
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else {
            throw FetchError("no HTTP response from \(url.absoluteString)")
        }
        // A redirect would leave the host that the URL policy approved.
        if let final = http.url, final.scheme != url.scheme || final.host != url.host {
            throw FetchError("\(url.absoluteString) redirected to \(final.absoluteString)")
        }
        guard http.statusCode == 200 else {
            throw FetchError("GET \(url.absoluteString) answered HTTP \(http.statusCode)")
        }
        guard data.count <= Self.maximumSize, let pem = String(data: data, encoding: .utf8) else {
            throw FetchError("\(url.absoluteString) did not return a PEM certificate")
        }
        return pem
    }

    struct FetchError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
