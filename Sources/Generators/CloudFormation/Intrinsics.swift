import SpecModel

/// CloudFormation intrinsic functions as JSON values.
enum CFN {
    static func ref(_ id: String) -> JSONValue { .object(["Ref": .string(id)]) }
    static func getAtt(_ id: String, _ attribute: String) -> JSONValue { .object(["Fn::GetAtt": .array([.string(id), .string(attribute)])]) }
    static func sub(_ template: String) -> JSONValue { .object(["Fn::Sub": .string(template)]) }
    static func join(_ separator: String, _ parts: [JSONValue]) -> JSONValue {
        .object(["Fn::Join": .array([.string(separator), .array(parts)])])
    }
    static func s(_ v: String) -> JSONValue { .string(v) }
    static func tags(_ d: Deployment) -> JSONValue {
        .array([
            .object(["Key": .string("wecare:environment"), "Value": .string(d.environment.name.value)]),
            .object(["Key": .string("wecare:managed-by"), "Value": .string("wecare build")]),
        ])
    }
}

/// Logical ids: kind prefix + PascalCase name, stable as long as the spec name is.
enum LogicalID {
    static func table(_ t: Table) -> String { "Table" + Naming.pascal(t.id.value) }
    static func queue(_ q: Queue) -> String { "Queue" + Naming.pascal(q.id.value) }
    static func topic(_ t: Topic) -> String { "Topic" + Naming.pascal(t.id.value) }
    static func function(_ f: Function) -> String { "Function" + Naming.pascal(f.id.value) }
    static func logGroup(_ g: LogGroup) -> String { "LogGroup" + Naming.pascal(g.id.value) }
}

/// Scanner waivers as the scanners read them: `Metadata.checkov.skip` on each resource a waiver covers, the reason
/// and expiry as the comment.
enum ScannerMetadata {
    static func apply(to resources: inout [String: JSONValue], _ d: Deployment) {
        let p = d.platform
        var covered: [(logicalID: String, id: ResourceID?)] = []
        covered += p.functions.map { (LogicalID.function($0), ResourceID(.function, $0.id.value)) }
        covered += p.tables.map { (LogicalID.table($0), ResourceID(.table, $0.id.value)) }
        covered += p.queues.map { (LogicalID.queue($0), ResourceID(.queue, $0.id.value)) }
        covered += p.topics.map { (LogicalID.topic($0), ResourceID(.topic, $0.id.value)) }
        covered += p.logGroups.map { (LogicalID.logGroup($0), ResourceID(.logGroup, $0.id.value)) }
        covered += [("HttpApi", nil), ("HttpApiDefaultStage", nil)]
        for (logicalID, id) in covered {
            guard case .object(var resource)? = resources[logicalID] else { continue }
            let skips = p.scannerWaivers.filter { w in id.map(w.covers) ?? w.coversAPI }
            guard !skips.isEmpty else { continue }
            resource["Metadata"] = .object(["checkov": .object(["skip": .array(skips.map { w in
                .object(["id": .string(w.check.value), "comment": .string("\(w.reason.value) (waived in the specs until \(w.expires.value))")])
            })])])
            resources[logicalID] = .object(resource)
        }
    }
}
