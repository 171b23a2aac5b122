import SpecModel

/// Compares what each function needs from the role in one environment (`Deployment.needs(of:)`):
/// a function gaining a table, queue, prefix or any other access is a security change even when
/// the role already grants it, because the function's code may now reach that data.
enum NeedsDiff {
    static func changes(base: Deployment, head: Deployment, environment: String) -> [Change] {
        var out: [Change] = []
        for function in head.platform.functions {
            let fn = function.id.value
            let after = grouped(head.needs(of: function))
            // A removed function's needs go with it; its removal is reported by the template.
            guard let old = base.platform.function(fn) else {
                out += after.keys.sorted().map { gained(fn, $0, after[$0]!, environment) }
                continue
            }
            let before = grouped(base.needs(of: old))
            for reason in Set(before.keys).union(after.keys).sorted() {
                switch (before[reason], after[reason]) {
                case (nil, let a?): out.append(gained(fn, reason, a, environment))
                case (let b?, nil):
                    out.append(Change(environment: environment, risk: .securityNarrowing, resource: DiffResource("function", fn), field: "access",
                                      before: reason, after: nil,
                                      why: "The function no longer needs \(b.sorted().joined(separator: ", ")): narrower access for its code."))
                case (let b?, let a?) where b != a:
                    let added = a.subtracting(b).sorted()
                    out.append(Change(environment: environment, risk: added.isEmpty ? .securityNarrowing : .securityBroadening,
                                      resource: DiffResource("function", fn), field: "access",
                                      before: "\(reason): \(b.sorted().joined(separator: ", "))",
                                      after: "\(reason): \(a.sorted().joined(separator: ", "))",
                                      why: added.isEmpty ? "The function needs fewer actions: narrower access for its code."
                                                         : "The function gains \(added.joined(separator: ", ")): broader access for its code."))
                default: break
                }
            }
        }
        return out
    }

    static func gained(_ fn: String, _ reason: String, _ actions: Set<String>, _ environment: String) -> Change {
        Change(environment: environment, risk: .securityBroadening, resource: DiffResource("function", fn), field: "access",
               before: nil, after: reason,
               why: "The function gains \(actions.sorted().joined(separator: ", ")): broader access for its code.")
    }

    /// Needs by what asks for them (`write table Contacts`, `trigger queue bulk-queue`): the reason
    /// names the spec resource, not its ARN, so a rename in one environment does not read as new access.
    static func grouped(_ needs: [Need]) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for n in needs { out[n.reason, default: []].insert(n.action) }
        return out
    }
}
