import AWSClient
import Foundation

/// A JSON value as the request carried it, decoded strictly (a number is never a boolean).
enum JSONValue: Decodable {
    case string(String), number(Double), bool(Bool), null, array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
}

/// Checks one recorded request against one service's model; each disagreement is one line.
struct ModelConformance {
    let model: [String: Any]
    let service: AWSService
    let region: String

    var metadata: [String: Any] { model["metadata"] as? [String: Any] ?? [:] }
    func shape(_ name: String) -> [String: Any] { (model["shapes"] as? [String: Any])?[name] as? [String: Any] ?? [:] }
    func shapeName(_ reference: Any?) -> String { (reference as? [String: Any])?["shape"] as? String ?? "" }

    /// `checkingSignature: false` leaves out whether the request was signed (for requests built by hand).
    func problems(_ request: AWSHTTPRequest, operation name: String, checkingSignature: Bool = true) -> [String] {
        var problems = serviceProblems()
        guard let operation = (model["operations"] as? [String: Any])?[name] as? [String: Any] else {
            return problems + ["no operation \(name) in the model"]
        }
        let http = operation["http"] as? [String: Any] ?? [:]
        if let method = http["method"] as? String, method != request.method { problems.append("method \(request.method), the model's \(method)") }
        if checkingSignature {
            let unsigned = operation["authtype"] as? String == "none" || (operation["auth"] as? [String]) == ["smithy.api#noAuth"]
                || (model["unsignedOperations"] as? [String] ?? []).contains(name)
            let authorization = request.headers["Authorization"]
            if unsigned, authorization != nil { problems.append("signed, but the model leaves it unsigned") }
            if !unsigned {
                if let authorization {
                    if !authorization.contains("/\(region)/\(service.signingName)/aws4_request") { problems.append("signed for another service or region: \(authorization)") }
                } else {
                    problems.append("unsigned, but the model requires a signature")
                }
            }
        }
        let input = shapeName(operation["input"])
        switch metadata["protocol"] as? String {
        case "json":
            if request.path != "/" { problems.append("path \(request.path), the model's /") }
            let target = "\(metadata["targetPrefix"] as? String ?? "").\(name)"
            if request.headers["X-Amz-Target"] != target { problems.append("X-Amz-Target \(request.headers["X-Amz-Target"] ?? "none"), the model's \(target)") }
            let type = "application/x-amz-json-\(metadata["jsonVersion"] as? String ?? "")"
            if request.headers["Content-Type"] != type { problems.append("Content-Type \(request.headers["Content-Type"] ?? "none"), the model's \(type)") }
            if (metadata["awsQueryCompatible"] != nil) != (request.headers["x-amzn-query-mode"] == "true") {
                problems.append("x-amzn-query-mode \(request.headers["x-amzn-query-mode"] ?? "none"), the model \(metadata["awsQueryCompatible"] == nil ? "is not" : "is") query-compatible")
            }
            problems += body(request.body, input: input, timestamps: "unixTimestamp")
        case "query":
            if request.path != "/" { problems.append("path \(request.path), the model's /") }
            if request.headers["Content-Type"]?.hasPrefix("application/x-www-form-urlencoded") != true {
                problems.append("Content-Type \(request.headers["Content-Type"] ?? "none"), the model's application/x-www-form-urlencoded")
            }
            var form = Self.form(request.body)
            if form.removeValue(forKey: "Action") != name { problems.append("Action is not \(name)") }
            if let version = form.removeValue(forKey: "Version"), version != metadata["apiVersion"] as? String { problems.append("Version \(version), the model's \(metadata["apiVersion"] ?? "")") }
            problems += query(form, prefix: "", shape: input, label: input)
        case "rest-json", "rest-xml":
            problems += rest(request, http: http, input: input)
        default:
            problems.append("protocol \(metadata["protocol"] ?? "none") is not checked here")
        }
        return problems
    }

