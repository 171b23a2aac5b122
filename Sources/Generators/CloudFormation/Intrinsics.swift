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
