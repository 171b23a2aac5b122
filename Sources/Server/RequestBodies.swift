import Foundation
import MessagingCore

/// The request bodies of the API. Each type is the one source of its body: decoded strictly by
/// `StrictJSON`, described in `/openapi.json` by `SchemaDecoder`.
protocol APIRequestBody: Decodable {}

extension Channel: SchemaEnum {}

/// A field of a PATCH: absent leaves it alone, `null` clears it, a value sets it.
enum Patch<Value: Decodable>: Decodable {
    case clear
    case set(Value)

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        self = c.decodeNil() ? .clear : .set(try c.decode(Value.self))
    }

    var value: Value? { if case .set(let v) = self { return v }; return nil }

    func map<T: Decodable>(_ transform: (Value) -> T) -> Patch<T> {
        switch self {
        case .clear: .clear
        case .set(let v): .set(transform(v))
        }
    }
}

/// A string field whose schema carries the core's own rule for it as a `pattern`, so that the document
/// says exactly which values the core takes (the core still decides; the pattern only describes it).
protocol PatternedText: SchemaDescribed {
    static var pattern: String { get }
    static var summary: String { get }
    var text: String { get }
    init(text: String)
}

extension PatternedText {
    init(from decoder: any Decoder) throws { self.init(text: try decoder.singleValueContainer().decode(String.self)) }
    static var schemaPlaceholder: Self { Self(text: "") }
    static var jsonSchema: [String: Any] { ["type": "string", "pattern": pattern, "description": summary] }
}

struct PhoneText: PatternedText {
    static var pattern: String { PhoneNumber.pattern }
    static var summary: String { "in international form, with its country code (separators ' .()-' allowed); blank for none" }
    var text: String
}

struct EmailText: PatternedText {
    static var pattern: String { EmailAddress.pattern }
    static var summary: String { "one '@' between a name and a domain with a dot; blank for none" }
    var text: String
}

struct CreateContactBody: APIRequestBody {
    var name: String?
    var phone: PhoneText?
    var email: EmailText?
    var optInWhatsApp: Bool?
    var optInSms: Bool?
    var optInEmail: Bool?
}

struct UpdateContactBody: APIRequestBody {
    var name: Patch<String>?
    var phone: Patch<PhoneText>?
    var email: Patch<EmailText>?
    var optInWhatsApp: Bool?
    var optInSms: Bool?
    var optInEmail: Bool?

    enum CodingKeys: String, CodingKey { case name, phone, email, optInWhatsApp, optInSms, optInEmail }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // decodeIfPresent would read `null` as absent; a PATCH tells them apart.
        func patch<T>(_ key: CodingKeys) throws -> Patch<T>? { c.contains(key) ? try c.decode(Patch<T>.self, forKey: key) : nil }
        name = try patch(.name)
        phone = try patch(.phone)
        email = try patch(.email)
        optInWhatsApp = try c.decodeIfPresent(Bool.self, forKey: .optInWhatsApp)
        optInSms = try c.decodeIfPresent(Bool.self, forKey: .optInSms)
        optInEmail = try c.decodeIfPresent(Bool.self, forKey: .optInEmail)
    }

    /// What the core's update takes: `nil` leaves a field, `.some(nil)` clears it.
    static func field(_ p: Patch<String>?) -> String?? {
        switch p {
        case nil: return nil
        case .clear?: return .some(nil)
        case .set(let v)?: return .some(v)
        }
    }

    static func field<T: PatternedText>(_ p: Patch<T>?) -> String?? { field(p.map { $0.map(\.text) }) }
}

struct TemplateBody: Decodable {
    var name: String
    var language: String?
    var parameters: [String]?
}

struct MediaReferenceBody: Decodable {
    /// image, video, audio or document (the pipeline says which it takes).
    var kind: String
    /// A key under the outgoing prefix.
    var file: String
    var caption: String?
}

/// `POST /api/messages` and `POST /api/messages/{channel}` (where `channel` may be left out).
struct SendMessageBody: APIRequestBody {
    var channel: Channel?
    var contactId: String
    var text: String?
    var template: TemplateBody?
    var media: MediaReferenceBody?
    var subject: String?
    var html: String?
    var phoneNumberId: String?

