import Foundation
import Hummingbird
import MessagingCore

/// `POST /webhooks/sns`: verified SNS deliveries only; subscription confirmations are confirmed,
/// notifications go through the inbound processor (a failing message is kept in the DLQ by the core; a
/// delivery not fully stored or kept answers 503, so SNS retries it).
enum SNSWebhook {
    static func handle(_ req: Request, _ s: ServiceContext) async -> Response {
        guard let verifier = s.sns else {
            return JSONBody.error(.serviceUnavailable, "SNS_NOT_CONFIGURED", "this environment has no SNS topic to accept deliveries from")
        }
        let body: String
        do { body = try await JSONBody.text(req) } catch { return JSONBody.error(error) }
        let delivery: SNSDelivery
        do {
            delivery = try await verifier.verify(body: body)
        } catch {
            s.metrics.increment("wecare_inbound_events_total", ["outcome": "rejected"])
            s.deps.events.record(.warning, "sns_rejected", ["reason": String(describing: error)])
            return JSONBody.error(.forbidden, "SNS_SIGNATURE_INVALID", String(describing: error))
        }
        switch delivery {
        case .subscriptionConfirmation(let topic, let url):
            do {
                try await verifier.confirm(url)
                s.deps.events.record(.info, "sns_subscription_confirmed", ["topicArn": topic])
                return JSONBody.response(.ok, ["confirmed": topic])
            } catch {
                return JSONBody.error(.badGateway, "SNS_CONFIRMATION_FAILED", String(describing: error))
            }
        case .unsubscribeConfirmation(let topic):
            s.deps.events.record(.warning, "sns_unsubscribed", ["topicArn": topic])
            return JSONBody.response(.ok, ["unsubscribed": topic])
        case .notification(let id, let message):
            return await process(message, eventID: id, s)
        }
    }

    /// 200 once every message and status of the event is stored, applied, parked or kept in the DLQ;
    /// 503 when any of them is none of these (the DLQ write itself failed, or a write kept losing to
    /// concurrent ones), so that SNS delivers the event again: a 200 is never retried.
    static func process(_ message: String, eventID: String, _ s: ServiceContext) async -> Response {
        let settings = await s.settings.value
        do {
            let outcome = try await InboundProcessor(s.deps, settings: settings).process(message, eventID: eventID)
            // Stored first, then queued: a suggestion never delays or endangers the message itself.
            await AISuggestionService.request(for: outcome.questions, s.deps, settings: settings, queue: s.ai.queue)
            s.metrics.increment("wecare_inbound_events_total", ["outcome": outcome.deadLettered.isEmpty ? "processed" : "dead_lettered"])
            return JSONBody.response(.ok, json: outcome.json)
        } catch .invalid(let reason) {
            s.metrics.increment("wecare_inbound_events_total", ["outcome": "dead_lettered"])
            // Kept whole in the DLQ; SNS must not retry what is already kept, so answer 200 with what happened.
            return JSONBody.response(.ok, ["deadLettered": eventID, "reason": reason])
        } catch {
            s.metrics.increment("wecare_inbound_events_total", ["outcome": "not_stored"])
            return JSONBody.error(.serviceUnavailable, "INBOUND_NOT_STORED", error.message)
        }
    }
}

extension InboundProcessor.Outcome {
    /// What an inbound delivery did, as JSON with sorted keys. Written by hand: SNS and the ingestion
    /// benchmark post thousands a second, and JSONEncoder cost more than building it.
    var json: String {
        func list(_ items: [String]) -> String { "[" + items.map(jsonQuote).joined(separator: ",") + "]" }
        return "{\"createdContacts\":\(list(createdContacts)),\"deadLettered\":\(list(deadLettered)),\"duplicates\":\(list(duplicates)),"
            + "\"statusesApplied\":\(statusesApplied),\"statusesParked\":\(list(statusesParked)),\"stored\":\(list(stored))}"
    }
}
