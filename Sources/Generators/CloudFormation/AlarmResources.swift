import SpecModel

/// CloudWatch alarms: a spec alarm may expand to one alarm per function or per queue.
enum AlarmResources {
    static func add(to resources: inout [String: JSONValue], _ d: Deployment) {
        for a in d.platform.alarms {
            let base = "Alarm" + Naming.pascal(a.id.value)
            var common: [String: JSONValue] = [
                "AlarmDescription": .string(a.description),
                "ComparisonOperator": .string("GreaterThanThreshold"),
                "Threshold": .int(a.threshold.value),
                "EvaluationPeriods": .int(a.evaluationPeriods.value),
                "TreatMissingData": .string("notBreaching"),
            ]
            if let n = a.notify, let arn = d.resolve(n) {
                common["AlarmActions"] = .array([d.createdTopic(for: n).map { CFN.ref(LogicalID.topic($0)) } ?? .string(arn)])
            }
            let period = a.period.value.seconds
            switch a.kind {
            case .lambdaErrorRate:
                for f in d.platform.functions {
                    var props = common
                    props["AlarmName"] = .string("\(d.alarmName(a))-\(f.id.value)")
                    props["Metrics"] = rate(numerator: ("errors", "Errors"), denominator: ("invocations", "Invocations"), namespace: "AWS/Lambda",
                                            dimension: ("FunctionName", CFN.ref(LogicalID.function(f))), period: period)
                    resources[base + Naming.pascal(f.id.value)] = alarm(props)
                }
            case .queueDepth(let queues):
                for ref in queues {
                    guard let q = d.queue(ref.name.value) else { continue }
                    var props = common
                    props["AlarmName"] = .string("\(d.alarmName(a))-\(q.id.value)")
                    props["Namespace"] = .string("AWS/SQS")
                    props["MetricName"] = .string("ApproximateNumberOfMessagesVisible")
                    props["Dimensions"] = .array([.object(["Name": .string("QueueName"), "Value": CFN.getAtt(LogicalID.queue(q), "QueueName")])])
                    props["Statistic"] = .string("Maximum")
                    props["Period"] = .int(period)
                    resources[base + Naming.pascal(q.id.value)] = alarm(props)
                }
            case .apiErrorRate:
                guard resources["HttpApi"] != nil else { continue }
                var props = common
                props["AlarmName"] = .string(d.alarmName(a))
                props["Metrics"] = rate(numerator: ("errors", "5xx"), denominator: ("requests", "Count"), namespace: "AWS/ApiGateway",
                                        dimension: ("ApiId", CFN.ref("HttpApi")), period: period)
                resources[base] = alarm(props)
            case .metric(let namespace, let name, let statistic):
                var props = common
                props["AlarmName"] = .string(d.alarmName(a))
                props["Namespace"] = .string(namespace.value)
                props["MetricName"] = .string(name.value)
                props["Dimensions"] = .array([.object(["Name": .string("Environment"), "Value": .string(d.environment.name.value)])])
                props["Statistic"] = .string(statistic.value)
                props["Period"] = .int(period)
                resources[base] = alarm(props)
            }
        }
    }

    static func alarm(_ props: [String: JSONValue]) -> JSONValue {
        .object(["Type": .string("AWS::CloudWatch::Alarm"), "Properties": .object(props)])
    }

    /// A percentage: 100 × numerator / denominator, 0 when there is no traffic.
    static func rate(numerator: (String, String), denominator: (String, String), namespace: String, dimension: (String, JSONValue), period: Int) -> JSONValue {
        func metric(_ id: String, _ name: String) -> JSONValue {
            .object([
                "Id": .string(id),
                "ReturnData": .bool(false),
                "MetricStat": .object([
                    "Metric": .object([
                        "Namespace": .string(namespace), "MetricName": .string(name),
                        "Dimensions": .array([.object(["Name": .string(dimension.0), "Value": dimension.1])]),
                    ]),
                    "Period": .int(period),
                    "Stat": .string("Sum"),
                ]),
            ])
        }
        return .array([
            metric(numerator.0, numerator.1),
            metric(denominator.0, denominator.1),
            .object(["Id": .string("rate"), "Label": .string("percent"), "ReturnData": .bool(true),
                     "Expression": .string("IF(\(denominator.0) > 0, 100 * \(numerator.0) / \(denominator.0), 0)")]),
        ])
    }
}
