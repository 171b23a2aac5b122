import Foundation
import SpecModel
import XCTest

/// DRY_RUN enforced by IAM: the generated policies evaluated as IAM evaluates them (an explicit deny
/// wins over any allow) for every function of every environment and every sending action.
final class SendingDenialTests: XCTestCase {
    /// One statement of a generated policy, enough of IAM's grammar for these documents.
    struct Statement {
        var effect: String
        var actions: [String]
        var resources: [String]
        var sourceFunctionArns: [String]?

        init(_ json: [String: Any]) {
            effect = json["Effect"] as? String ?? ""
            func list(_ v: Any?) -> [String] { (v as? [String]) ?? (v as? String).map { [$0] } ?? [] }
            actions = list(json["Action"])
            resources = list(json["Resource"])
            let condition = json["Condition"] as? [String: Any]
            sourceFunctionArns = (condition?["ArnLike"] as? [String: Any]).map { list($0["lambda:SourceFunctionArn"]) }
        }

        func applies(action: String, resource: String, caller: String) -> Bool {
            func glob(_ pattern: String, _ text: String) -> Bool {
                text.range(of: "^" + NSRegularExpression.escapedPattern(for: pattern).replacingOccurrences(of: "\\*", with: ".*") + "$",
                           options: .regularExpression) != nil
            }
            guard actions.contains(where: { glob($0, action) }), resources.contains(where: { glob($0, resource) }) else { return false }
            return sourceFunctionArns.map { $0.contains { glob($0, caller) } } ?? true
        }
    }

    func policy(_ environment: String) throws -> [Statement] {
        let data = try Data(contentsOf: packageRoot.appendingPathComponent("generated/iam/\(environment).json"))
        return ((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["Statement"] as? [[String: Any]] ?? []).map(Statement.init)
    }

    /// What each function may send on, from the template: its phone numbers, pool and sender, in the environment's ARNs.
    func sends(_ environment: String) throws -> [(function: String, action: String, resource: String)] {
        let statements = try policy(environment).filter { $0.effect == "Allow" }
        let sending = ["social-messaging:SendWhatsAppMessage", "sms-voice:SendTextMessage", "ses:SendEmail"]
        let data = try Data(contentsOf: packageRoot.appendingPathComponent("generated/cloudformation/\(environment).json"))
        let resources = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["Resources"] as? [String: [String: Any]] ?? [:]
        let functions = resources.values.filter { $0["Type"] as? String == "AWS::Lambda::Function" }
            .compactMap { resource -> String? in
                // Preview's names hold the branch's slug: the functions of one real branch's copy.
                let name = (resource["Properties"] as? [String: Any])?["FunctionName"]
                return name as? String ?? ((name as? [String: String])?["Fn::Sub"]).map {
                    $0.replacingOccurrences(of: BranchSlug.placeholder, with: BranchSlug.slug(for: "feature/add-login", rule: "feature/*"))
                }
            }
        return functions.flatMap { name in
            let arn = "arn:aws:lambda:us-east-1:809904170947:function:\(name)"
            return sending.flatMap { action in statements.filter { $0.actions.contains(action) }.flatMap { s in s.resources.map { (arn, action, $0) } } }
        }
    }

    func allowed(_ statements: [Statement], _ action: String, _ resource: String, by caller: String) -> Bool {
        if statements.contains(where: { $0.effect == "Deny" && $0.applies(action: action, resource: resource, caller: caller) }) { return false }
        return statements.contains { $0.effect == "Allow" && $0.applies(action: action, resource: resource, caller: caller) }
    }

    func testNoDryRunFunctionCanSendAndProductionCan() throws {
        for environment in ["preview", "staging"] {
            let statements = try policy(environment)
            let attempts = try sends(environment)
            XCTAssertFalse(attempts.isEmpty)
            for a in attempts {
                XCTAssertFalse(allowed(statements, a.action, a.resource, by: a.function), "\(environment): \(a.function) could call \(a.action) on \(a.resource)")
            }
            // The role is shared: the deny in this environment's policy must not reach production's functions.
            let production = "arn:aws:lambda:us-east-1:809904170947:function:base-wecare-digital-outbound-sms"
            XCTAssertFalse(statements.contains { $0.effect == "Deny" && $0.applies(action: "sms-voice:SendTextMessage", resource: "x", caller: production) })
        }
        let production = try policy("production")
        for a in try sends("production") where a.function.hasSuffix("-outbound-sms") {
            XCTAssertTrue(allowed(production, a.action, a.resource, by: a.function), "production sends: \(a.function) \(a.action)")
        }
    }
}
