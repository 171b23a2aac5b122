import SpecModel

/// One environment as a Mermaid flowchart, which GitHub draws where the file is shown: what starts each function
/// (API routes, the topic, a queue, a schedule, another function) and what each function reaches (tables,
/// queues, prefixes, senders), with the physical names of that environment. `wecare diff` draws the head's graph
/// with the changed resources marked.
public enum ResourceGraph {
    /// - Parameter changed: node ids (`nodeID(kind:name:)`) drawn as changed.
    public static func mermaid(_ d: Deployment, changed: Set<String> = []) -> String {
        let p = d.platform
        var nodes: [String: String] = [:]
        var edges: [String] = []
        func node(_ reference: Reference) -> String {
            let name = reference.name.value
            let id = nodeID(kind: reference.kind.rawValue, name: name)
            guard nodes[id] == nil else { return id }
            let label: String
            switch reference.kind {
            case .table: label = "[(\"\(name)<br/><small>\(p.table(name).map(d.tableName) ?? name)</small>\")]"
            case .queue: label = "[[\"\(name)<br/><small>\(p.queue(name).map(d.queueName) ?? name)</small>\"]]"
            case .topic: label = "([\"SNS \(name)\"])"
            case .prefix: label = "[/\"s3 \(p.prefix(name).map(d.keyPrefix) ?? name)\"/]"
            case .function: label = "[\"λ \(name)\"]"
            default: label = "{{\"\(reference.kind.rawValue) \(name)\"}}"
            }
            nodes[id] = label
            return id
        }
        func function(_ f: Function) -> String {
            node(Reference(kind: .function, name: Located(f.id.value, at: f.id.location)))
        }
        for f in p.functions {
            let target = function(f)
            switch f.trigger {
            case .routes(let routes):
                for route in routes {
                    let id = nodeID(kind: "route", name: "\(route.value.method) \(route.value.path)")
                    nodes[id] = "[\"\(route.value.method) \(route.value.path)\"]"
                    edges.append("\(id) --> \(target)")
                }
            case .topic(let topic): edges.append("\(node(topic)) --> \(target)")
            case .queue(let queue, let batch): edges.append("\(node(queue)) -- \"batch \(batch.value)\" --> \(target)")
            case .invokedBy(let callers):
                for caller in callers { edges.append("\(node(caller)) -- invokes --> \(target)") }
            case .schedule(let expression):
                let id = "schedule_" + slug(f.id.value)
                nodes[id] = "([\"⏱ \(expression.value)\"])"
                edges.append("\(id) --> \(target)")
            }
            for access in f.access {
                let verbs = access.verbs.map(\.value).joined(separator: ", ")
                edges.append("\(target) -- \"\(verbs)\" --> \(node(access.target))")
            }
            if let dlq = f.deadLetterQueue { edges.append("\(target) -. DLQ .-> \(node(dlq))") }
        }
        var out = "```mermaid\nflowchart LR\n"
        for (id, label) in nodes.sorted(by: { $0.key < $1.key }) { out += "  \(id)\(label)\n" }
        for edge in edges { out += "  \(edge)\n" }
        let marked = changed.intersection(nodes.keys).sorted()
        if !marked.isEmpty {
            out += "  classDef changed fill:#fff3cd,stroke:#b45309,stroke-width:2px\n  class \(marked.joined(separator: ",")) changed\n"
        }
        return out + "```\n"
    }

    /// The node of a resource: its kind (`table`, `queue`, `function`, `route`, `topic`, `prefix`, …) and its spec name.
    public static func nodeID(kind: String, name: String) -> String { "\(kind)_\(slug(name))" }

    /// A Mermaid node id: letters, digits and `_` only.
    static func slug(_ s: String) -> String {
        String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }
}
