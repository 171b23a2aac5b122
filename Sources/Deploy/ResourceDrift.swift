import AWSClient
import SpecModel

/// A stack resource whose actual configuration is not the template's, as CloudFormation's drift detection found it:
/// changed by hand (`MODIFIED`, with each property that differs) or deleted out of band (`DELETED`).
public struct ResourceDrift: Sendable, Equatable {
    public struct Property: Sendable, Equatable {
        /// A JSON pointer into the resource's properties: `/BillingMode`, `/RedrivePolicy/maxReceiveCount`.
        public var path: String
        public var expected: String
        public var actual: String
        /// `ADD`, `REMOVE` or `NOT_EQUAL`.
        public var kind: String

        public init(path: String, expected: String, actual: String, kind: String) {
            self.path = path
            self.expected = expected
            self.actual = actual
            self.kind = kind
        }
    }

    public var logicalID: String
    public var resourceType: String
    public var physicalID: String?
    /// `MODIFIED` or `DELETED`.
    public var status: String
    public var properties: [Property]
    /// The properties as the template gives them and as the resource has them (JSON), when CloudFormation sends them.
    public var expected: JSONValue?
    public var actual: JSONValue?

    public init(logicalID: String, resourceType: String, physicalID: String?, status: String, properties: [Property],
                expected: JSONValue? = nil, actual: JSONValue? = nil) {
        self.logicalID = logicalID
        self.resourceType = resourceType
        self.physicalID = physicalID
        self.status = status
        self.properties = properties
        self.expected = expected
        self.actual = actual
    }

    public var isDeleted: Bool { status == "DELETED" }
}

/// What one drift detection found over the whole stack.
public struct ResourceDriftCheck: Sendable, Equatable {
    /// `DETECTION_COMPLETE`, or `DETECTION_FAILED` when some resources could not be checked.
    public var detectionStatus: String
    public var detectionStatusReason: String?
    public var drifted: [ResourceDrift]
    public var inSync: Int
    /// Resources drift detection did not check (`NOT_CHECKED`, `UNKNOWN`, `UNSUPPORTED`), `LogicalId [Type]`.
    public var unchecked: [String]

    public init(detectionStatus: String, detectionStatusReason: String? = nil, drifted: [ResourceDrift], inSync: Int, unchecked: [String] = []) {
        self.detectionStatus = detectionStatus
        self.detectionStatusReason = detectionStatusReason
        self.drifted = drifted
        self.inSync = inSync
        self.unchecked = unchecked
    }

    /// Sorts CloudFormation's answer: drifted resources by logical id with their properties by path, the rest counted.
    public init(status: CloudFormationClient.DriftDetectionStatus, drifts: [CloudFormationClient.StackResourceDrift]) {
        var drifted: [ResourceDrift] = [], inSync = 0, unchecked: [String] = []
        for d in drifts {
            switch d.status {
            case "IN_SYNC": inSync += 1
            case "MODIFIED", "DELETED":
                drifted.append(ResourceDrift(
                    logicalID: d.logicalResourceID, resourceType: d.resourceType, physicalID: d.physicalResourceID, status: d.status,
                    properties: d.propertyDifferences.map { ResourceDrift.Property(path: $0.path, expected: $0.expectedValue, actual: $0.actualValue, kind: $0.differenceType) }
                        .sorted { ($0.path, $0.kind) < ($1.path, $1.kind) },
                    expected: d.expectedProperties.flatMap { try? JSONValue.parse($0) },
                    actual: d.actualProperties.flatMap { try? JSONValue.parse($0) }))
            default: unchecked.append("\(d.logicalResourceID) [\(d.resourceType)]")
            }
        }
        self.init(detectionStatus: status.detectionStatus, detectionStatusReason: status.detectionStatusReason,
                  drifted: drifted.sorted { $0.logicalID < $1.logicalID }, inSync: inSync, unchecked: unchecked.sorted())
    }
}

extension ResourceDrift.Property {
    /// `PAY_PER_REQUEST` in the template, `PROVISIONED` in AWS; ADD and REMOVE name the side that has the value.
    public var sentence: String {
        switch kind {
        case "ADD": "added in AWS: \(actual)"
        case "REMOVE": "removed in AWS (template: \(expected))"
        default: "template \(expected), actual \(actual)"
        }
    }
}
