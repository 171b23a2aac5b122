import AWSClient
import Foundation
import SpecModel

/// moto has no CloudFormation drift detection: its server answers DetectStackDrift and DescribeStackResourceDrifts
/// with a 500 "has not been implemented". This stands in for that one API in front of moto, so `wecare drift` can be
/// shown finding changes really made in moto's DynamoDB and SQS. Every other request goes to moto unchanged.
///
/// DetectStackDrift reads the stack's resources and deployed template from moto, and for each table and queue compares
/// the properties the template sets that a hand-made change is about (a table's BillingMode and StreamSpecification, a
/// queue's VisibilityTimeout, MessageRetentionPeriod and DelaySeconds) with what moto reports now; a resource moto no
/// longer has is DELETED; every other resource type is NOT_CHECKED. The two reads answer with that result in the API
/// reference's wire format; the status read reports DETECTION_IN_PROGRESS once, so the caller's polling is exercised.
final class MotoDriftDetection: HTTPTransport, @unchecked Sendable {
    private let next: any HTTPTransport
    /// A client of the same moto, for the reads the detection makes.
    private let moto: AWSClient
    private let lock = NSLock()
    private var detections: [String: (stackID: String, members: [String], polls: Int)] = [:]
    /// DescribeStackResourceDrifts answers with the stack's latest detection, as CloudFormation does.
    private var latest: [String: String] = [:]

