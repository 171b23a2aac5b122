/// A handler of the runtime service: the code a function runs. The specs declare each one with the
/// trigger it serves and the resources its code reads, so that the checker (every function gives its
/// handler all of them), the generated config (a function's handler is handed only those) and the
/// runtime share one list.
public struct Handler: Sendable {
    /// The kind of event a handler takes; a function's trigger must be of that kind.
    public enum Serves: String, Sendable, CaseIterable {
        case routes, topic, queue, invoke, schedule
    }

    public var id: Located<String>
    public var description: String
    public var serves: Located<Serves>
    /// Resources the handler's code reads, by reference: a function running it must bind each to a variable.
    public var needs: [Reference]

    public init(id: Located<String>, description: String, serves: Located<Serves>, needs: [Reference]) {
        self.id = id
        self.description = description
        self.serves = serves
        self.needs = needs
    }
}

extension Function.Trigger {
    /// The kind of event this trigger delivers.
    public var serves: Handler.Serves {
        switch self {
        case .routes: .routes
        case .topic: .topic
        case .queue: .queue
        case .invokedBy: .invoke
        case .schedule: .schedule
        }
    }
}

extension Function {
    /// The variable that gives the function `need`: one whose value is a reference to the same resource
    /// with its default attribute (a table's name, a queue's URL, a bucket's name, a prefix's key prefix).
    public func variable(binding need: Reference) -> Variable? {
        environment.first { v in
            guard case .reference(let r) = v.value else { return false }
            return r.id == need.id && r.attribute?.value == need.attribute?.value
        }
    }
}
