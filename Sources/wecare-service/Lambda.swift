import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import LambdaRuntime
import MessagingCore
import Server
import WecareConfig

/// `wecare-service lambda`: the bootstrap of every function of the spec. It speaks the Lambda Runtime
/// API and dispatches on the generated `FunctionName`, an exhaustive switch: a function added to the
/// specs does not compile until it has a case here. API routes go to the same router `serve` runs
/// (one core, two front doors), started on loopback inside the function.
struct Lambda: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run as the provided.al2023 bootstrap of a Lambda function.")

    @Option(help: "Where the SQLite database lives inside the function.") var dataDir = "/tmp/wecare"
    @Option(help: "Loopback port of the in-function HTTP router for API Gateway events.") var routerPort = 8089

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let api = env["AWS_LAMBDA_RUNTIME_API"] else {
            throw ValidationError("AWS_LAMBDA_RUNTIME_API is not set: `lambda` runs inside AWS Lambda (or a Runtime API emulator)")
        }
        let client = RuntimeAPIClient(endpoint: api)
        guard let function = LambdaDispatch.function(env) else {
            try await client.initFailed(type: "UnknownFunction", message: "neither AWS_LAMBDA_FUNCTION_NAME nor _HANDLER names a function of the spec")
            throw ExitCode(1)
        }
        let runtime: RuntimeEnvironment
        do {
            runtime = try await RuntimeEnvironment.make(env: env, dataDir: dataDir)
        } catch {
            try await client.initFailed(type: "ConfigError", message: String(describing: error))
            throw ExitCode(1)
        }
        let app = Application(router: Routes.router(runtime.context), configuration: .init(address: .hostname("127.0.0.1", port: routerPort)))
        let server = Task { try await app.runService(gracefulShutdownSignals: [.sigterm]) }
        defer { server.cancel() }
        let dispatch = LambdaDispatch(function: function, context: runtime.context, routerBase: URL(string: "http://127.0.0.1:\(routerPort)")!)
        try await LambdaLoop.run(client: client) { try await dispatch.handle($0) }
    }
}

struct LambdaDispatch: Sendable {
    let function: FunctionName
    let context: ServiceContext
    let routerBase: URL

    static func function(_ env: [String: String]) -> FunctionName? {
        if let name = env["AWS_LAMBDA_FUNCTION_NAME"] {
            if let exact = FunctionName(rawValue: name) { return exact }
            if let suffixed = FunctionName.allCases.first(where: { name.hasSuffix("-" + $0.rawValue) }) { return suffixed }
        }
        return env["_HANDLER"].flatMap(FunctionName.init(handler:))
    }

    struct Unsupported: Error, CustomStringConvertible { var description: String }

    func handle(_ invocation: Invocation) async throws -> Data {
        let event = LambdaEvent.decode(invocation.event)
        switch function {
        case .inboundWhatsappHandler:
            guard case .sns(let records) = event else { throw Unsupported(description: "inbound-whatsapp-handler takes SNS events") }
            let settings = await context.settings.value
            for record in records {
                do {
                    _ = try await InboundProcessor(context.deps, settings: settings).process(record.message, eventID: record.messageId)
                } catch .invalid {
                    // Kept in the DLQ table by the core: the invocation succeeds, so SNS does not redeliver it.
                    // Any other error means the DLQ write itself failed (or this function was not given the
                    // table): it fails the invocation, so Lambda retries it and then keeps it on its dead-letter queue.
                }
            }
            return Data("{}".utf8)
        case .bulkWorker:
            guard case .sqs(let records) = event else { throw Unsupported(description: "bulk-worker takes SQS batches") }
            guard let bulk = context.bulk else { throw Unsupported(description: "bulk-worker needs the bulk store") }
            let worker = BulkWorker(context.deps, settings: await context.settings.value, bulk: bulk)
            var failed: [String] = []
            for record in records {
                // Only a chunk fully handled leaves the queue; a paused job's chunk or a failure goes back to SQS,
                // which redrives it to the bulk DLQ after its receive limit.
                guard let chunk = try? BulkChunk(json: record.body), (try? await worker.work(chunk)) == .done else {
                    failed.append(record.messageId)
                    continue
                }
            }
            return LambdaEvent.batchResponse(failed: failed)
        case .outboundWhatsapp, .outboundSms, .outboundEmail:
            if case .direct(let payload) = event { return try await send(payload) }
            return try await forward(event)
        case .authMiddleware, .contactsCreate, .contactsRead, .contactsUpdate, .contactsDelete, .contactsSearch,
             .bulkJobCreate, .bulkJobControl, .dlqReplay:
            return try await forward(event)
        case .aiQueryKb, .aiGenerateResponse:
            throw Unsupported(description: "\(function.rawValue): the Bedrock client is not part of this runtime yet")
        }
    }

    /// A direct invoke of an outbound function: the `POST /api/messages` body, through the same pipeline.
    func send(_ payload: Data) async throws -> Data {
        guard let object = try JSONSerialization.jsonObject(with: payload) as? [String: Any] else { throw Unsupported(description: "the payload is not a JSON object") }
        var body = object
        body["channel"] = body["channel"] ?? channel
        let request = try DirectSend.decode(body)
        let message = try await SendPipeline(context.deps, settings: await context.settings.value).send(request)
        return try JSONEncoder().encode(message)
    }

    var channel: String {
        switch function {
        case .outboundSms: "sms"
        case .outboundEmail: "email"
        default: "whatsapp"
        }
    }

    /// An API Gateway v2 event through the in-function router.
    func forward(_ event: LambdaEvent) async throws -> Data {
        guard case .http(var http) = event else { throw Unsupported(description: "\(function.rawValue) takes API Gateway HTTP events") }
        // The per-channel routes of the Lambda API are the service's one `POST /api/messages` with the channel in the body.
        if http.method == "POST", http.path.hasPrefix("/api/messages/"),
           var object = (try? JSONSerialization.jsonObject(with: http.body)) as? [String: Any] {
            object["channel"] = String(http.path.dropFirst("/api/messages/".count))
            http.path = "/api/messages"
            http.body = (try? JSONSerialization.data(withJSONObject: object)) ?? http.body
        }
        var url = routerBase.appendingPathComponent(http.path)
        if !http.rawQuery.isEmpty, let withQuery = URL(string: url.absoluteString + "?" + http.rawQuery) { url = withQuery }
        var request = URLRequest(url: url)
        request.httpMethod = http.method
        request.httpBody = http.body.isEmpty ? nil : http.body
        for (k, v) in http.headers where k.lowercased() != "host" && k.lowercased() != "content-length" { request.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 502
        let contentType = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type") ?? "application/json"
        return LambdaEvent.httpResponse(status: status, headers: ["content-type": contentType], body: data)
    }
}