    init(next: any HTTPTransport = AsyncHTTPClientTransport(), moto: AWSClient) {
        self.next = next
        self.moto = moto
    }

    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        let r = decodeQueryRequest(request)
        switch r.action {
        case "DetectStackDrift":
            let stack = r.fields["StackName"] ?? ""
            let id = UUID().uuidString.lowercased()
            let (stackID, members) = try await detect(stack: stack)
            lock.withLock {
                detections[id] = (stackID, members, 0)
                latest[stackID] = id
                latest[stack] = id
            }
            return ok(r.action, "<StackDriftDetectionId>\(id)</StackDriftDetectionId>")
        case "DescribeStackDriftDetectionStatus":
            let id = r.fields["StackDriftDetectionId"] ?? ""
            guard let d = lock.withLock({ () -> (stackID: String, members: [String], polls: Int)? in
                detections[id]?.polls += 1
                return detections[id]
            }) else { return AWSHTTPResponse(statusCode: 400, body: Data("<ErrorResponse><Error><Code>ValidationError</Code><Message>no detection \(id)</Message></Error></ErrorResponse>".utf8)) }
            let done = d.polls > 1
            let drifted = d.members.filter { $0.contains("<StackResourceDriftStatus>MODIFIED") || $0.contains("<StackResourceDriftStatus>DELETED") }.count
            return ok(r.action, "<StackId>\(d.stackID)</StackId><StackDriftDetectionId>\(id)</StackDriftDetectionId>"
                      + "<DetectionStatus>\(done ? "DETECTION_COMPLETE" : "DETECTION_IN_PROGRESS")</DetectionStatus>"
                      + (done ? "<StackDriftStatus>\(drifted > 0 ? "DRIFTED" : "IN_SYNC")</StackDriftStatus><DriftedStackResourceCount>\(drifted)</DriftedStackResourceCount>" : "")
                      + "<Timestamp>2026-11-22T10:00:00.000Z</Timestamp>")
        case "DescribeStackResourceDrifts":
            let stack = r.fields["StackName"] ?? ""
            let members = lock.withLock { latest[stack].flatMap { detections[$0]?.members } ?? [] }
            return ok(r.action, "<StackResourceDrifts>" + members.joined() + "</StackResourceDrifts>")
        default:
            return try await next.send(request)
        }
    }

    private func ok(_ action: String, _ inner: String) -> AWSHTTPResponse {
        AWSHTTPResponse(statusCode: 200, body: Data("""
            <\(action)Response xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><\(action)Result>\(inner)</\(action)Result>\
            <ResponseMetadata><RequestId>emulated</RequestId></ResponseMetadata></\(action)Response>
            """.utf8))
    }

    private func detect(stack: String) async throws -> (String, [String]) {
        let cloudFormation = CloudFormationClient(client: moto)
        guard let described = try await cloudFormation.describeStack(name: stack) else { return (stack, []) }
        let template = try JSONValue.parse(try await cloudFormation.getTemplate(stackName: stack))
        guard case .object(let root) = template, case .object(let resources)? = root["Resources"] else { return (described.stackID, []) }
        var members: [String] = []
        for r in try await cloudFormation.listStackResources(stackName: stack).sorted(by: { $0.logicalResourceID < $1.logicalResourceID }) {
            guard case .object(let resource)? = resources[r.logicalResourceID], case .object(let properties)? = resource["Properties"] else { continue }
            let physical = r.physicalResourceID ?? ""
            var status = "NOT_CHECKED", differences: [(String, String, String, String)] = []
            switch r.resourceType {
            case "AWS::DynamoDB::Table":
                if let actual = try await table(physical) {
                    status = "IN_SYNC"
                    let expectedBilling = Self.text(properties["BillingMode"]) ?? "PROVISIONED"
                    if actual.billingMode != expectedBilling { differences.append(("/BillingMode", expectedBilling, actual.billingMode, "NOT_EQUAL")) }
                    switch (properties["StreamSpecification"], actual.streamViewType) {
                    case (nil, let view?): differences.append(("/StreamSpecification", "null", #"{"StreamViewType":"\#(view)"}"#, "ADD"))
                    case (.object(let spec)?, nil): differences.append(("/StreamSpecification", Self.text(spec["StreamViewType"]) ?? "enabled", "null", "REMOVE"))
                    case (.object(let spec)?, let view?) where Self.text(spec["StreamViewType"]) != view:
                        differences.append(("/StreamSpecification/StreamViewType", Self.text(spec["StreamViewType"]) ?? "", view, "NOT_EQUAL"))
                    default: break
                    }
                } else {
                    status = "DELETED"
                }
            case "AWS::SQS::Queue":
                if let actual = try await queue(physical) {
                    status = "IN_SYNC"
                    for key in ["VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds"] {
                        if let expected = Self.text(properties[key]), actual[key] != expected {
                            differences.append(("/\(key)", expected, actual[key] ?? "null", actual[key] == nil ? "REMOVE" : "NOT_EQUAL"))
                        }
                    }
                } else {
                    status = "DELETED"
                }
            default: break
            }
            if !differences.isEmpty { status = "MODIFIED" }
            members.append("<member><StackId>\(described.stackID)</StackId><LogicalResourceId>\(r.logicalResourceID)</LogicalResourceId>"
                           + "<PhysicalResourceId>\(FakeDriftAWS.escape(physical))</PhysicalResourceId><ResourceType>\(r.resourceType)</ResourceType>"
                           + "<StackResourceDriftStatus>\(status)</StackResourceDriftStatus><Timestamp>2026-11-22T10:00:00.000Z</Timestamp>"
                           + "<PropertyDifferences>" + differences.map {
                               "<member><PropertyPath>\($0.0)</PropertyPath><ExpectedValue>\(FakeDriftAWS.escape($0.1))</ExpectedValue>"
                                   + "<ActualValue>\(FakeDriftAWS.escape($0.2))</ActualValue><DifferenceType>\($0.3)</DifferenceType></member>"
                           }.joined() + "</PropertyDifferences></member>")
        }
        return (described.stackID, members)
    }

    private struct TableName: Encodable {
        var TableName: String
    }

    private struct DescribeTableOutput: Decodable {
        struct Table: Decodable {
            struct Billing: Decodable { var BillingMode: String? }
            struct Stream: Decodable { var StreamEnabled: Bool?; var StreamViewType: String? }
            var BillingModeSummary: Billing?
            var StreamSpecification: Stream?
        }
        var Table: Table
    }

    /// The table's billing mode and stream view type, or nil when moto has no such table.
    private func table(_ name: String) async throws -> (billingMode: String, streamViewType: String?)? {
        do {
            let out = try await moto.json(.dynamoDB, operation: "DescribeTable", input: TableName(TableName: name), as: DescribeTableOutput.self)
            let stream = out.Table.StreamSpecification.flatMap { $0.StreamEnabled == true ? ($0.StreamViewType ?? "") : nil }
            return (out.Table.BillingModeSummary?.BillingMode ?? "PROVISIONED", stream)
        } catch let error as AWSError where error.code.contains("ResourceNotFound") {
            return nil
        }
    }

    /// The queue's attributes by its URL (the physical id), or nil when moto has no such queue.
    private func queue(_ url: String) async throws -> [String: String]? {
        let sqs = SQSClient(client: moto)
        do {
            return try await sqs.getQueueAttributes(queueURL: try await sqs.getQueueURL(name: String(url.split(separator: "/").last ?? "")))
        } catch let error as AWSError where error.code.contains("NonExistentQueue") || error.code.contains("QueueDoesNotExist") {
            return nil
        }
    }

    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s)?: s
        case .int(let i)?: String(i)
        case .bool(let b)?: b ? "true" : "false"
        default: nil
        }
    }
}
