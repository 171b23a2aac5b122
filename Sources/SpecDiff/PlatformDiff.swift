import SpecModel

/// Compares what the model says the same way in every environment and the templates do not show:
/// TTL retention, S3 prefixes and their expiry, messaging limits, bulk settings, existing resources
/// (secrets among them) and function variables as written. Every change here holds in all environments.
enum PlatformDiff {
    static func changes(base: Platform, head: Platform) -> [Change] {
        var out = ChangeList()
        if base.account.value != head.account.value {
            out.add(.other, DiffResource("platform", head.name), "account", base.account.value, head.account.value,
                    "The stacks deploy to another AWS account; everything is created anew there.")
        }
        if base.region.value != head.region.value {
            out.add(.other, DiffResource("platform", head.name), "region", base.region.value, head.region.value,
                    "The stacks deploy to another region; everything is created anew there.")
        }
        tables(base, head, &out)
        storage(base, head, &out)
        messaging(base, head, &out)
        existing(base, head, &out)
        variables(base, head, &out)
        handlers(base, head, &out)
        return out.changes
    }

    // MARK: - Tables

    static func tables(_ base: Platform, _ head: Platform, _ out: inout ChangeList) {
        for a in head.tables {
            guard let b = base.table(a.id.value) else { continue }
            let resource = DiffResource("table", a.id.value)
            if let tb = b.ttl, let ta = a.ttl, tb.retention.value != ta.retention.value {
                let before = tb.retention.value, after = ta.retention.value
                if after < before {
                    out.add(.dataLoss, resource, "ttl.retention", before.description, after.description,
                            "Items written from now on expire after \(after) instead of \(before).")
                } else {
                    out.add(.capacity, resource, "ttl.retention", before.description, after.description,
                            "Items are kept longer, so the table grows.")
                }
            }
            // Key attributes are compared in the template, where they decide replacement.
            let keys = Set((b.keyAttributes + a.keyAttributes).map(\.value))
            let tb = Dictionary(b.attributes.map { ($0.name.value, $0.type.value.rawValue) }, uniquingKeysWith: { x, _ in x })
            let ta = Dictionary(a.attributes.map { ($0.name.value, $0.type.value.rawValue) }, uniquingKeysWith: { x, _ in x })
            for name in Set(tb.keys).union(ta.keys).subtracting(keys).sorted() where tb[name] != ta[name] {
                out.add(.other, resource, "attributes.\(name)", tb[name], ta[name],
                        "DynamoDB does not enforce attributes outside the keys; only the generated config changes.")
            }
        }
    }

    // MARK: - Storage

    static func storage(_ base: Platform, _ head: Platform, _ out: inout ChangeList) {
        for name in Set(base.buckets.map(\.id.value)).union(head.buckets.map(\.id.value)).sorted() {
            let resource = DiffResource("bucket", name)
            switch (base.bucket(name), head.bucket(name)) {
            case (let b?, nil): out.add(.other, resource, "bucket", b.name.value, nil, "The platform stops using the bucket; the bucket itself is never deleted.")
            case (nil, let a?): out.add(.other, resource, "bucket", nil, a.name.value, "The platform starts using an existing bucket.")
            case (let b?, let a?):
                if b.name.value != a.name.value {
                    out.add(.dataLoss, resource, "name", b.name.value, a.name.value,
                            "The bucket changes: objects in the old bucket are no longer read or expired by the platform.")
                }
                if b.encryption.value != a.encryption.value {
                    out.add(.securityBroadening, resource, "encryption", b.encryption.value, a.encryption.value, "Encryption at rest changes.")
                }
            case (nil, nil): break
            }
        }
        for name in Set(base.prefixes.map(\.id.value)).union(head.prefixes.map(\.id.value)).sorted() {
            let resource = DiffResource("prefix", name)
            switch (base.prefix(name), head.prefix(name)) {
            case (let b?, nil):
                out.add(.dataLoss, resource, "path", b.path.value, nil,
                        "The prefix is removed while objects may live under it: nothing reads, writes or expires them any more.")
            case (nil, let a?):
                out.add(.other, resource, "path", nil, a.path.value, "A new prefix; which functions reach it is listed under their access.")
            case (let b?, let a?):
                if b.bucket != a.bucket {
                    out.add(.dataLoss, resource, "bucket", b.bucket, a.bucket,
                            "The prefix moves to another bucket: objects under the old one are no longer read or expired.")
                }
                if b.path.value != a.path.value {
                    out.add(.dataLoss, resource, "path", b.path.value, a.path.value,
                            "The prefix moves: objects under the old path are no longer read or expired by the platform.")
                }
                expiry(b.expireAfter?.value, a.expireAfter?.value, resource, &out)
                if b.purpose != a.purpose { out.add(.other, resource, "purpose", b.purpose, a.purpose, "Only the documentation changes.") }
            case (nil, nil): break
            }
        }
    }

