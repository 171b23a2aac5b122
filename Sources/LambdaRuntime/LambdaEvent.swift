import Foundation

/// The events the platform's functions receive, decoded from the invocation payload.
public enum LambdaEvent: Sendable {
    public struct SNSRecord: Sendable, Equatable {
        public var messageId: String
        public var topicArn: String
        public var message: String
        public init(messageId: String, topicArn: String, message: String) {
            self.messageId = messageId
            self.topicArn = topicArn
            self.message = message
        }
    }

    public struct SQSRecord: Sendable, Equatable {
        public var messageId: String
        public var body: String
        public var receiveCount: Int
        public init(messageId: String, body: String, receiveCount: Int) {
            self.messageId = messageId
            self.body = body
            self.receiveCount = receiveCount
        }
    }
    public struct HTTPRequestEvent: Sendable, Equatable {
        public var method: String
        public var path: String
        public var rawQuery: String
        public var headers: [String: String]
        public var body: Data
        /// `requestContext.authorizer.jwt.claims`: what API Gateway's JWT authorizer verified; nil on an unauthorized route.
        public var claims: [String: String]?

        public init(method: String, path: String, rawQuery: String = "", headers: [String: String] = [:], body: Data = Data(),
                    claims: [String: String]? = nil) {
            (self.method, self.path, self.rawQuery, self.headers, self.body, self.claims) = (method, path, rawQuery, headers, body, claims)
        }
    }

    case sns([SNSRecord])
    case sqs([SQSRecord])
    case http(HTTPRequestEvent)
    /// An EventBridge schedule's event (`"source": "aws.events"`, `"detail-type": "Scheduled Event"`): its time.
    case scheduled(time: String)
    /// A direct invoke: the payload as sent.
    case direct(Data)

    public static func decode(_ data: Data) -> LambdaEvent {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return .direct(data) }
        if let records = object["Records"] as? [[String: Any]], let first = records.first {
            if (first["EventSource"] as? String) == "aws:sns" {
                return .sns(records.compactMap { r in
                    guard let sns = r["Sns"] as? [String: Any], let id = sns["MessageId"] as? String, let message = sns["Message"] as? String else { return nil }
                    return SNSRecord(messageId: id, topicArn: sns["TopicArn"] as? String ?? "", message: message)
                })
            }
            if (first["eventSource"] as? String) == "aws:sqs" {
                return .sqs(records.compactMap { r in
                    guard let id = r["messageId"] as? String, let body = r["body"] as? String else { return nil }
                    let count = ((r["attributes"] as? [String: Any])?["ApproximateReceiveCount"] as? String).flatMap(Int.init) ?? 1
                    return SQSRecord(messageId: id, body: body, receiveCount: count)
                })
            }
        }
        if (object["source"] as? String) == "aws.events", (object["detail-type"] as? String) == "Scheduled Event" {
            return .scheduled(time: object["time"] as? String ?? "")
        }
        if (object["version"] as? String) == "2.0", let context = object["requestContext"] as? [String: Any],
           let http = context["http"] as? [String: Any], let method = http["method"] as? String {
            let raw = object["body"] as? String ?? ""
            let body = (object["isBase64Encoded"] as? Bool ?? false) ? (Data(base64Encoded: raw) ?? Data()) : Data(raw.utf8)
            // Every claim arrives as a string; anything else is kept in its JSON spelling.
            let claims = ((context["authorizer"] as? [String: Any])?["jwt"] as? [String: Any])?["claims"] as? [String: Any]
            return .http(HTTPRequestEvent(method: method, path: object["rawPath"] as? String ?? http["path"] as? String ?? "/",
                                          rawQuery: object["rawQueryString"] as? String ?? "", headers: object["headers"] as? [String: String] ?? [:], body: body,
                                          claims: claims?.mapValues { ($0 as? String) ?? String(describing: $0) }))
        }
        return .direct(data)
    }

    /// The API Gateway v2 response format.
    public static func httpResponse(status: Int, headers: [String: String], body: Data) -> Data {
        let text = String(data: body, encoding: .utf8)
        let object: [String: Any] = ["statusCode": status, "headers": headers, "body": text ?? body.base64EncodedString(), "isBase64Encoded": text == nil]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    /// The SQS partial-batch response: only the failed records are retried.
    public static func batchResponse(failed: [String]) -> Data {
        let object = ["batchItemFailures": failed.map { ["itemIdentifier": $0] }]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }
}
