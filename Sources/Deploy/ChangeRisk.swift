/// The risk class of one CloudFormation resource change, in the terms of `wecare diff`.
enum ChangeRisk {
    static let stateful = ["AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::Logs::LogGroup"]
    static let access = ["AWS::Lambda::Permission", "AWS::ApiGatewayV2::Authorizer", "AWS::ApiGatewayV2::Route",
                         "AWS::SNS::Subscription", "AWS::Lambda::EventSourceMapping", "AWS::IAM::Policy", "AWS::IAM::Role"]

    static func classify(action: String, resourceType: String, replacement: String?) -> (risk: String, why: String) {
        if action == "Import" { return ("other", "a live resource is taken into the stack as it is; nothing in it changes, and it is retained if the stack goes") }
        if stateful.contains(resourceType) {
            if action == "Remove" { return ("data-loss", "the resource and everything in it are deleted") }
            if replacement == "True" { return ("data-loss", "CloudFormation replaces it: a new, empty resource takes its place") }
            if replacement == "Conditional" { return ("data-loss", "CloudFormation may replace it, depending on values known at deploy time") }
            if action == "Add" { return ("other", "a new resource") }
            return ("capacity", "settings change in place (retention, visibility, throughput)")
        }
        if access.contains(resourceType) {
            return ("security", action == "Add" ? "who may invoke or reach what grows" : action == "Remove" ? "an access path is removed" : "an access path changes")
        }
        if resourceType == "AWS::Lambda::Function" {
            if action == "Modify" { return ("capacity", "configuration or environment changes (memory, timeout, concurrency, variables)") }
            return ("other", action == "Add" ? "a new function" : "the function is deleted")
        }
        return ("other", action == "Add" ? "a new resource" : action == "Remove" ? "the resource is deleted" : "settings change")
    }
}