    func request(channel: Channel) -> SendRequest {
        SendRequest(channel: channel, contactId: contactId, text: text,
                    template: template.map { .init(name: $0.name, language: $0.language ?? "en_US", parameters: $0.parameters ?? []) },
                    media: media.map { .init(kind: $0.kind, file: $0.file, caption: $0.caption) },
                    subject: subject, html: html, phoneNumberId: phoneNumberId)
    }
}

struct MediaUploadBody: APIRequestBody {
    var contactId: String
    var kind: String
    var contentType: String
    /// The file as base64.
    var data: String
    var caption: String?
    var phoneNumberId: String?
}

struct BulkFilterBody: Decodable {
    var q: String?
    var optedInOnly: Bool?
}

struct CreateBulkJobBody: APIRequestBody {
    var channel: Channel
    var contactIds: [String]?
    var filter: BulkFilterBody?
    var text: String?
    var template: TemplateBody?
    var media: MediaReferenceBody?
    var subject: String?
    var html: String?
    var phoneNumberId: String?

    var content: SendMessageBody {
        SendMessageBody(channel: channel, contactId: "", text: text, template: template, media: media, subject: subject, html: html, phoneNumberId: phoneNumberId)
    }
}

struct BulkControlBody: APIRequestBody {
    enum Action: String, SchemaEnum { case pause, resume, cancel }
    var action: Action
}

struct DLQReplayBody: APIRequestBody {
    /// Only these entries; all of them (up to `limit`) when absent.
    var ids: [String]?
    var limit: Int?
}

struct ConfigUpdateBody: APIRequestBody {
    var autoAcknowledge: Bool?
    /// AI reply suggestions for inbound messages (Req 15), off by default.
    var aiAutomation: Bool?
}

struct AIApproveBody: APIRequestBody {
    /// The reply to send instead of the suggestion; the suggestion as it is when absent.
    var text: String?
}

struct AIFeedbackBody: APIRequestBody {
    /// 1 (useless) to 5 (sent as it was).
    var rating: Int
    var comment: String?
}

/// Request bodies decoded strictly: a JSON object of the type's schema, with no key it does not read
/// and no value of another JSON type (`1` is not `true`, `[123]` is not a list of ids).
enum StrictJSON {
    static let decoder = JSONDecoder()

    static func decode<T: APIRequestBody>(_ type: T.Type, from data: Data) throws(CoreError) -> T {
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw .invalid("the body must be JSON")
        }
        guard object is [String: Any] else { throw .invalid("the body must be a JSON object") }
        if let (name, problem) = firstProblem(object, SchemaDecoder.schema(of: type), at: "") {
            throw .invalid(problem == .unknown ? "unknown field '\(name)'" : "'\(name)' must not be null")
        }
        do {
            return try decoder.decode(type, from: data)
        } catch let DecodingError.typeMismatch(expected, context) {
            throw .invalid("'\(path(context.codingPath))' must be \(describe(expected))")
        } catch let DecodingError.keyNotFound(key, context) {
            throw .invalid("'\(path(context.codingPath + [key]))' is required")
        } catch let DecodingError.valueNotFound(_, context) {
            throw .invalid("'\(path(context.codingPath))' must not be null")
        } catch let DecodingError.dataCorrupted(context) {
            throw .invalid("'\(path(context.codingPath))' has a value it cannot take: \(context.debugDescription)")
        } catch {
            throw .invalid("the body does not match its schema")
        }
    }

    enum Problem { case unknown, null }

    /// The first key, in sorted order, that the schema does not allow, or whose `null` it does not
    /// allow (Codable's `decodeIfPresent` would read that `null` as absent).
    static func firstProblem(_ value: Any, _ schema: [String: Any], at prefix: String) -> (String, Problem)? {
        if let object = value as? [String: Any], let properties = schema["properties"] as? [String: Any] {
            for key in object.keys.sorted() {
                let name = prefix.isEmpty ? key : prefix + "." + key
                guard let inner = properties[key] as? [String: Any] else { return (name, .unknown) }
                if object[key] is NSNull {
                    if !((inner["type"] as? [String])?.contains("null") ?? false) { return (name, .null) }
                    continue
                }
                if let found = firstProblem(object[key]!, inner, at: name) { return found }
            }
        } else if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, element) in array.enumerated() {
                if let found = firstProblem(element, items, at: "\(prefix)[\(i)]") { return found }
            }
        }
        return nil
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        case is Int.Type: return "an integer"
        default: return "of type \(type)"
        }
    }
}
