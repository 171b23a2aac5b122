import AWSClient
import Deploy
import Foundation
import SpecModel

/// CloudFormation as far as an adoption needs it, for emulators that have no imports (moto 5 ignores
/// `ResourcesToImport` and, executing, creates the resources anew). It checks an IMPORT change set as
/// CloudFormation does: every resource to import is in the template with its type, carries a DeletionPolicy and
/// is named by its primary identifier as the template names it; nothing else in the template changes; the stack
/// does not hold it yet; and no parameter is given that the template does not declare. A request that breaks a rule
/// is refused with a ValidationError and recorded in `rejections`. UPDATE change sets are described with
/// CloudFormation's replacement rules for the adopted types (a table's name or key, a queue's name or FIFO-ness, a
/// log group's name). Requests to other services (DynamoDB, SQS, CloudWatch Logs) go on to `next`, where the
/// live resources are.
final class ImportCheckingCloudFormation: HTTPTransport, @unchecked Sendable {
    struct Stack {
        var name: String
        var id: String
        var status = "REVIEW_IN_PROGRESS"
        var tags: [String: String] = [:]
        var resources: [String: JSONValue] = [:]
        var physical: [String: String] = [:]
        var template: [String: JSONValue] = [:]
        var events: [(id: String, time: Date, logical: String, type: String, status: String)] = []
    }

    struct Change {
        var action: String
        var logical: String
        var type: String
        var replacement: String?
    }

    struct ChangeSet {
        var id: String
        var type: String
        var template: [String: JSONValue]
        var imports: [String: [String: String]]
        var tags: [String: String]
        var changes: [Change]
        var executed = false
    }

    private let lock = NSLock()
    private let next: any HTTPTransport
    private var _stack: Stack?
    private var _changeSets: [String: ChangeSet] = [:]
    private var _requests: [RecordedRequest] = []
    private var _rejections: [String] = []
    private var serial = 0

    init(next: any HTTPTransport = AsyncHTTPClientTransport()) { self.next = next }