    static func expiry(_ b: SpecDuration?, _ a: SpecDuration?, _ resource: DiffResource, _ out: inout ChangeList) {
        guard b != a else { return }
        switch (b, a) {
        case (nil, let a?):
            out.add(.dataLoss, resource, "expireAfter", nil, a.description, "Objects under the prefix are now deleted \(a) after they are written.")
        case (let b?, let a?) where a < b:
            out.add(.dataLoss, resource, "expireAfter", b.description, a.description, "Objects under the prefix are deleted sooner: after \(a) instead of \(b).")
        default:
            out.add(.capacity, resource, "expireAfter", b?.description, a?.description, "Objects under the prefix are kept longer, so storage grows.")
        }
    }

    // MARK: - Messaging

    static func messaging(_ base: Platform, _ head: Platform, _ out: inout ChangeList) {
        let wa = DiffResource("messaging", "whatsapp")
        switch (base.whatsapp, head.whatsapp) {
        case (let b?, let a?):
            out.compare(b.metaApiVersion.value, a.metaApiVersion.value, .other, wa, "metaApiVersion", "The Meta API version the functions call changes.")
            out.compare(b.accountRatePerSecond.value, a.accountRatePerSecond.value, .capacity, wa, "accountRatePerSecond",
                        "How many WhatsApp requests per second the account sends changes.")
            out.compare(b.mediaRatePerSecond.value, a.mediaRatePerSecond.value, .capacity, wa, "mediaRatePerSecond",
                        "How many WhatsApp media requests per second the platform makes changes.")
            out.compare(b.tierLimit.value, a.tierLimit.value, .capacity, wa, "tierLimit",
                        "How many business-initiated conversations per 24 hours the platform allows itself changes.")
            out.compare(b.tierAlertPercent.value, a.tierAlertPercent.value, .capacity, wa, "tierAlertPercent",
                        "When the tier-usage alarm warns changes.")
            let allowB = b.allowlist.map(\.value), allowA = a.allowlist.map(\.value)
            for id in allowA where !allowB.contains(id) {
                out.add(.securityBroadening, wa, "allowlist", nil, id, "Another phone number may send WhatsApp messages.")
            }
            for id in allowB where !allowA.contains(id) {
                out.add(.securityNarrowing, wa, "allowlist", id, nil, "The phone number may no longer send WhatsApp messages.")
            }
            for name in Set(b.phoneNumbers.map(\.id.value)).union(a.phoneNumbers.map(\.id.value)).sorted() {
                let resource = DiffResource("phoneNumber", name)
                let pb = b.phoneNumbers.first { $0.id.value == name }, pa = a.phoneNumbers.first { $0.id.value == name }
                switch (pb, pa) {
                case (let pb?, nil): out.add(.securityNarrowing, resource, "id", pb.awsId.value, nil, "A WhatsApp number functions could send from is removed.")
                case (nil, let pa?): out.add(.securityBroadening, resource, "id", nil, pa.awsId.value, "A WhatsApp number functions may send from is added.")
                case (let pb?, let pa?):
                    out.compare(pb.awsId.value, pa.awsId.value, .securityBroadening, resource, "id", "Messages go out from a different WhatsApp number.")
                    out.compare(pb.ratePerSecond.value, pa.ratePerSecond.value, .capacity, resource, "ratePerSecond",
                                "How many messages per second the number sends changes.")
                    out.compare(pb.waba.name.value, pa.waba.name.value, .other, resource, "waba", "The number's business account changes.")
                    out.compare(pb.display, pa.display, .other, resource, "display", "Only how the number is shown changes.")
                    out.compare(pb.metaId, pa.metaId, .other, resource, "metaId", "The number's Meta id changes.")
                case (nil, nil): break
                }
            }
            for name in Set(b.wabas.map(\.id.value)).union(a.wabas.map(\.id.value)).sorted() {
                let wb = b.wabas.first { $0.id.value == name }, wa2 = a.wabas.first { $0.id.value == name }
                let describe = { (w: WhatsApp.Waba?) in w.map { "\($0.awsId.value) (\($0.name))" } }
                out.compare(describe(wb), describe(wa2), .other, DiffResource("waba", name), "id", "The WhatsApp business account changes.")
            }
        case (nil, nil): break
        case (let b, let a):
            out.add(.other, wa, "whatsapp", b == nil ? nil : "configured", a == nil ? nil : "configured", "WhatsApp settings are added or removed.")
        }

        let ch = DiffResource("messaging", "channels")
        if let b = base.channels, let a = head.channels {
            out.compare(b.smsRatePerSecond.value, a.smsRatePerSecond.value, .capacity, ch, "sms.ratePerSecond", "How many SMS per second the platform sends changes.")
            out.compare(b.smsMaxLength.value, a.smsMaxLength.value, .capacity, ch, "sms.maxLength", "How long an SMS may be changes.")
            out.compare(b.emailRatePerSecond.value, a.emailRatePerSecond.value, .capacity, ch, "email.ratePerSecond", "How many emails per second the platform sends changes.")
            out.compare(b.smsPool.name.value, a.smsPool.name.value, .securityBroadening, ch, "sms.pool", "SMS go out through another pool.")
            out.compare(b.emailSender.name.value, a.emailSender.name.value, .securityBroadening, ch, "email.sender", "Email goes out from another sender.")
        } else if (base.channels == nil) != (head.channels == nil) {
            out.add(.other, ch, "channels", base.channels == nil ? nil : "configured", head.channels == nil ? nil : "configured", "SMS and email settings are added or removed.")
        }

        let bulk = DiffResource("messaging", "bulk")
        if let b = base.bulk, let a = head.bulk {
            out.compare(b.chunkSize.value, a.chunkSize.value, .capacity, bulk, "chunkSize", "How many recipients one queued chunk holds changes.")
            out.compare(b.workerConcurrency.value, a.workerConcurrency.value, .capacity, bulk, "workerConcurrency", "How many bulk workers run at once changes.")
            out.compare(b.confirmationThreshold.value, a.confirmationThreshold.value, .capacity, bulk, "confirmationThreshold",
                        "How many recipients a bulk job may have before it needs a confirmation changes.")
        } else if (base.bulk == nil) != (head.bulk == nil) {
            out.add(.other, bulk, "bulk", base.bulk == nil ? nil : "configured", head.bulk == nil ? nil : "configured", "Bulk settings are added or removed.")
        }
    }

