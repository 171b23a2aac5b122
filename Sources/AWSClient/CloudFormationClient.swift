import Foundation

/// CloudFormation (query protocol, API 2010-05-15): stacks, change sets, events, templates and drift detection.
public struct CloudFormationClient: Sendable {
    public let client: AWSClient
    private let service = AWSService.cloudFormation

    public init(client: AWSClient) {
        self.client = client
    }

    public struct Parameter: Sendable, Equatable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// A stack tag. Tags given to a change set are the stack's tags once it is executed.
    public struct Tag: Sendable, Equatable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public enum ChangeSetType: String, Sendable {
        case create = "CREATE"
        case update = "UPDATE"
        /// Takes existing resources into the stack (`ResourcesToImport`); the template is the stack's
        /// template plus those resources, each with a DeletionPolicy, and nothing else changes.
        case `import` = "IMPORT"
    }

    /// A live resource an IMPORT change set takes into the stack.
    public struct ResourceToImport: Sendable, Equatable {
        /// `AWS::DynamoDB::Table`, …
        public var resourceType: String
        /// The template's logical id for it.
        public var logicalResourceID: String
        /// The resource type's primary identifier: `TableName`, `QueueUrl`, `LogGroupName`, …
        public var identifier: [String: String]

        public init(resourceType: String, logicalResourceID: String, identifier: [String: String]) {
            self.resourceType = resourceType
            self.logicalResourceID = logicalResourceID
            self.identifier = identifier
        }
    }

    /// One resource a change set would touch.
    public struct ResourceChange: Sendable, Equatable {
        /// `Add`, `Modify`, `Remove`, `Import`, `Dynamic` or `SyncWithActual`.
        public var action: String
        public var logicalResourceID: String
        public var physicalResourceID: String?
        public var resourceType: String
        /// `True`, `False` or `Conditional`; only set for `Modify`.
        public var replacement: String?
        /// Which parts change: `Properties`, `Metadata`, `Tags`, …
        public var scope: [String]

        public init(
            action: String, logicalResourceID: String, physicalResourceID: String? = nil,
            resourceType: String, replacement: String? = nil, scope: [String] = []
        ) {
            self.action = action
            self.logicalResourceID = logicalResourceID
            self.physicalResourceID = physicalResourceID
            self.resourceType = resourceType
            self.replacement = replacement
            self.scope = scope
        }
    }

    public struct ChangeSet: Sendable, Equatable {
        public var changeSetID: String?
        public var stackID: String?
        /// `CREATE_PENDING` … `CREATE_COMPLETE` or `FAILED`.
        public var status: String
        /// `AVAILABLE` once it can be executed.
        public var executionStatus: String?
        public var statusReason: String?
        public var changes: [ResourceChange]

        public init(
            changeSetID: String? = nil, stackID: String? = nil, status: String, executionStatus: String? = nil,
            statusReason: String? = nil, changes: [ResourceChange] = []
        ) {
            self.changeSetID = changeSetID
            self.stackID = stackID
            self.status = status
            self.executionStatus = executionStatus
            self.statusReason = statusReason
            self.changes = changes
        }
    }

    public struct StackOutput: Sendable, Equatable {
        public var key: String
        public var value: String
        public var description: String?
        public var exportName: String?

        public init(key: String, value: String, description: String? = nil, exportName: String? = nil) {
            self.key = key
            self.value = value
            self.description = description
            self.exportName = exportName
        }
    }

    public struct Stack: Sendable, Equatable {
        public var stackID: String
        public var name: String
        public var status: String
        public var statusReason: String?
        public var outputs: [StackOutput]
        public var tags: [String: String]
        /// As CloudFormation sends them (ISO 8601); kept as text so that a stamp compares exactly.
        public var creationTime: String?
        public var lastUpdatedTime: String?

        public init(stackID: String, name: String, status: String, statusReason: String? = nil, outputs: [StackOutput] = [],
                    tags: [String: String] = [:], creationTime: String? = nil, lastUpdatedTime: String? = nil) {
            self.stackID = stackID
            self.name = name
            self.status = status
            self.statusReason = statusReason
            self.outputs = outputs
            self.tags = tags
            self.creationTime = creationTime
            self.lastUpdatedTime = lastUpdatedTime
        }
    }

    /// One resource a stack holds, as ListStackResources summarises it.
    public struct StackResourceSummary: Sendable, Equatable {
        public var logicalResourceID: String
        public var physicalResourceID: String?
        public var resourceType: String
        public var status: String