    var requests: [RecordedRequest] { lock.withLock { _requests } }
    var writes: [RecordedRequest] { requests.filter { !readOnlyActions.contains($0.action) } }
    var rejections: [String] { lock.withLock { _rejections } }
    var stack: Stack? { lock.withLock { _stack } }
    var changeSets: [ChangeSet] { lock.withLock { Array(_changeSets.values).sorted { $0.id < $1.id } } }

    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        guard request.headers["Content-Type"]?.hasPrefix("application/x-www-form-urlencoded") == true else { return try await next.send(request) }
        let recorded = decodeQueryRequest(request)
        // IAM speaks the query protocol too; CloudFormation's requests carry its API version.
        guard recorded.fields["Version"] == "2010-05-15" else { return try await next.send(request) }
        return lock.withLock {
            _requests.append(recorded)
            return answer(recorded)
        }
    }

    static let identifiers = ["AWS::DynamoDB::Table": "TableName", "AWS::SQS::Queue": "QueueUrl", "AWS::Logs::LogGroup": "LogGroupName"]
    static let replacingProperties = ["AWS::DynamoDB::Table": ["TableName", "KeySchema"], "AWS::SQS::Queue": ["QueueName", "FifoQueue"],
                                      "AWS::Logs::LogGroup": ["LogGroupName"]]

    private func answer(_ r: RecordedRequest) -> AWSHTTPResponse {
        func ok(_ inner: String) -> AWSHTTPResponse {
            AWSHTTPResponse(statusCode: 200, body: Data("<\(r.action)Response><\(r.action)Result>\(inner)</\(r.action)Result></\(r.action)Response>".utf8))
        }
        func refuse(_ message: String) -> AWSHTTPResponse {
            _rejections.append(message)
            return AWSHTTPResponse(statusCode: 400, body: Data("<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>\(xml(message))</Message></Error></ErrorResponse>".utf8))
        }
        let named = r.fields["StackName"]
        let stack = _stack.flatMap { s in named == nil || named == s.name || named == s.id ? s : nil }
        let missing = AWSHTTPResponse(statusCode: 400, body: Data("<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id \(named ?? "") does not exist</Message></Error></ErrorResponse>".utf8))
        switch r.action {
        case "DescribeStacks":
            guard let s = stack else { return missing }
            let tags = s.tags.sorted { $0.key < $1.key }.map { "<member><Key>\($0.key)</Key><Value>\(xml($0.value))</Value></member>" }.joined()
            let updated = s.events.last.map { ISO8601DateFormatter().string(from: $0.time) } ?? "2026-12-01T00:00:00Z"
            return ok("<Stacks><member><StackId>\(s.id)</StackId><StackName>\(s.name)</StackName><StackStatus>\(s.status)</StackStatus>"
                      + "<CreationTime>2026-12-01T00:00:00Z</CreationTime><LastUpdatedTime>\(updated)</LastUpdatedTime><Tags>\(tags)</Tags></member></Stacks>")
        case "DescribeStackEvents":
            guard let s = stack else { return missing }
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return ok("<StackEvents>" + s.events.reversed().map {
                "<member><EventId>\($0.id)</EventId><Timestamp>\(f.string(from: $0.time))</Timestamp><LogicalResourceId>\($0.logical)</LogicalResourceId>"
                    + "<ResourceType>\($0.type)</ResourceType><ResourceStatus>\($0.status)</ResourceStatus></member>"
            }.joined() + "</StackEvents>")
        case "ListStackResources":
            guard let s = stack else { return missing }
            return ok("<StackResourceSummaries>" + s.physical.sorted { $0.key < $1.key }.map { logical, physical in
                "<member><LogicalResourceId>\(logical)</LogicalResourceId><PhysicalResourceId>\(xml(physical))</PhysicalResourceId>"
                    + "<ResourceType>\(Self.resourceType(s.resources[logical]))</ResourceType><ResourceStatus>UPDATE_COMPLETE</ResourceStatus></member>"
            }.joined() + "</StackResourceSummaries>")
        case "GetTemplate":
            guard let s = stack else { return missing }
            return ok("<TemplateBody>\(xml(JSONValue.object(s.template).rendered()))</TemplateBody>")
        case "CreateChangeSet":
            guard case .object(let template)? = try? JSONValue.parse(r.fields["TemplateBody"] ?? ""), case .object(let resources)? = template["Resources"] else {
                return refuse("Template format error: not a JSON template")
            }
            let type = r.fields["ChangeSetType"] ?? "UPDATE"
            let declared: Set<String> = { if case .object(let p)? = template["Parameters"] { Set(p.keys) } else { [] } }()
            var n = 1
            while let key = r.fields["Parameters.member.\(n).ParameterKey"] {
                if !declared.contains(key) { return refuse("Parameters: [\(key)] do not exist in the template") }
                n += 1
            }
            var tags: [String: String] = [:]
            n = 1
            while let key = r.fields["Tags.member.\(n).Key"] { tags[key] = r.fields["Tags.member.\(n).Value"]; n += 1 }
            var imports: [String: [String: String]] = [:]
            var changes: [Change] = []
            let before = stack?.resources ?? [:]
            if type == "IMPORT" {
                n = 1
                while let logical = r.fields["ResourcesToImport.member.\(n).LogicalResourceId"] {
                    let prefix = "ResourcesToImport.member.\(n)"
                    var identifier: [String: String] = [:]
                    var e = 1
                    while let key = r.fields["\(prefix).ResourceIdentifier.entry.\(e).key"] { identifier[key] = r.fields["\(prefix).ResourceIdentifier.entry.\(e).value"]; e += 1 }
                    let resourceType = r.fields["\(prefix).ResourceType"] ?? ""
                    guard case .object(let resource)? = resources[logical] else { return refuse("Resource \(logical) to import is not in the template") }
                    guard resource["Type"] == .string(resourceType) else { return refuse("Resource \(logical) is not of type \(resourceType) in the template") }
                    guard resource["DeletionPolicy"] != nil else { return refuse("The following resources to import [\(logical)] must have DeletionPolicy attribute specified in the template.") }
                    guard before[logical] == nil else { return refuse("Resource \(logical) is already in the stack") }
                    guard let key = Self.identifiers[resourceType], identifier.keys.sorted() == [key], let value = identifier[key] else {
                        return refuse("Resource \(logical) must be identified by \(Self.identifiers[resourceType] ?? "?"), got \(identifier.keys.sorted())")
                    }
                    guard case .object(let props)? = resource["Properties"] else { return refuse("Resource \(logical) has no Properties") }
                    let named = key == "QueueUrl" ? props["QueueName"].flatMap { v -> String? in if case .string(let s) = v { "/" + s } else { nil } } : {
                        if case .string(let s)? = props[key] { s } else { nil }
                    }()
                    guard let named, key == "QueueUrl" ? value.hasSuffix(named) : value == named else {
                        return refuse("Resource \(logical)'s identifier \(key)=\(value) does not match its template properties")
                    }
                    imports[logical] = identifier
                    changes.append(Change(action: "Import", logical: logical, type: resourceType))
                    n += 1
                }
                if imports.isEmpty { return refuse("An IMPORT change set needs ResourcesToImport") }
                let others = resources.filter { imports[$0.key] == nil }
                if others != before { return refuse("You have modified resources [\(Set(others.keys).symmetricDifference(before.keys).sorted().joined(separator: ", "))] in your template that are not being imported. Update, create or delete operations cannot be executed during import operations.") }
            } else {
                for (logical, resource) in resources.sorted(by: { $0.key < $1.key }) {
                    guard let old = before[logical] else { changes.append(Change(action: "Add", logical: logical, type: Self.resourceType(resource))); continue }
                    guard old != resource else { continue }
                    let replaced = (Self.replacingProperties[Self.resourceType(resource)] ?? []).contains { property($0, of: old) != property($0, of: resource) }
                    changes.append(Change(action: "Modify", logical: logical, type: Self.resourceType(resource), replacement: replaced ? "True" : "False"))
                }
                for (logical, resource) in before where resources[logical] == nil { changes.append(Change(action: "Remove", logical: logical, type: Self.resourceType(resource))) }
            }
            serial += 1
            if _stack == nil {
                let name = named ?? "stack"
                _stack = Stack(name: name, id: "arn:aws:cloudformation:us-east-1:809904170947:stack/\(name)/\(serial)")
            }
            let id = "arn:aws:cloudformation:us-east-1:809904170947:changeSet/\(r.fields["ChangeSetName"] ?? "cs")/\(serial)"
            _changeSets[id] = ChangeSet(id: id, type: type, template: template, imports: imports, tags: tags, changes: changes)
            return ok("<Id>\(id)</Id><StackId>\(_stack!.id)</StackId>")
        case "DescribeChangeSet":
            guard let c = _changeSets[r.fields["ChangeSetName"] ?? ""] else {
                return AWSHTTPResponse(statusCode: 404, body: Data("<ErrorResponse><Error><Code>ChangeSetNotFound</Code><Message>not found</Message></Error></ErrorResponse>".utf8))
            }
            let changes = c.changes.map {
                "<member><ResourceChange><Action>\($0.action)</Action><LogicalResourceId>\($0.logical)</LogicalResourceId><ResourceType>\($0.type)</ResourceType>"
                    + ($0.replacement.map { "<Replacement>\($0)</Replacement>" } ?? "") + "</ResourceChange></member>"
            }.joined()
            let empty = c.changes.isEmpty
            return ok("<ChangeSetId>\(c.id)</ChangeSetId><StackId>\(_stack?.id ?? "")</StackId><Status>\(empty ? "FAILED" : "CREATE_COMPLETE")</Status>"
                      + "<ExecutionStatus>\(c.executed ? "EXECUTE_COMPLETE" : empty ? "UNAVAILABLE" : "AVAILABLE")</ExecutionStatus>"
                      + (empty ? "<StatusReason>The submitted information didn't contain changes.</StatusReason>" : "") + "<Changes>\(changes)</Changes>")
        case "ExecuteChangeSet":
            let id = r.fields["ChangeSetName"] ?? ""
            guard var c = _changeSets[id], !c.executed, var s = _stack else { return refuse("ChangeSet [\(id)] cannot be executed") }
            let now = Date()
            for change in c.changes {
                switch change.action {
                case "Import": s.physical[change.logical] = c.imports[change.logical]?.values.first
                case "Remove": s.physical[change.logical] = nil
                default:
                    let props: [String: JSONValue] = {
                        guard case .object(let all)? = c.template["Resources"], case .object(let r)? = all[change.logical], case .object(let p)? = r["Properties"] else { return [:] }
                        return p
                    }()
                    let name = ["TableName", "QueueName", "LogGroupName"].lazy.compactMap { k -> String? in if case .string(let v)? = props[k] { v } else { nil } }.first
                    if change.action == "Add" || change.replacement == "True" { s.physical[change.logical] = name ?? change.logical }
                }
                serial += 1
                s.events.append(("event-\(serial)", now, change.logical, change.type, change.action == "Import" ? "IMPORT_COMPLETE" : "UPDATE_COMPLETE"))
            }
            if case .object(let resources)? = c.template["Resources"] { s.resources = resources }
            s.template = c.template
            s.tags = c.tags
            s.status = c.type == "IMPORT" ? "IMPORT_COMPLETE" : c.type == "CREATE" ? "CREATE_COMPLETE" : "UPDATE_COMPLETE"
            serial += 1
            s.events.append(("event-\(serial)", now, s.name, "AWS::CloudFormation::Stack", s.status))
            c.executed = true
            _changeSets[id] = c
            // CloudFormation drops a stack's other change sets once one runs.
            _changeSets = _changeSets.filter { $0.key == id }
            _stack = s
            return ok("")
        case "DeleteChangeSet":
            _changeSets[r.fields["ChangeSetName"] ?? ""] = nil
            return ok("")
        default:
            return refuse("the fake has no \(r.action)")
        }
    }

    static func resourceType(_ resource: JSONValue?) -> String {
        if case .object(let r)? = resource, case .string(let t)? = r["Type"] { t } else { "" }
    }

    private func property(_ name: String, of resource: JSONValue) -> JSONValue? {
        if case .object(let r) = resource, case .object(let p)? = r["Properties"] { p[name] } else { nil }
    }

    private func xml(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
