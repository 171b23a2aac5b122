import SpecModel

/// Compares the environment files: SEND_MODE and branch rules decide whether a push sends real
/// messages, so each change names the channels and the functions that send on them.
enum EnvironmentDiff {
    static func changes(base: Platform, head: Platform) -> [Change] {
        let names = Set(base.environments.map(\.name.value)).union(head.environments.map(\.name.value)).sorted()
        let channels = SendingChannels(head)
        var out: [Change] = []
        for name in names {
            let resource = DiffResource("environment", name)
            func change(_ risk: Risk, _ field: String, _ b: String?, _ a: String?, _ why: String, channels: [String] = []) {
                out.append(Change(environment: name, risk: risk, resource: resource, field: field, before: b, after: a, why: why, channels: channels))
            }
            switch (base.environment(name), head.environment(name)) {
            case (nil, let e?):
                if e.isDeployable {
                    change(.sendMode, "environment", nil, describe(e),
                           "A new environment receives \(patterns(e.branches)) with SEND_MODE=\(e.sendMode.value.rawValue)\(liveSuffix(e, channels)).",
                           channels: e.sendMode.value == .live ? SendingChannels.all : [])
                } else {
                    change(.other, "environment", nil, describe(e), "A new environment that nothing deploys to.")
                }
            case (let e?, nil):
                change(e.isDeployable ? .sendMode : .other, "environment", describe(e), nil,
                       e.isDeployable ? "Nothing deploys there any more (it received \(patterns(e.branches))); the stack \(e.stack) stays until it is deleted by hand."
                                      : "An environment that nothing deployed to is removed.")
            case (let b?, let a?):
                if b.sendMode.value != a.sendMode.value {
                    let why = a.sendMode.value == .live
                        ? "SEND_MODE becomes LIVE: \(channels.phrase) messages really leave the platform."
                        : "SEND_MODE becomes DRY_RUN: \(channels.phrase) messages stop being sent."
                    change(.sendMode, "sendMode", b.sendMode.value.rawValue, a.sendMode.value.rawValue, why, channels: SendingChannels.all)
                }
                let bb = b.branches.map(\.value), ab = a.branches.map(\.value)
                for pattern in ab where !bb.contains(pattern) {
                    change(.sendMode, "branches", nil, pattern,
                           "Branches matching '\(pattern)' now deploy to \(name) with SEND_MODE=\(a.sendMode.value.rawValue)\(liveSuffix(a, channels)).",
                           channels: a.sendMode.value == .live ? SendingChannels.all : [])
                }
                for pattern in bb where !ab.contains(pattern) {
                    change(.sendMode, "branches", pattern, nil, "Branches matching '\(pattern)' no longer deploy to \(name).",
                           channels: b.sendMode.value == .live ? SendingChannels.all : [])
                }
                if b.logLevel.value != a.logLevel.value {
                    change(.other, "logLevel", b.logLevel.value, a.logLevel.value, "Only how much the functions log changes.")
                }
                if b.prefix.value != a.prefix.value {
                    change(.other, "naming.prefix", b.prefix.value, a.prefix.value,
                           "Every physical name changes; the resources it replaces are listed one by one.")
                }
                if b.objectPrefix.value != a.objectPrefix.value {
                    change(.dataLoss, "naming.objectPrefix", b.objectPrefix.value, a.objectPrefix.value,
                           "Every S3 key prefix of the environment moves: objects under the old prefixes are no longer read or expired.")
                }
                let adoptedBefore = Set(b.adopt.map(\.id)), adoptedAfter = Set(a.adopt.map(\.id))
                for id in adoptedAfter.subtracting(adoptedBefore).sorted() {
                    change(.other, "adopt", nil, "\(id.kind.rawValue) \(id.name)",
                           "The stack takes over the live \(id.kind.rawValue) instead of creating it: the next deployment imports it as it is (docs/adoption.md).")
                }
                for id in adoptedBefore.subtracting(adoptedAfter).sorted() {
                    change(.dataLoss, "adopt", "\(id.kind.rawValue) \(id.name)", nil,
                           "No longer adopted: the stack creates it where it does not hold it yet, and it loses its Retain policy, so deleting the stack "
                           + "or replacing the \(id.kind.rawValue) deletes it with what it holds.")
                }
                if b.stackName?.value != a.stackName?.value {
                    change(.other, "deploy.stack", b.stack, a.stack,
                           "Deployments go to another stack; the old stack and its resources stay until they are deleted by hand.")
                }
            case (nil, nil): break
            }
        }
        return out
    }

    static func describe(_ e: Environment) -> String {
        "SEND_MODE=\(e.sendMode.value.rawValue)" + (e.branches.isEmpty ? "" : ", branches \(e.branches.map(\.value).joined(separator: ", "))")
    }

    static func patterns(_ branches: [Located<String>]) -> String {
        branches.isEmpty ? "no branch" : "branches matching " + branches.map { "'\($0.value)'" }.joined(separator: ", ")
    }

    /// What a deployment to a LIVE environment lets out; nothing is said for DRY_RUN, which sends nothing.
    static func liveSuffix(_ e: Environment, _ channels: SendingChannels) -> String {
        e.sendMode.value == .live ? ": \(channels.phrase) messages really go out" : ", so nothing is really sent"
    }
}
