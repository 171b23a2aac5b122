import AWSClient
import Foundation

/// CloudFormation and IAM in memory, answering the calls `wecare drift` makes in the wire format of the API
/// references (query protocol, XML): one stack, its template, a drift detection that runs for `inProgressPolls`
/// status reads, its resource drifts, and the role's inline policies. Every request is recorded; any other action fails.
final class FakeDriftAWS: HTTPTransport, @unchecked Sendable {
    struct Drift {
        var logicalID: String
        var type: String
        var status: String
        var physicalID = "physical"
        var differences: [(path: String, expected: String, actual: String, kind: String)] = []
        var expected: String?
        var actual: String?
    }

    var stackName = "base-wecare-digital-preview"
    var stackID = "arn:aws:cloudformation:us-east-1:809904170947:stack/base-wecare-digital-preview/1"
    var stackExists = true
    var tags: [String: String] = ["wecare:environment": "preview", "wecare:spec-hash": "deployedhash"]
    var template = "{}"
    var inProgressPolls = 1
    var drifts: [Drift] = []
    var detectionStatus = "DETECTION_COMPLETE"
    var rolePolicies: [String: String] = [:]

    private let lock = NSLock()
    private var _requests: [RecordedRequest] = []
    private var polls = 0
    var requests: [RecordedRequest] { lock.withLock { _requests } }
    var actions: [String] { requests.map(\.action) }

    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        let r = decodeQueryRequest(request)
        return lock.withLock {
            _requests.append(r)
            return answer(r)
        }
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    private func answer(_ r: RecordedRequest) -> AWSHTTPResponse {
        let ns = r.fields["Version"] == "2010-05-08" ? "https://iam.amazonaws.com/doc/2010-05-08/" : "http://cloudformation.amazonaws.com/doc/2010-05-15/"
        func ok(_ inner: String) -> AWSHTTPResponse {
            AWSHTTPResponse(statusCode: 200, body: Data("""
                <\(r.action)Response xmlns="\(ns)"><\(r.action)Result>\(inner)</\(r.action)Result>\
                <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></\(r.action)Response>
                """.utf8))
        }
        func error(_ status: Int, _ code: String, _ message: String) -> AWSHTTPResponse {
            AWSHTTPResponse(statusCode: status, body: Data("<ErrorResponse><Error><Type>Sender</Type><Code>\(code)</Code><Message>\(message)</Message></Error></ErrorResponse>".utf8))
        }
        switch r.action {
        case "DescribeStacks":
            guard stackExists, r.fields["StackName"] == stackName || r.fields["StackName"] == stackID else {
                return error(400, "ValidationError", "Stack with id \(r.fields["StackName"] ?? "") does not exist")
            }
            let tagXML = tags.sorted { $0.key < $1.key }.map { "<member><Key>\($0.key)</Key><Value>\($0.value)</Value></member>" }.joined()
            return ok("<Stacks><member><StackId>\(stackID)</StackId><StackName>\(stackName)</StackName><StackStatus>UPDATE_COMPLETE</StackStatus>"
                      + "<CreationTime>2026-11-01T10:00:00Z</CreationTime><Tags>\(tagXML)</Tags></member></Stacks>")
        case "GetTemplate":
            return ok("<TemplateBody>\(Self.escape(template))</TemplateBody><StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable>")
        case "DetectStackDrift":
            polls = 0
            return ok("<StackDriftDetectionId>b78ac9b0-dec1-11e7-a451-50a68a3d4d8e</StackDriftDetectionId>")
        case "DescribeStackDriftDetectionStatus":
            polls += 1
            let done = polls > inProgressPolls
            let drifted = drifts.filter { $0.status == "MODIFIED" || $0.status == "DELETED" }.count
            return ok("<StackId>\(stackID)</StackId><StackDriftDetectionId>\(r.fields["StackDriftDetectionId"] ?? "")</StackDriftDetectionId>"
                      + "<DetectionStatus>\(done ? detectionStatus : "DETECTION_IN_PROGRESS")</DetectionStatus>"
                      + (done ? "<StackDriftStatus>\(drifted > 0 ? "DRIFTED" : "IN_SYNC")</StackDriftStatus><DriftedStackResourceCount>\(drifted)</DriftedStackResourceCount>" : "")
                      + "<Timestamp>2026-11-22T10:00:00.000Z</Timestamp>")
        case "DescribeStackResourceDrifts":
            return ok("<StackResourceDrifts>" + drifts.map { d in
                "<member><StackId>\(stackID)</StackId><LogicalResourceId>\(d.logicalID)</LogicalResourceId>"
                    + "<PhysicalResourceId>\(d.physicalID)</PhysicalResourceId><ResourceType>\(d.type)</ResourceType>"
                    + "<StackResourceDriftStatus>\(d.status)</StackResourceDriftStatus><Timestamp>2026-11-22T10:00:00.000Z</Timestamp>"
                    + (d.expected.map { "<ExpectedProperties>\(Self.escape($0))</ExpectedProperties>" } ?? "")
                    + (d.actual.map { "<ActualProperties>\(Self.escape($0))</ActualProperties>" } ?? "")
                    + "<PropertyDifferences>" + d.differences.map {
                        "<member><PropertyPath>\($0.path)</PropertyPath><ExpectedValue>\($0.expected)</ExpectedValue>"
                            + "<ActualValue>\($0.actual)</ActualValue><DifferenceType>\($0.kind)</DifferenceType></member>"
                    }.joined() + "</PropertyDifferences></member>"
            }.joined() + "</StackResourceDrifts>")
        case "ListRolePolicies":
            return ok("<PolicyNames>" + rolePolicies.keys.sorted().map { "<member>\($0)</member>" }.joined() + "</PolicyNames><IsTruncated>false</IsTruncated>")
        case "GetRolePolicy":
            guard let document = rolePolicies[r.fields["PolicyName"] ?? ""] else { return error(404, "NoSuchEntity", "no such policy") }
            return ok("<RoleName>\(r.fields["RoleName"] ?? "")</RoleName><PolicyName>\(r.fields["PolicyName"] ?? "")</PolicyName>"
                      + "<PolicyDocument>\(PercentEncoding.encode(document))</PolicyDocument>")
        case "ListAttachedRolePolicies":
            return ok("<AttachedPolicies></AttachedPolicies><IsTruncated>false</IsTruncated>")
        default:
            return error(400, "NotPerformed", "the fake answers \(r.action) with nothing")
        }
    }
}
