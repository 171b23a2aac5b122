import Crypto
import Foundation

/// AWS Signature Version 4 for one service in one region.
///
/// The signer never reads the clock: every method takes the signing `date`.
public struct SigV4Signer: Sendable {
    /// Per-service differences in how the canonical request is built.
    public struct Options: Sendable, Equatable {
        /// Remove `.`/`..` segments and repeated slashes (every service except S3).
        public var normalizesPath: Bool
        /// Percent-encode the wire path again (every service except S3, whose keys are signed as sent).
        public var encodesPath: Bool
        /// Add and sign `x-amz-content-sha256` (S3 requires it).
        public var addsContentSHA256Header: Bool

        public init(normalizesPath: Bool = true, encodesPath: Bool = true, addsContentSHA256Header: Bool = false) {
            self.normalizesPath = normalizesPath
            self.encodesPath = encodesPath
            self.addsContentSHA256Header = addsContentSHA256Header
        }

        public static let standard = Options()
        public static let s3 = Options(normalizesPath: false, encodesPath: false, addsContentSHA256Header: true)
    }

    /// Every intermediate value of one signature, so tests can compare each step.
    public struct Signature: Sendable, Equatable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var signedHeaders: String
        public var credentialScope: String
        public var signature: String
        public var authorization: String
    }

    public static let algorithm = "AWS4-HMAC-SHA256"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    public let credentials: AWSCredentials
    public let region: String
    public let service: String
    public let options: Options

    public init(credentials: AWSCredentials, region: String, service: String, options: Options = .standard) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
    }

    /// Returns the request with `X-Amz-Date`, the session token (if any), the payload hash header
    /// (if the options ask) and `Authorization` set.
    public func sign(_ request: AWSHTTPRequest, date: Date) -> AWSHTTPRequest {
        var signed = prepared(request, date: date)
        signed.headers["Authorization"] = computeSignature(for: signed, date: date).authorization
        return signed
    }

    /// The full signature computation for `request`, after adding the headers `sign` adds.
    public func signature(for request: AWSHTTPRequest, date: Date) -> Signature {
        computeSignature(for: prepared(request, date: date), date: date)
    }

    /// A presigned URL (query-string authentication), e.g. for an S3 GetObject link.
    /// Only `host` is signed and the payload is `UNSIGNED-PAYLOAD`, as S3 expects.
    public func presignedURL(for request: AWSHTTPRequest, date: Date, expires: Int) -> URL? {
        var presigned = request
        presigned.headers = [:]
        let stamp = Self.timestamps(date)
        var query = request.query
        query.append(.init(name: "X-Amz-Algorithm", value: Self.algorithm))
        query.append(.init(name: "X-Amz-Credential", value: "\(credentials.accessKeyID)/\(scope(day: stamp.day))"))
        query.append(.init(name: "X-Amz-Date", value: stamp.full))
        query.append(.init(name: "X-Amz-Expires", value: String(expires)))
        if let token = credentials.sessionToken {
            query.append(.init(name: "X-Amz-Security-Token", value: token))
        }
        query.append(.init(name: "X-Amz-SignedHeaders", value: "host"))
        presigned.query = query
        let canonical = canonicalRequest(presigned, payloadHash: Self.unsignedPayload).text
        let signature = sign(canonicalRequest: canonical, stamp: stamp)
        presigned.query.append(.init(name: "X-Amz-Signature", value: signature.signature))
        return presigned.url
    }

    /// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")`.
    public func signingKey(day: String) -> SymmetricKey {
        let secret = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        let dayKey = Self.hmac(secret, day)
        let regionKey = Self.hmac(SymmetricKey(data: dayKey), region)
        let serviceKey = Self.hmac(SymmetricKey(data: regionKey), service)
        return SymmetricKey(data: Self.hmac(SymmetricKey(data: serviceKey), "aws4_request"))
    }

    // MARK: - Steps

    private func prepared(_ request: AWSHTTPRequest, date: Date) -> AWSHTTPRequest {
        var copy = request
        copy.headers["X-Amz-Date"] = Self.timestamps(date).full
        if let token = credentials.sessionToken {
            copy.headers["X-Amz-Security-Token"] = token
        }
        if options.addsContentSHA256Header && copy.headers["x-amz-content-sha256"] == nil {
            copy.headers["x-amz-content-sha256"] = Self.hexSHA256(copy.body)
        }
        return copy
    }

    private func computeSignature(for request: AWSHTTPRequest, date: Date) -> Signature {
        let payloadHash = request.headers["x-amz-content-sha256"] ?? Self.hexSHA256(request.body)
        let canonical = canonicalRequest(request, payloadHash: payloadHash)
        let signed = sign(canonicalRequest: canonical.text, stamp: Self.timestamps(date))
        return Signature(
            canonicalRequest: canonical.text,
            stringToSign: signed.stringToSign,
            signedHeaders: canonical.signedHeaders,
            credentialScope: signed.credentialScope,
            signature: signed.signature,
            authorization: "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(signed.credentialScope), "
                + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signed.signature)"
        )
    }

    private func sign(
        canonicalRequest: String,
        stamp: (full: String, day: String)
    ) -> (stringToSign: String, credentialScope: String, signature: String) {
        let credentialScope = scope(day: stamp.day)
        let stringToSign = [
            Self.algorithm,
            stamp.full,
            credentialScope,
            Self.hexSHA256(Data(canonicalRequest.utf8)),
        ].joined(separator: "\n")
        let mac = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey(day: stamp.day))
        return (stringToSign, credentialScope, Self.hex(Data(mac)))
    }

    private func canonicalRequest(_ request: AWSHTTPRequest, payloadHash: String) -> (text: String, signedHeaders: String) {
        let headers = canonicalHeaders(request)
        let signedHeaders = headers.map(\.name).joined(separator: ";")
        let text = [
            request.method.uppercased(),
            canonicalURI(request.path),
            canonicalQuery(request.query),
            headers.map { "\($0.name):\($0.value)\n" }.joined(),
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        return (text, signedHeaders)
    }

    private func canonicalURI(_ path: String) -> String {
        var path = path.isEmpty ? "/" : path
        if options.normalizesPath {
            path = Self.normalized(path)
        }
        return options.encodesPath ? PercentEncoding.encode(path, keepingSlashes: true) : path
    }

    private func canonicalQuery(_ items: [AWSHTTPRequest.QueryItem]) -> String {
        let encoded: [(name: String, value: String)] = items.map {
            (PercentEncoding.encode($0.name), PercentEncoding.encode($0.value))
        }
        let sorted = encoded.sorted { lhs, rhs in
            lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name
        }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// Lower-cased names, sorted; repeated headers joined with commas in their original order;
    /// values trimmed with inner runs of spaces collapsed. `host` comes from the request authority.
    private func canonicalHeaders(_ request: AWSHTTPRequest) -> [(name: String, value: String)] {
        var values: [String: [String]] = ["host": [request.authority]]
        for field in request.headers {
            let name = field.name.lowercased()
            if Self.unsignedHeaders.contains(name) { continue }
            values[name, default: []].append(Self.trimmed(field.value))
        }
        return values.keys.sorted().map { (name: $0, value: values[$0]!.joined(separator: ",")) }
    }

    private func scope(day: String) -> String {
        "\(day)/\(region)/\(service)/aws4_request"
    }

    // MARK: - Helpers

    /// Headers that proxies or the HTTP stack may change, so signing them would break requests.
    private static let unsignedHeaders: Set<String> = [
        "host", "authorization", "user-agent", "expect", "x-amzn-trace-id", "content-length", "connection",
    ]

    static func normalized(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        var result = "/" + segments.joined(separator: "/")
        if path.hasSuffix("/") && result != "/" { result += "/" }
        return result
    }

    private static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func timestamps(_ date: Date) -> (full: String, day: String) {
        let full = UTCCalendar.basicTimestamp(date)
        return (full, String(full.prefix(8)))
    }

    static func hexSHA256(_ data: Data) -> String {
        hex(Data(SHA256.hash(data: data)))
    }

    private static func hmac(_ key: SymmetricKey, _ message: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key))
    }

    private static func hex(_ data: Data) -> String {
        let digits = Array("0123456789abcdef")
        var result = ""
        result.reserveCapacity(data.count * 2)
        for byte in data {
            result.append(digits[Int(byte >> 4)])
            result.append(digits[Int(byte & 0x0F)])
        }
        return result
    }
}