    // MARK: - Existing resources

    /// The existing resources whose change alters who may do what; the others only change what the platform talks to.
    static let securityKinds: Set<ResourceKind> = [.role, .secret, .userPool]

    static func existing(_ base: Platform, _ head: Platform, _ out: inout ChangeList) {
        let ids = Set(base.existing.map { ResourceID($0.kind, $0.id.value) }).union(head.existing.map { ResourceID($0.kind, $0.id.value) }).sorted()
        for id in ids {
            let resource = DiffResource(id.kind.rawValue, id.name)
            let security = securityKinds.contains(id.kind)
            let risk: Risk = security ? .securityBroadening : .other
            let b = base.existing(id.kind, id.name), a = head.existing(id.kind, id.name)
            switch (b, a) {
            case (let b?, nil):
                out.add(security ? .securityNarrowing : .other, resource, "resource", describe(b), nil,
                        id.kind == .secret ? "A secret reference is removed: functions given it can no longer find the secret." : "The platform stops referring to the existing resource.")
            case (nil, let a?):
                out.add(risk, resource, "resource", nil, describe(a),
                        id.kind == .secret ? "A secret reference is added: functions given it read where the secret lives." : "The platform starts referring to an existing resource.")
            case (let b?, let a?):
                let keys = Set(b.fields.map(\.key)).union(a.fields.map(\.key)).sorted()
                for key in keys where b[key]?.value != a[key]?.value {
                    out.add(risk, resource, key, b[key]?.value, a[key]?.value, why(id.kind))
                }
                let lists = Set(b.lists.map(\.key)).union(a.lists.map(\.key)).sorted()
                for key in lists where b.list(key).map(\.value) != a.list(key).map(\.value) {
                    out.add(risk, resource, key, b.list(key).map(\.value).joined(separator: ", "), a.list(key).map(\.value).joined(separator: ", "), why(id.kind))
                }
            case (nil, nil): break
            }
        }
    }

    static func why(_ kind: ResourceKind) -> String {
        switch kind {
        case .secret: "The secret reference moves: functions now read the secret from another place."
        case .role: "The functions run with another execution role."
        case .userPool: "The API trusts another user pool or other groups."
        default: "The existing resource the platform refers to changes."
        }
    }

    static func describe(_ e: ExistingResource) -> String {
        e.fields.filter { $0.key != "purpose" }.map { "\($0.key)=\($0.value.value)" }.joined(separator: ", ")
    }