    func serviceProblems() -> [String] {
        var problems: [String] = []
        let signing = metadata["signingName"] as? String ?? metadata["endpointPrefix"] as? String ?? ""
        if service.signingName != signing { problems.append("signing name \(service.signingName), the model's \(signing)") }
        if service.endpointPrefix != metadata["endpointPrefix"] as? String { problems.append("endpoint prefix \(service.endpointPrefix), the model's \(metadata["endpointPrefix"] ?? "")") }
        if service.serviceID != metadata["serviceId"] as? String { problems.append("service id \(service.serviceID), the model's \(metadata["serviceId"] ?? "")") }
        let expected: String
        switch service.wireProtocol {
        case .awsJSON(let version, let prefix, let queryCompatible):
            expected = "json"
            if version != metadata["jsonVersion"] as? String { problems.append("JSON version \(version), the model's \(metadata["jsonVersion"] ?? "")") }
            if prefix != metadata["targetPrefix"] as? String { problems.append("target prefix \(prefix), the model's \(metadata["targetPrefix"] ?? "")") }
            if queryCompatible != (metadata["awsQueryCompatible"] != nil) { problems.append("query compatibility \(queryCompatible), the model's \(!queryCompatible)") }
        case .awsQuery(let version):
            expected = "query"
            if version != metadata["apiVersion"] as? String { problems.append("API version \(version), the model's \(metadata["apiVersion"] ?? "")") }
        case .restJSON: expected = "rest-json"
        case .restXML: expected = "rest-xml"
        }
        if expected != metadata["protocol"] as? String { problems.append("protocol \(expected), the model's \(metadata["protocol"] ?? "")") }
        return problems
    }

    // MARK: JSON bodies

