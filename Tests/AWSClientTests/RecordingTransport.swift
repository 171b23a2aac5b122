import AWSClient
import Foundation

/// Records every request and answers from a script; when the script runs out it answers `fallback`.
final class RecordingTransport: HTTPTransport, @unchecked Sendable {
    enum Reply {
        case response(AWSHTTPResponse)
        case failure(any Error)
    }

    struct ConnectionLost: Error {}

    private let lock = NSLock()
    private var script: [Reply]
    private var recorded: [AWSHTTPRequest] = []
    private let fallback: AWSHTTPResponse

    init(_ script: [Reply] = [], fallback: AWSHTTPResponse = AWSHTTPResponse(statusCode: 200, body: Data("{}".utf8))) {
        self.script = script
        self.fallback = fallback
    }

    convenience init(json: String, status: Int = 200) {
        self.init([], fallback: AWSHTTPResponse(statusCode: status, body: Data(json.utf8)))
    }

    var requests: [AWSHTTPRequest] {
        lock.withLock { recorded }
    }

    var lastRequest: AWSHTTPRequest? { requests.last }

    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        let reply: Reply = lock.withLock {
            recorded.append(request)
            return script.isEmpty ? .response(fallback) : script.removeFirst()
        }
        switch reply {
        case .response(let response): return response
        case .failure(let error): throw error
        }
    }
}