    // MARK: - Function variables

    /// Variables as written in the spec: a reference stays a reference, so a renamed table or a moved
    /// prefix is reported once at its source instead of once per function that names it.
    static func variables(_ base: Platform, _ head: Platform, _ out: inout ChangeList) {
        for f in head.functions {
            let resource = DiffResource("function", f.id.value)
            let after = spelled(f)
            guard let old = base.function(f.id.value) else {
                // A new function is listed as a whole; only its secrets deserve a line of their own.
                for (name, v) in after.sorted(by: { $0.key < $1.key }) where isSecret(v) {
                    out.add(.securityBroadening, resource, "environment.\(name)", nil, v, "A secret reference is added: the function reads where the secret lives.")
                }
                continue
            }
            let before = spelled(old)
            for name in Set(before.keys).union(after.keys).sorted() where before[name] != after[name] {
                let b = before[name], a = after[name]
                if [b, a].contains(where: { $0.map(isSecret) == true }) {
                    out.add(a == nil ? .securityNarrowing : .securityBroadening, resource, "environment.\(name)", b, a,
                            a == nil ? "A secret reference is removed: the function no longer reads the secret."
                                     : "A secret reference is added or moved: the function reads where the secret lives.")
                } else if name == "SEND_MODE" || [b, a].contains(where: { $0 == sendModeSetting }) {
                    let channels = SendingChannels.of(f)
                    let what = channels.isEmpty ? "it sends on no channel" : "it decides whether its \(channels.joined(separator: ", ")) messages really leave the platform"
                    out.add(.sendMode, resource, "environment.\(name)", b, a,
                            "The function's SEND_MODE no longer comes from the same place: \(what).", channels: channels)
                } else {
                    out.add(.other, resource, "environment.\(name)", b, a, "An environment variable changes; the function is updated in place.")
                }
            }
        }
    }

    static let sendModeSetting = "{ setting: sendMode }"

    // MARK: - Handlers

    /// What a handler serves and reads: the templates do not show it, the generated config and the checker do.
    static func handlers(_ base: Platform, _ head: Platform, _ out: inout ChangeList) {
        func needs(_ h: Handler) -> String { h.needs.map { "{ \($0.kind.key): \($0.name.value) }" }.sorted().joined(separator: ", ") }
        for name in Set(base.handlers.map(\.id.value)).union(head.handlers.map(\.id.value)).sorted() {
            let resource = DiffResource("handler", name)
            switch (base.handler(name), head.handler(name)) {
            case (let b?, nil): out.add(.other, resource, "handler", b.serves.value.rawValue, nil, "The runtime no longer declares the handler.")
            case (nil, let a?): out.add(.other, resource, "handler", nil, a.serves.value.rawValue, "The runtime declares a new handler.")
            case (let b?, let a?):
                if b.serves.value != a.serves.value {
                    out.add(.other, resource, "serves", b.serves.value.rawValue, a.serves.value.rawValue, "The handler takes another kind of event.")
                }
                if needs(b) != needs(a) {
                    out.add(.other, resource, "needs", needs(b), needs(a),
                            "The handler reads other resources: every function running it must give it each one (lambda.handler-needs).")
                }
            default: break
            }
        }
    }

    static func spelled(_ f: Function) -> [String: String] {
        var out: [String: String] = [:]
        for v in f.environment { out[v.name.value] = spell(v.value) }
        return out
    }

    static func spell(_ value: Function.Value) -> String {
        switch value {
        case .literal(let l): return l.value
        case .setting(let s): return "{ setting: \(s.value.rawValue) }"
        case .reference(let r): return "{ \(r.kind.key): \(r.name.value)" + (r.attribute.map { ", attribute: \($0.value)" } ?? "") + " }"
        }
    }

    static func isSecret(_ spelled: String) -> Bool { spelled.hasPrefix("{ \(ResourceKind.secret.key): ") }
}

/// Collects changes that hold in every environment.
struct ChangeList {
    var changes: [Change] = []

    mutating func add(_ risk: Risk, _ resource: DiffResource, _ field: String, _ before: String?, _ after: String?, _ why: String,
                      channels: [String] = []) {
        changes.append(Change(risk: risk, resource: resource, field: field, before: before, after: after, why: why, channels: channels))
    }

    mutating func compare<T: Equatable & CustomStringConvertible>(_ before: T?, _ after: T?, _ risk: Risk, _ resource: DiffResource,
                                                                  _ field: String, _ why: String) {
        guard before != after else { return }
        add(risk, resource, field, before?.description, after?.description, why)
    }
}