        public init(logicalResourceID: String, physicalResourceID: String? = nil, resourceType: String, status: String) {
            self.logicalResourceID = logicalResourceID
            self.physicalResourceID = physicalResourceID
            self.resourceType = resourceType
            self.status = status
        }
    }

    public struct StackEvent: Sendable, Equatable {
        public var eventID: String
        public var timestamp: Date
        public var logicalResourceID: String
        public var physicalResourceID: String?
        public var resourceType: String
        public var status: String
        public var statusReason: String?

        public init(
            eventID: String, timestamp: Date, logicalResourceID: String, physicalResourceID: String? = nil,
            resourceType: String, status: String, statusReason: String? = nil
        ) {
            self.eventID = eventID
            self.timestamp = timestamp
            self.logicalResourceID = logicalResourceID
            self.physicalResourceID = physicalResourceID
            self.resourceType = resourceType
            self.status = status
            self.statusReason = statusReason
        }
    }

    public struct TemplateValidation: Sendable, Equatable {
        public var description: String?
        public var parameterKeys: [String]
        /// Capabilities the template needs, e.g. `CAPABILITY_IAM`.
        public var capabilities: [String]
        public var capabilitiesReason: String?

        public init(description: String? = nil, parameterKeys: [String] = [], capabilities: [String] = [], capabilitiesReason: String? = nil) {
            self.description = description
            self.parameterKeys = parameterKeys
            self.capabilities = capabilities
            self.capabilitiesReason = capabilitiesReason
        }
    }

    // MARK: - Operations

    /// Creates a stack directly (used for emulator set-up; deployments go through change sets).
    /// Returns the stack id.
    public func createStack(
        name: String,
        templateBody: String,
        parameters: [Parameter] = [],
        capabilities: [String] = [],
        tags: [Tag] = []
    ) async throws -> String {
        var form = QueryParameters()
        form.set("StackName", name)
        form.set("TemplateBody", templateBody)
        Self.add(parameters, capabilities: capabilities, to: &form)
        Self.add(tags, to: &form)
        let result = try await client.query(service, action: "CreateStack", parameters: form)
        return try require(result.string("StackId"), "StackId", "CreateStack")
    }

    /// Returns the change set id and the stack id.
    public func createChangeSet(
        stackName: String,
        changeSetName: String,
        type: ChangeSetType,
        templateBody: String,
        parameters: [Parameter] = [],
        capabilities: [String] = [],
        description: String? = nil,
        tags: [Tag] = [],
        resourcesToImport: [ResourceToImport] = []
    ) async throws -> (changeSetID: String, stackID: String?) {
        var form = QueryParameters()
        form.set("StackName", stackName)
        form.set("ChangeSetName", changeSetName)
        form.set("ChangeSetType", type.rawValue)
        form.set("TemplateBody", templateBody)
        form.set("Description", description)
        Self.add(parameters, capabilities: capabilities, to: &form)
        Self.add(tags, to: &form)
        for (index, resource) in resourcesToImport.enumerated() {
            let member = "ResourcesToImport.member.\(index + 1)"
            form.set("\(member).ResourceType", resource.resourceType)
            form.set("\(member).LogicalResourceId", resource.logicalResourceID)
            form.setMap("\(member).ResourceIdentifier", resource.identifier)
        }
        let result = try await client.query(service, action: "CreateChangeSet", parameters: form)
        return (try require(result.string("Id"), "Id", "CreateChangeSet"), result.string("StackId"))
    }

