import Foundation

/// S3 (REST-XML, signing name `s3`): buckets, uploads and presigned download links.
///
/// Addressing is virtual-hosted (`bucket.s3.<region>.amazonaws.com`) against AWS and path-style
/// (`<endpoint>/bucket/key`) when S3's endpoint is overridden, as emulators expect.
public struct S3Client: Sendable {
    public let client: AWSClient
    private let service = AWSService.s3

    public init(client: AWSClient) {
        self.client = client
    }

    /// Creates a bucket in the client's region (a location constraint is sent outside us-east-1).
    public func createBucket(name: String) async throws {
        let region = client.configuration.region
        var body = Data()
        if region != "us-east-1" {
            body = Data(("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        let target = try address(bucket: name, key: nil)
        var request = AWSHTTPRequest(method: "PUT", path: target.path, body: body)
        if !body.isEmpty {
            request.headers["Content-Type"] = "application/xml"
        }
        _ = try await client.send(request, service: service, operation: "CreateBucket", endpoint: target.endpoint)
    }

    /// Uploads `body` to `bucket/key`; returns the ETag when S3 sends one.
    @discardableResult
    public func putObject(
        bucket: String,
        key: String,
        body: Data,
        contentType: String = "application/octet-stream"
    ) async throws -> String? {
        let target = try address(bucket: bucket, key: key)
        let request = AWSHTTPRequest(
            method: "PUT", path: target.path, headers: ["Content-Type": contentType], body: body)
        let response = try await client.send(request, service: service, operation: "PutObject", endpoint: target.endpoint)
        return response.headers["ETag"]
    }

    /// A GET link anyone can use until it expires (default one hour).
    public func presignedGetObjectURL(bucket: String, key: String, expires: Int = 3600) async throws -> URL {
        let target = try address(bucket: bucket, key: key)
        let request = AWSHTTPRequest(method: "GET", path: target.path)
        return try await client.presignedURL(for: request, service: service, expires: expires, endpoint: target.endpoint)
    }

    // MARK: - Private

    /// The endpoint and encoded path for a bucket and optional key.
    private func address(bucket: String, key: String?) throws -> (endpoint: URL, path: String) {
        let keyPath = key.map { "/" + PercentEncoding.encode($0, keepingSlashes: true) } ?? "/"
        let configuration = client.configuration
        // Dotted bucket names break TLS on virtual hosts, so they stay path-style too.
        if configuration.overriddenEndpoint(for: service) != nil || bucket.contains(".") {
            let path = "/" + PercentEncoding.encode(bucket) + (key == nil ? "" : keyPath)
            return (try configuration.endpoint(for: service), path)
        }
        guard let endpoint = URL(string: "https://\(bucket).s3.\(configuration.region).amazonaws.com") else {
            throw AWSClientError.invalidRequest(service: service.name, operation: "address", reason: "bad bucket name \(bucket)")
        }
        return (endpoint, keyPath)
    }
}
