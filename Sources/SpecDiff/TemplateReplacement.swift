import SpecModel

/// Which template changes make CloudFormation replace a resource that holds data, whether it can (a resource
/// with a fixed name cannot be replaced in place), and what becomes of the old one: the facts the risk's
/// prose is written from.
enum TemplateReplacement {
    /// The properties whose change replaces the resource, per type, and the property that names it.
    static let replacing: [String: (properties: Set<String>, name: String)] = [
        "AWS::DynamoDB::Table": (["TableName", "KeySchema"], "TableName"),
        "AWS::SQS::Queue": (["QueueName", "FifoQueue"], "QueueName"),
        "AWS::Logs::LogGroup": (["LogGroupName"], "LogGroupName"),
    ]

    struct Outcome {
        var replacement: Change.Replacement
        var retained: Bool?
        var why: String
    }

    /// nil when the change is made in place (or the type holds no data the tables above know of).
    static func outcome(type: String, change: TemplateDiff.PropertyChange, before: JSONValue, after: JSONValue, keyDefinitionChanged: Bool) -> Outcome? {
        guard let rule = replacing[type] else { return nil }
        let top = change.path.first ?? ""
        guard rule.properties.contains(top) || (top == "AttributeDefinitions" && keyDefinitionChanged) else { return nil }
        let noun = type == "AWS::DynamoDB::Table" ? "table" : type == "AWS::SQS::Queue" ? "queue" : "log group"
        let contents = noun == "table" ? "items" : noun == "queue" ? "messages" : "logs"
        let nameBefore = TemplateDiff.properties(before)[rule.name], nameAfter = TemplateDiff.properties(after)[rule.name]
        if top != rule.name, nameBefore != nil, nameBefore == nameAfter {
            return Outcome(replacement: .refused, retained: nil,
                           why: "\(top) changes, which needs a new \(noun), and this one has a fixed name: CloudFormation cannot replace it, "
                               + "so the update fails and rolls back. Give the \(noun) a new name in the same change (a new, empty \(noun)) and move the \(contents).")
        }
        let retained = TemplateDiff.member(before, "UpdateReplacePolicy") == .string("Retain")
        return Outcome(replacement: .always, retained: retained,
                       why: retained
                           ? "CloudFormation creates a new, empty \(noun); the old one keeps its \(contents) (UpdateReplacePolicy Retain) but nothing reads them any more."
                           : "CloudFormation creates a new, empty \(noun) and deletes the old one: its \(contents) are lost.")
    }
}
