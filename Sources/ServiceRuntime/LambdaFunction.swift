import Foundation
import LambdaRuntime
import MessagingCore
import Server
import WecareConfig

/// One deployed function: its handler, chosen by an exhaustive switch over the generated handlers (a
/// handler added to the specs does not compile until it has a case here), and the events it takes.
public struct LambdaFunction: Sendable {
    public let function: FunctionName
    let context: ServiceContext
    let api: APIGatewayBridge?

    public init(_ function: FunctionName, context: ServiceContext) {
        self.function = function
        self.context = context
        api = function.handler.serves == .routes ? APIGatewayBridge(context) : nil
    }

    public struct WrongEvent: Error, CustomStringConvertible {
        public var description: String
    }

    /// An inbound event that was neither stored nor kept in the DLQ table: the invocation fails.
    public struct InboundNotStored: Error, CustomStringConvertible {
        public var description: String
    }

    public func handle(_ invocation: Invocation) async throws -> Data {
        let event = LambdaEvent.decode(invocation.event)
        switch function.handler {
        case .inboundWhatsapp:
            guard case .sns(let records) = event else { throw WrongEvent(description: "\(function.rawValue) takes SNS events") }
            let settings = await context.settings.value
            var notStored: [String] = []
            for record in records {
                do {
                    let outcome = try await InboundProcessor(context.deps, settings: settings).process(record.message, eventID: record.messageId)
                    // Stored first; then ai-query-kb is invoked asynchronously, and a failure to invoke it is kept in the DLQ.
                    await AISuggestionService.request(for: outcome.questions, context.deps, settings: settings, queue: context.ai.queue)
                } catch .invalid {
                    // Kept in the DLQ table by the core: the invocation succeeds, so SNS does not deliver it again.
                } catch {
                    // Neither stored nor kept (the DLQ write failed, or a write kept losing): the other records
                    // are still worked, then the invocation fails, so Lambda retries the event (what was stored
                    // is found again as a duplicate) and at last keeps it on the function's dead-letter queue.
                    notStored.append(error.message)
                }
            }
            if !notStored.isEmpty { throw InboundNotStored(description: notStored.joined(separator: "; ")) }
            return Data("{}".utf8)
        case .bulkWorker:
            guard case .sqs(let records) = event else { throw WrongEvent(description: "\(function.rawValue) takes SQS batches") }
            guard let bulk = context.bulk else { throw WrongEvent(description: "\(function.rawValue) was not given the bulk tables") }
            let worker = BulkWorker(context.deps, settings: await context.settings.value, bulk: bulk)
            var failed: [String] = []
            for record in records {
                // A chunk fully handled, or of a paused job (resume queues its pending recipients again), leaves the
                // queue; a chunk handed back at the invocation's deadline or a failure goes back to SQS, which
                // redrives it to the bulk DLQ after its receive limit (messaging.bulk-redrive).
                guard let chunk = try? BulkChunk(json: record.body),
                      (try? await worker.work(chunk, deadline: invocation.deadline))?.leavesQueue == true else {
                    failed.append(record.messageId)
                    continue
                }
            }
            return LambdaEvent.batchResponse(failed: failed)
        case .bulkReconcile:
            // The recovery path in AWS, on EventBridge's schedule. Every step is a conditional write, so two
            // runs overlapping (a slow one and the next minute's) settle nothing twice. A failure fails the
            // invocation; the next minute's run takes it up.
            guard case .scheduled = event else { throw WrongEvent(description: "\(function.rawValue) takes EventBridge scheduled events") }
            guard let bulk = context.bulk else { throw WrongEvent(description: "\(function.rawValue) was not given the bulk tables") }
            let service = BulkService(context.deps, settings: await context.settings.value, bulk: bulk)
            let settled = try await service.settle(leaseExpiredBy: context.deps.clock.now())
            let requeued = try await service.reconcile(settling: false)
            context.deps.events.record(.info, "bulk_reconciled", ["requeuedJobs": String(requeued), "settledRecipients": String(settled.settled),
                                                                 "pendingAgain": String(settled.requeued), "interrupted": String(settled.failedUnknown)])
            return Data("{}".utf8)
        case .aiQueryKnowledgeBase:
            // Invoked asynchronously with `{"messageId": …}`: retrieval, then the passages handed to ai-generate-response.
            // A failure is kept in the DLQ table (replay asks again) and the invocation succeeds, so Lambda does not retry it.
            let messageId = try Self.messageId(invocation.event, function)
            let settings = await context.settings.value
            let service = AISuggestionService(context.deps, settings: settings, ai: context.ai)
            do throws(CoreError) {
                let retrieval = try await service.retrieve(messageId: messageId)
                guard let next = context.ai.handoff else { throw CoreError.internal("\(function.rawValue) was not given ai-generate-response") }
                do { try await next.hand(retrieval) } catch { throw CoreError.internal("invoking ai-generate-response failed: \(error)") }
            } catch {
                await AISuggestionService.deadLetter(messageId, reason: error.message, context.deps, settings: settings)
            }
            return Data("{}".utf8)
        case .aiGenerateResponse:
            let retrieval: AISuggestionService.Retrieval
            do { retrieval = try JSONDecoder().decode(AISuggestionService.Retrieval.self, from: invocation.event) } catch {
                throw WrongEvent(description: "\(function.rawValue) takes what ai-query-kb retrieved: \(error)")
            }
            let settings = await context.settings.value
            do throws(CoreError) {
                let interaction = try await AISuggestionService(context.deps, settings: settings, ai: context.ai).complete(retrieval)
                return Data("{\"interactionId\":\(jsonQuote(interaction.id))}".utf8)
            } catch {
                await AISuggestionService.deadLetter(retrieval.messageId, reason: error.message, context.deps, settings: settings)
                return Data("{}".utf8)
            }
        case .authMiddleware, .contactsCreate, .contactsRead, .contactsUpdate, .contactsDelete, .contactsSearch,
             .outboundWhatsapp, .outboundSms, .outboundEmail, .bulkCreate, .bulkControl, .dlqReplay:
            guard case .http(let request) = event, let api else { throw WrongEvent(description: "\(function.rawValue) takes API Gateway HTTP events") }
            return try await api.handle(request, requestId: invocation.requestId)
        }
    }

    /// The message id of an AI function's direct invocation.
    static func messageId(_ event: Data, _ function: FunctionName) throws -> String {
        guard let object = try? JSONSerialization.jsonObject(with: event) as? [String: Any], let id = object["messageId"] as? String else {
            throw WrongEvent(description: "\(function.rawValue) takes {\"messageId\": …}")
        }
        return id
    }
}
