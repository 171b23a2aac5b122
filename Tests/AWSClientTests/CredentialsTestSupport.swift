import AWSClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// The live transport, refusing every host but 127.0.0.1 (so no test can reach the link-local
/// container or instance metadata addresses) and recording what it was asked to send.
final class LoopbackTransport: HTTPTransport, @unchecked Sendable {
    struct NotLoopback: Error, CustomStringConvertible {
        var host: String
        var description: String { "the tests' transport refuses \(host): tests reach 127.0.0.1 only" }
    }

    private let inner: AsyncHTTPClientTransport
    private let lock = NSLock()
    private var sent: [AWSHTTPRequest] = []

    init(timeout: Duration = .seconds(10)) {
        inner = AsyncHTTPClientTransport(timeout: timeout)
    }

    var requests: [AWSHTTPRequest] { lock.withLock { sent } }

    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        lock.withLock { sent.append(request) }
        guard request.host == "127.0.0.1" else { throw NotLoopback(host: request.host) }
        return try await inner.send(request)
    }
}

/// Answers each request with a closure, on no network at all, and records the requests.
final class AnsweringTransport: HTTPTransport, @unchecked Sendable {
    private let answer: @Sendable (AWSHTTPRequest) throws -> AWSHTTPResponse
    private let lock = NSLock()
    private var sent: [AWSHTTPRequest] = []

    init(_ answer: @escaping @Sendable (AWSHTTPRequest) throws -> AWSHTTPResponse) {
        self.answer = answer
    }

    var requests: [AWSHTTPRequest] { lock.withLock { sent } }

    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        lock.withLock { sent.append(request) }
        return try answer(request)
    }
}

/// A temporary home folder with `.aws/` files in it; removed when the test ends.
final class TemporaryHome {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("aws-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url.appendingPathComponent(".aws/sso/cache"), withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// Writes `text` at `relativePath` (e.g. ".aws/config") and returns the file's full path.
    @discardableResult
    func write(_ relativePath: String, _ text: String, executable: Bool = false) throws -> String {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        }
        return file.path
    }
}

/// What a loopback test server saw of one request.
struct SeenRequest: Sendable, Equatable {
    var method: String
    var path: String
    var query: [String: String]
    var headers: [String: String]
}

/// The requests a loopback test server received, in order.
final class SeenRequests: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [SeenRequest] = []

    var all: [SeenRequest] { lock.withLock { seen } }

    func record(_ request: Request) {
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            query[String(name)] = String(value)
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            headers[field.name.canonicalName] = field.value
        }
        lock.withLock { seen.append(SeenRequest(method: request.method.rawValue, path: request.uri.path, query: query, headers: headers)) }
    }
}

enum CredentialsFixtures {
    /// 2030-01-01T00:00:00Z: the clock of these tests.
    static let now = Date(timeIntervalSince1970: 1_893_456_000)

    /// A context over `environment` that reaches loopback only, with the fixed clock and no retries.
    static func context(
        _ environment: [String: String],
        transport: any HTTPTransport = LoopbackTransport(),
        metadataTransport: any HTTPTransport = LoopbackTransport(timeout: .seconds(1)),
        now: @escaping @Sendable () -> Date = { CredentialsFixtures.now },
        region: String? = nil
    ) -> CredentialsContext {
        CredentialsContext(environment: environment, region: region, transport: transport, metadataTransport: metadataTransport,
                           now: now, retryPolicy: .none)
    }

    /// A credentials JSON document as the container endpoint and the instance metadata service send it.
    static func document(_ keyID: String, expiration: String = "2030-01-01T06:00:00Z", extra: String = "") -> String {
        #"{\#(extra)"AccessKeyId":"\#(keyID)","SecretAccessKey":"secret-\#(keyID)","Token":"token-\#(keyID)","Expiration":"\#(expiration)"}"#
    }

    /// Runs `body` with a loopback server whose routes `configure` adds; every request is recorded.
    static func withServer(
        _ configure: (Router<BasicRequestContext>, SeenRequests) -> Void,
        _ body: @Sendable (URL, SeenRequests) async throws -> Void
    ) async throws {
        let router = Router()
        let seen = SeenRequests()
        configure(router, seen)
        try await Application(router: router).test(.live) { client in
            try await body(URL(string: "http://127.0.0.1:\(client.port!)")!, seen)
        }
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Asserts that `body` throws a `CredentialsError` and returns it.
func XCTAssertCredentialsError(
    _ body: () async throws -> AWSCredentials,
    file: StaticString = #filePath,
    line: UInt = #line
) async -> CredentialsError? {
    do {
        let credentials = try await body()
        XCTFail("expected a CredentialsError, got \(credentials)", file: file, line: line)
    } catch let error as CredentialsError {
        return error
    } catch {
        XCTFail("expected a CredentialsError, got \(error)", file: file, line: line)
    }
    return nil
}