    /// Reads a change set with all its changes (following `NextToken` pages).
    /// `changeSetName` may be the change set's ARN, and then `stackName` may be left out.
    public func describeChangeSet(stackName: String? = nil, changeSetName: String) async throws -> ChangeSet {
        var changeSet: ChangeSet?
        var nextToken: String?
        repeat {
            var form = QueryParameters()
            form.set("ChangeSetName", changeSetName)
            form.set("StackName", stackName)
            form.set("NextToken", nextToken)
            let result = try await client.query(service, action: "DescribeChangeSet", parameters: form)
            let changes = result.all("Changes/member").compactMap { $0.child("ResourceChange") }.map { change in
                ResourceChange(
                    action: change.string("Action") ?? "",
                    logicalResourceID: change.string("LogicalResourceId") ?? "",
                    physicalResourceID: change.string("PhysicalResourceId"),
                    resourceType: change.string("ResourceType") ?? "",
                    replacement: change.string("Replacement"),
                    scope: change.all("Scope/member").map(\.text)
                )
            }
            if changeSet == nil {
                changeSet = ChangeSet(
                    changeSetID: result.string("ChangeSetId"),
                    stackID: result.string("StackId"),
                    status: try require(result.string("Status"), "Status", "DescribeChangeSet"),
                    executionStatus: result.string("ExecutionStatus"),
                    statusReason: result.string("StatusReason"),
                    changes: changes
                )
            } else {
                changeSet?.changes += changes
            }
            nextToken = result.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return changeSet!
    }

    /// `changeSetName` may be the change set's ARN, and then `stackName` may be left out.
    public func executeChangeSet(stackName: String? = nil, changeSetName: String) async throws {
        var form = QueryParameters()
        form.set("ChangeSetName", changeSetName)
        form.set("StackName", stackName)
        _ = try await client.query(service, action: "ExecuteChangeSet", parameters: form)
    }

    public func deleteChangeSet(stackName: String? = nil, changeSetName: String) async throws {
        var form = QueryParameters()
        form.set("ChangeSetName", changeSetName)
        form.set("StackName", stackName)
        _ = try await client.query(service, action: "DeleteChangeSet", parameters: form)
    }

    /// The stack, or nil when it does not exist (CloudFormation reports that as a `ValidationError`).
    public func describeStack(name: String) async throws -> Stack? {
        var form = QueryParameters()
        form.set("StackName", name)
        let result: XMLTree
        do {
            result = try await client.query(service, action: "DescribeStacks", parameters: form)
        } catch let error as AWSError where error.code == "ValidationError" && error.message.contains("does not exist") {
            return nil
        }
        guard let stack = result.element("Stacks/member") else { return nil }
        return try Self.stack(stack, name: name)
    }

    /// Every stack of the account and region that is not deleted (following `NextToken` pages).
    public func describeStacks() async throws -> [Stack] {
        var stacks: [Stack] = []
        var nextToken: String?
        repeat {
            var form = QueryParameters()
            form.set("NextToken", nextToken)
            let result = try await client.query(service, action: "DescribeStacks", parameters: form)
            stacks += try result.all("Stacks/member").map { try Self.stack($0, name: nil) }
            nextToken = result.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return stacks
    }

    private static func stack(_ stack: XMLTree, name: String?) throws -> Stack {
        guard let status = stack.string("StackStatus") else {
            throw AWSClientError.invalidResponse(service: AWSService.cloudFormation.name, operation: "DescribeStacks", reason: "missing StackStatus")
        }
        return Stack(
            stackID: stack.string("StackId") ?? "",
            name: stack.string("StackName") ?? name ?? "",
            status: status,
            statusReason: stack.string("StackStatusReason"),
            outputs: stack.all("Outputs/member").map { output in
                StackOutput(
                    key: output.string("OutputKey") ?? "",
                    value: output.string("OutputValue") ?? "",
                    description: output.string("Description"),
                    exportName: output.string("ExportName")
                )
            },
            tags: Dictionary(stack.all("Tags/member").map { ($0.string("Key") ?? "", $0.string("Value") ?? "") }, uniquingKeysWith: { a, _ in a }),
            creationTime: stack.string("CreationTime"),
            lastUpdatedTime: stack.string("LastUpdatedTime")
        )
    }

    /// Every resource of a stack (following `NextToken` pages).
    public func listStackResources(stackName: String) async throws -> [StackResourceSummary] {
        var resources: [StackResourceSummary] = []
        var nextToken: String?
        repeat {
            var form = QueryParameters()
            form.set("StackName", stackName)
            form.set("NextToken", nextToken)
            let result = try await client.query(service, action: "ListStackResources", parameters: form)
            resources += result.all("StackResourceSummaries/member").map { r in
                StackResourceSummary(
                    logicalResourceID: r.string("LogicalResourceId") ?? "",
                    physicalResourceID: r.string("PhysicalResourceId"),
                    resourceType: r.string("ResourceType") ?? "",
                    status: r.string("ResourceStatus") ?? ""
                )
            }
            nextToken = result.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return resources
    }

    /// All events of a stack, newest first (following `NextToken` pages).
    public func describeStackEvents(stackName: String) async throws -> [StackEvent] {
        try await describeStackEvents(stackName: stackName, allPages: true)
    }

    /// The stack's newest event, from the first page only (AWS sends newest first): every operation on
    /// the stack adds one, so its id tells whether anything happened to the stack since it was read.
    public func latestStackEvent(stackName: String) async throws -> StackEvent? {
        try await describeStackEvents(stackName: stackName, allPages: false).first
    }

    private func describeStackEvents(stackName: String, allPages: Bool) async throws -> [StackEvent] {
        var events: [StackEvent] = []
        var nextToken: String?
        repeat {
            var form = QueryParameters()
            form.set("StackName", stackName)
            form.set("NextToken", nextToken)
            let result = try await client.query(service, action: "DescribeStackEvents", parameters: form)
            for event in result.all("StackEvents/member") {
                let stamp = event.string("Timestamp") ?? ""
                guard let timestamp = AWSTimestamp.parse(stamp) else {
                    throw AWSClientError.invalidResponse(
                        service: service.name, operation: "DescribeStackEvents", reason: "bad Timestamp \"\(stamp)\"")
                }
                events.append(StackEvent(
                    eventID: event.string("EventId") ?? "",
                    timestamp: timestamp,
                    logicalResourceID: event.string("LogicalResourceId") ?? "",
                    physicalResourceID: event.string("PhysicalResourceId"),
                    resourceType: event.string("ResourceType") ?? "",
                    status: event.string("ResourceStatus") ?? "",
                    statusReason: event.string("ResourceStatusReason")
                ))
            }
            nextToken = allPages ? result.string("NextToken").flatMap { $0.isEmpty ? nil : $0 } : nil
        } while nextToken != nil
        // AWS already sends newest first; a stable sort keeps that promise for emulators too.
        return events.enumerated()
            .sorted { $0.element.timestamp == $1.element.timestamp ? $0.offset < $1.offset : $0.element.timestamp > $1.element.timestamp }
            .map(\.element)
    }

    public func deleteStack(name: String) async throws {
        var form = QueryParameters()
        form.set("StackName", name)
        _ = try await client.query(service, action: "DeleteStack", parameters: form)
    }

    public func validateTemplate(templateBody: String) async throws -> TemplateValidation {
        var form = QueryParameters()
        form.set("TemplateBody", templateBody)
        let result = try await client.query(service, action: "ValidateTemplate", parameters: form)
        return TemplateValidation(
            description: result.string("Description"),
            parameterKeys: result.all("Parameters/member").compactMap { $0.string("ParameterKey") },
            capabilities: result.all("Capabilities/member").map(\.text),
            capabilitiesReason: result.string("CapabilitiesReason")
        )
    }

    // MARK: - Templates and drift

    /// The template a stack was deployed with (`TemplateStage=Original`: as submitted, before any transform).
    public func getTemplate(stackName: String) async throws -> String {
        var form = QueryParameters()
        form.set("StackName", stackName)
        form.set("TemplateStage", "Original")
        let result = try await client.query(service, action: "GetTemplate", parameters: form)
        return try require(result.string("TemplateBody"), "TemplateBody", "GetTemplate")
    }

    /// Starts drift detection on every resource of the stack that supports it; returns the detection's id.
    public func detectStackDrift(stackName: String) async throws -> String {
        var form = QueryParameters()
        form.set("StackName", stackName)
        let result = try await client.query(service, action: "DetectStackDrift", parameters: form)
        return try require(result.string("StackDriftDetectionId"), "StackDriftDetectionId", "DetectStackDrift")
    }

    /// Where a drift detection stands.
    public struct DriftDetectionStatus: Sendable, Equatable {
        public var stackID: String
        public var detectionID: String
        /// `DETECTION_IN_PROGRESS`, `DETECTION_FAILED` (some resources could not be checked) or `DETECTION_COMPLETE`.
        public var detectionStatus: String
        public var detectionStatusReason: String?
        /// `DRIFTED`, `IN_SYNC`, `UNKNOWN` or `NOT_CHECKED`; absent while the detection runs.
        public var stackDriftStatus: String?
        public var driftedResourceCount: Int?
        public var timestamp: String?

        public init(stackID: String, detectionID: String, detectionStatus: String, detectionStatusReason: String? = nil,
                    stackDriftStatus: String? = nil, driftedResourceCount: Int? = nil, timestamp: String? = nil) {
            self.stackID = stackID
            self.detectionID = detectionID
            self.detectionStatus = detectionStatus
            self.detectionStatusReason = detectionStatusReason
            self.stackDriftStatus = stackDriftStatus
            self.driftedResourceCount = driftedResourceCount
            self.timestamp = timestamp
        }
    }

    public func describeStackDriftDetectionStatus(detectionID: String) async throws -> DriftDetectionStatus {
        var form = QueryParameters()
        form.set("StackDriftDetectionId", detectionID)
        let result = try await client.query(service, action: "DescribeStackDriftDetectionStatus", parameters: form)
        return DriftDetectionStatus(
            stackID: result.string("StackId") ?? "",
            detectionID: result.string("StackDriftDetectionId") ?? detectionID,
            detectionStatus: try require(result.string("DetectionStatus"), "DetectionStatus", "DescribeStackDriftDetectionStatus"),
            detectionStatusReason: result.string("DetectionStatusReason"),
            stackDriftStatus: result.string("StackDriftStatus"),
            driftedResourceCount: result.string("DriftedStackResourceCount").flatMap { Int($0) },
            timestamp: result.string("Timestamp"))
    }

    /// One property whose actual value differs from the template's.
    public struct PropertyDifference: Sendable, Equatable {
        /// A JSON pointer into the properties: `/BillingMode`, `/RedrivePolicy/maxReceiveCount`.
        public var path: String
        public var expectedValue: String
        public var actualValue: String
        /// `ADD`, `REMOVE` or `NOT_EQUAL`.
        public var differenceType: String

        public init(path: String, expectedValue: String, actualValue: String, differenceType: String) {
            self.path = path
            self.expectedValue = expectedValue
            self.actualValue = actualValue
            self.differenceType = differenceType
        }
    }

    /// A resource as the last drift detection found it.
    public struct StackResourceDrift: Sendable, Equatable {
        public var logicalResourceID: String
        public var physicalResourceID: String?
        public var resourceType: String
        /// `IN_SYNC`, `MODIFIED`, `DELETED`, `NOT_CHECKED`, `UNKNOWN` or `UNSUPPORTED`.
        public var status: String
        public var statusReason: String?
        /// JSON text of the properties the template gives and the resource has; absent for a deleted resource's actual side.
        public var expectedProperties: String?
        public var actualProperties: String?
        public var propertyDifferences: [PropertyDifference]
        public var timestamp: String?

        public init(logicalResourceID: String, physicalResourceID: String? = nil, resourceType: String, status: String, statusReason: String? = nil,
                    expectedProperties: String? = nil, actualProperties: String? = nil, propertyDifferences: [PropertyDifference] = [],
                    timestamp: String? = nil) {
            self.logicalResourceID = logicalResourceID
            self.physicalResourceID = physicalResourceID
            self.resourceType = resourceType
            self.status = status
            self.statusReason = statusReason
            self.expectedProperties = expectedProperties
            self.actualProperties = actualProperties
            self.propertyDifferences = propertyDifferences
            self.timestamp = timestamp
        }
    }

    /// The stack's resources as its latest drift detection found them (following `NextToken` pages).
    public func describeStackResourceDrifts(stackName: String) async throws -> [StackResourceDrift] {
        var drifts: [StackResourceDrift] = []
        var nextToken: String?
        repeat {
            var form = QueryParameters()
            form.set("StackName", stackName)
            form.set("NextToken", nextToken)
            let result = try await client.query(service, action: "DescribeStackResourceDrifts", parameters: form)
            drifts += result.all("StackResourceDrifts/member").map { d in
                StackResourceDrift(
                    logicalResourceID: d.string("LogicalResourceId") ?? "",
                    physicalResourceID: d.string("PhysicalResourceId"),
                    resourceType: d.string("ResourceType") ?? "",
                    status: d.string("StackResourceDriftStatus") ?? "",
                    statusReason: d.string("DriftStatusReason"),
                    expectedProperties: d.string("ExpectedProperties"),
                    actualProperties: d.string("ActualProperties"),
                    propertyDifferences: d.all("PropertyDifferences/member").map { p in
                        PropertyDifference(path: p.string("PropertyPath") ?? "", expectedValue: p.string("ExpectedValue") ?? "",
                                           actualValue: p.string("ActualValue") ?? "", differenceType: p.string("DifferenceType") ?? "")
                    },
                    timestamp: d.string("Timestamp"))
            }
            nextToken = result.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return drifts
    }

    // MARK: - Private

    private static func add(_ parameters: [Parameter], capabilities: [String], to form: inout QueryParameters) {
        form.setList("Capabilities", capabilities)
        form.setStructureList("Parameters", parameters.map { [("ParameterKey", $0.key), ("ParameterValue", $0.value)] })
    }

    private static func add(_ tags: [Tag], to form: inout QueryParameters) {
        form.setStructureList("Tags", tags.map { [("Key", $0.key), ("Value", $0.value)] })
    }

    private func require(_ value: String?, _ field: String, _ operation: String) throws -> String {
        guard let value else {
            throw AWSClientError.invalidResponse(service: service.name, operation: operation, reason: "missing \(field)")
        }
        return value
    }
}
