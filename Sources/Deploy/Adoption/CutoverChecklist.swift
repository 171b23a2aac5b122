import SpecModel

/// What a person does around an adoption that CloudFormation cannot: the live system keeps running beside the
/// new stack until its subscriptions, consumers and functions are turned off. Derived from the specs.
public enum CutoverChecklist {
    public static func items(platform: Platform, environment: Environment, adopted: [AdoptedResource]) -> [String] {
        guard !adopted.isEmpty else { return [] }
        let d = Deployment(platform: platform, environment: environment)
        var items: [String] = []
        let tables = adopted.filter { $0.kind == .table }.map(\.physicalName)
        if !tables.isEmpty {
            items.append("Before the import: back up each adopted table (" + tables.map { "aws dynamodb create-backup --table-name \($0) --backup-name \($0)-before-adoption" }
                .joined(separator: "; ") + ").")
        }
        for f in platform.functions {
            switch f.trigger {
            case .topic(let ref):
                guard let arn = d.resolve(ref) else { continue }
                items.append("Right after the update subscribes \(d.functionName(f)) to \(arn): remove the old handler's subscription "
                             + "(aws sns list-subscriptions-by-topic --topic-arn \(arn), then aws sns unsubscribe --subscription-arn ARN for every Lambda "
                             + "endpoint other than \(d.functionName(f))), or every inbound message is processed twice.")
            case .queue(let ref, _):
                guard let q = platform.queue(ref.name.value), environment.adopts(ResourceID(.queue, q.id.value)) else { continue }
                items.append("Before the update maps \(d.functionName(f)) to \(d.queueName(q)): disable the old consumers' mappings "
                             + "(aws lambda list-event-source-mappings --event-source-arn \(d.queueARN(q)), then aws lambda update-event-source-mapping "
                             + "--uuid UUID --no-enabled), or two workers take the same messages.")
            default: continue
            }
        }
        if !tables.isEmpty {
            items.append("Once the new functions serve: stop the old functions that write \(tables.joined(separator: ", ")) (set their reserved "
                         + "concurrency to 0: aws lambda put-function-concurrency --function-name NAME --reserved-concurrent-executions 0; delete them "
                         + "after a quiet day). The stack never touches functions it did not create.")
        }
        return items
    }
}