    func body(_ data: Data, input: String, timestamps: String) -> [String] {
        guard !input.isEmpty else { return data.isEmpty || data == Data("{}".utf8) ? [] : ["a body, but the operation has no input"] }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data.isEmpty ? Data("{}".utf8) : data) else { return ["the body is not JSON"] }
        return check(value, shape: input, label: input, timestamps: timestamps, skipping: { _ in false })
    }

    func check(_ value: JSONValue, shape name: String, label: String, timestamps: String, skipping: (([String: Any]) -> Bool)) -> [String] {
        let s = shape(name)
        switch (s["type"] as? String ?? "", value) {
        case ("structure", .object(let object)):
            var problems: [String] = []
            let members = (s["members"] as? [String: [String: Any]] ?? [:]).filter { !skipping($0.value) }
            let wire = Dictionary(uniqueKeysWithValues: members.map { ($0.value["locationName"] as? String ?? $0.key, $0) })
            for (key, inner) in object.sorted(by: { $0.key < $1.key }) {
                guard let (_, member) = wire[key] else {
                    problems.append("\(label): unknown member \(key)")
                    continue
                }
                problems += check(inner, shape: shapeName(member), label: "\(label).\(key)",
                                  timestamps: member["timestampFormat"] as? String ?? timestamps, skipping: { _ in false })
            }
            for required in s["required"] as? [String] ?? [] where members[required] != nil {
                let key = members[required]?["locationName"] as? String ?? required
                if object[key] == nil { problems.append("\(label): required member \(required) missing") }
            }
            if s["union"] as? Bool == true, object.count != 1 { problems.append("\(label): a union with \(object.count) members set") }
            return problems
        case ("list", .array(let items)):
            return items.enumerated().flatMap { check($1, shape: shapeName(s["member"]), label: "\(label)[\($0)]", timestamps: timestamps, skipping: { _ in false }) }
        case ("map", .object(let object)):
            return object.sorted(by: { $0.key < $1.key }).flatMap {
                scalar($0.key, shape: shapeName(s["key"]), label: "\(label) key", timestamps: timestamps)
                    + check($0.value, shape: shapeName(s["value"]), label: "\(label).\($0.key)", timestamps: timestamps, skipping: { _ in false })
            }
        case ("string", .string(let text)):
            return scalar(text, shape: name, label: label, timestamps: timestamps)
        case ("blob", .string(let text)):
            return Data(base64Encoded: text) == nil ? ["\(label): a blob that is not base64"] : []
        case ("boolean", .bool):
            return []
        case ("integer", .number(let n)), ("long", .number(let n)):
            return n == n.rounded() ? [] : ["\(label): expected an integer"]
        case ("double", .number), ("float", .number):
            return []
        case ("timestamp", .number):
            return timestamps == "unixTimestamp" ? [] : ["\(label): a timestamp as a number, the model's \(timestamps)"]
        case ("timestamp", .string(let text)):
            return scalar(text, shape: name, label: label, timestamps: timestamps)
        case ("document", _):
            return []
        case (let type, _):
            let article = type.first.map { "aeiou".contains($0) } == true ? "an" : "a"
            return ["\(label): expected \(article) \(type.isEmpty ? "known shape" : type)"]
        }
    }

    /// A value written as text (query parameters, URI labels, headers, map keys).
    func scalar(_ text: String, shape name: String, label: String, timestamps: String) -> [String] {
        let s = shape(name)
        switch s["type"] as? String {
        case "string":
            if let values = s["enum"] as? [String], !values.contains(text) { return ["\(label): \"\(text)\" is not one of \(values.joined(separator: ", "))"] }
            return []
        case "integer", "long": return Int(text) == nil ? ["\(label): expected an integer, got \(text)"] : []
        case "double", "float": return Double(text) == nil ? ["\(label): expected a number, got \(text)"] : []
        case "boolean": return text == "true" || text == "false" ? [] : ["\(label): expected true or false, got \(text)"]
        case "blob": return Data(base64Encoded: text) == nil ? ["\(label): a blob that is not base64"] : []
        case "timestamp":
            switch timestamps {
            case "unixTimestamp": return Double(text) == nil ? ["\(label): expected epoch seconds, got \(text)"] : []
            case "rfc822": return text.hasSuffix("GMT") ? [] : ["\(label): expected an RFC 822 date, got \(text)"]
            default: return ISO8601DateFormatter().date(from: text) == nil ? ["\(label): expected an ISO 8601 time, got \(text)"] : []
            }
        default: return ["\(label): expected \(s["type"] ?? "a known shape"), got text"]
        }
    }

    // MARK: Query parameters

    static func form(_ body: Data) -> [String: String] {
        var form: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            form[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return form
    }

    /// The parameters under `prefix` against `shape`: structures by member name, lists as
    /// `member.N` (or `N` when flattened), maps as `entry.N.key` / `entry.N.value`.
    func query(_ form: [String: String], prefix: String, shape name: String, label: String, flattened: Bool = false) -> [String] {
        let s = shape(name)
        let dot = prefix.isEmpty ? "" : prefix + "."
        let under = form.filter { $0.key.hasPrefix(dot) || prefix.isEmpty }
        switch s["type"] as? String {
        case "structure":
            var problems: [String] = []
            let members = s["members"] as? [String: [String: Any]] ?? [:]
            let wire = Dictionary(uniqueKeysWithValues: members.map { ($0.value["locationName"] as? String ?? $0.key, $0) })
            let heads = Set(under.keys.map { String($0.dropFirst(dot.count).split(separator: ".", maxSplits: 1)[0]) })
            for head in heads.sorted() {
                guard let (_, member) = wire[head] else {
                    problems.append("\(label): unknown member \(head)")
                    continue
                }
                problems += query(form, prefix: dot + head, shape: shapeName(member), label: "\(label).\(head)", flattened: member["flattened"] as? Bool ?? false)
            }
            for required in s["required"] as? [String] ?? [] {
                let key = members[required]?["locationName"] as? String ?? required
                if !heads.contains(key) { problems.append("\(label): required member \(required) missing") }
            }
            return problems
        case "list":
            let member = s["member"] as? [String: Any] ?? [:]
            let step = flattened || s["flattened"] as? Bool == true ? "" : (member["locationName"] as? String ?? "member") + "."
            if under.count == 1, under[prefix] == "" { return [] }
            let indexes = Set(under.keys.compactMap { key -> Int? in
                guard key.hasPrefix(dot + step) else { return nil }
                return Int(key.dropFirst((dot + step).count).split(separator: ".", maxSplits: 1)[0])
            })
            if indexes.isEmpty { return ["\(label): a list not written as \(prefix).\(step)N"] }
            return indexes.sorted().flatMap { query(form, prefix: "\(dot)\(step)\($0)", shape: shapeName(member), label: "\(label).\(step)\($0)") }
        case "map":
            let step = flattened || s["flattened"] as? Bool == true ? "" : "entry."
            let indexes = Set(under.keys.compactMap { key -> Int? in
                guard key.hasPrefix(dot + step) else { return nil }
                return Int(key.dropFirst((dot + step).count).split(separator: ".", maxSplits: 1)[0])
            })
            if indexes.isEmpty { return ["\(label): a map not written as \(prefix).\(step)N.key"] }
            return indexes.sorted().flatMap { i in
                query(form, prefix: "\(dot)\(step)\(i).key", shape: shapeName(s["key"]), label: "\(label).\(step)\(i).key")
                    + query(form, prefix: "\(dot)\(step)\(i).value", shape: shapeName(s["value"]), label: "\(label).\(step)\(i).value")
            }
        default:
            guard let value = form[prefix] else { return ["\(label): a \(s["type"] ?? "value") written as a structure"] }
            return scalar(value, shape: name, label: label, timestamps: "iso8601")
        }
    }

    // MARK: REST

    func rest(_ request: AWSHTTPRequest, http: [String: Any], input: String) -> [String] {
        var problems: [String] = []
        let s = shape(input)
        let members = s["members"] as? [String: [String: Any]] ?? [:]
        let template = (http["requestUri"] as? String ?? "/").split(separator: "?", maxSplits: 1)
        // A virtual-hosted S3 request carries its bucket in the host name.
        var path = request.path
        if service == .s3, request.host.hasSuffix(".s3.\(region).amazonaws.com") {
            path = "/" + request.host.dropLast(".s3.\(region).amazonaws.com".count) + (path == "/" ? "" : path)
        }
        var labels: [String: String] = [:]
        var rest = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for part in template[0].split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            if part.hasPrefix("{") {
                let greedy = part.hasSuffix("+}")
                let label = String(part.dropFirst().dropLast(greedy ? 2 : 1))
                guard !rest.isEmpty else {
                    problems.append("path \(request.path) does not fill {\(label)} of \(template[0])")
                    break
                }
                let value = greedy ? rest.joined(separator: "/") : String(rest.first!)
                rest = greedy ? [] : rest.dropFirst()
                labels[label] = value.removingPercentEncoding ?? value
            } else if rest.first.map(String.init) == String(part) {
                rest = rest.dropFirst()
            } else {
                problems.append("path \(request.path) is not \(template[0])")
                rest = []
                break
            }
        }
        if !rest.isEmpty, !(rest.count == 1 && rest.first == "") { problems.append("path \(request.path) is longer than \(template[0])") }
        let fixed = Set((template.count > 1 ? template[1] : "").split(separator: "&").map { String($0.split(separator: "=")[0]) })
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            let wire = member["locationName"] as? String ?? name
            let label = "\(input).\(name)"
            let value: String?
            switch member["location"] as? String {
            case "uri": value = labels.removeValue(forKey: wire)
            case "querystring": value = request.query.first { $0.name == wire }?.value
            case "header": value = request.headers[wire]
            default: continue
            }
            if let value {
                problems += scalar(value, shape: shapeName(member), label: label, timestamps: member["timestampFormat"] as? String ?? "iso8601")
            }
        }
        for label in labels.keys.sorted() { problems.append("\(input): no member fills {\(label)}") }
        let known = Set(members.compactMap { $0.value["location"] as? String == "querystring" ? ($0.value["locationName"] as? String ?? $0.key) : nil })
        for item in request.query where !known.contains(item.name) && !fixed.contains(item.name) { problems.append("\(input): unknown query parameter \(item.name)") }
        for required in s["required"] as? [String] ?? [] {
            guard let member = members[required] else { continue }
            let wire = member["locationName"] as? String ?? required
            let present: Bool
            switch member["location"] as? String {
            case "uri": present = template[0].contains("{\(wire)}") || template[0].contains("{\(wire)+}")
            case "querystring": present = request.query.contains { $0.name == wire }
            case "header": present = request.headers[wire] != nil
            default: present = true  // body members: checked with the body
            }
            if !present { problems.append("\(input): required member \(required) missing") }
        }
        // The body: the payload member alone, or the members without a location as a JSON object.
        if let payload = s["payload"] as? String, let member = members[payload] {
            let type = shape(shapeName(member))["type"] as? String
            if type == "structure", metadata["protocol"] as? String == "rest-xml", !request.body.isEmpty {
                let root = member["locationName"] as? String ?? payload
                let text = String(decoding: request.body, as: UTF8.self)
                if !text.hasPrefix("<\(root)") { problems.append("\(input).\(payload): the body's root element is not \(root)") }
                let names = Set((shape(shapeName(member))["members"] as? [String: [String: Any]] ?? [:]).map { $0.value["locationName"] as? String ?? $0.key })
                let children = try? NSRegularExpression(pattern: "<([A-Za-z]+)>").matches(in: text, range: NSRange(text.startIndex..., in: text))
                    .map { String(text[Range($0.range(at: 1), in: text)!]) }
                for child in children ?? [] where child != root && !names.contains(child) { problems.append("\(input).\(payload): unknown element \(child)") }
            } else if type == "structure", !request.body.isEmpty {
                problems += body(request.body, input: shapeName(member), timestamps: "unixTimestamp")
            }
        } else if metadata["protocol"] as? String == "rest-json" {
            if !request.body.isEmpty, request.headers["Content-Type"] != "application/json" {
                problems.append("Content-Type \(request.headers["Content-Type"] ?? "none"), the model's application/json")
            }
            if request.body.isEmpty, members.contains(where: { $0.value["location"] == nil }) {
                let required = (s["required"] as? [String] ?? []).filter { members[$0]?["location"] == nil }
                if !required.isEmpty { problems.append("\(input): no body, but \(required.joined(separator: ", ")) required") }
            } else if !request.body.isEmpty {
                guard let value = try? JSONDecoder().decode(JSONValue.self, from: request.body) else { return problems + ["the body is not JSON"] }
                problems += check(value, shape: input, label: input, timestamps: "unixTimestamp", skipping: { $0["location"] != nil })
            }
        }
        return problems
    }
}
