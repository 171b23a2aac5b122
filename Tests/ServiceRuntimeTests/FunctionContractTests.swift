import AWSClient
import Foundation
import LambdaRuntime
@testable import Server
@testable import ServiceRuntime
import WecareConfig
import XCTest

/// Every function starts with exactly the environment its template gives it: the generated contract is
/// the only source of the runtime's configuration, and nothing is fetched at start-up.
final class FunctionContractTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Each function of an environment's template with its `Environment.Variables`, `Ref`s resolved to
    /// stand-in physical ids (what the stack would report).
    func templateFunctions(_ environment: String) throws -> [(name: String, env: [String: String])] {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("generated/cloudformation/\(environment).json"))
        let resources = try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["Resources"] as? [String: [String: Any]])
        return try resources.values.filter { $0["Type"] as? String == "AWS::Lambda::Function" }.map { resource in
            let properties = try XCTUnwrap(resource["Properties"] as? [String: Any])
            // Preview is deployed per branch: its names are `Fn::Sub`s of the branch's slug, resolved here for one branch.
            func substituted(_ value: Any?) -> String? {
                value as? String ?? ((value as? [String: Any])?["Fn::Sub"] as? String)?.replacingOccurrences(of: "${BranchSlug}", with: "add-lo-f715")
            }
            let name = try XCTUnwrap(substituted(properties["FunctionName"]), "function names are literal in the template, or a slug's Fn::Sub")
            let variables = try XCTUnwrap((properties["Environment"] as? [String: Any])?["Variables"] as? [String: Any])
            let env = try variables.mapValues { value -> String in
                if let literal = substituted(value) { return literal }
                let ref = try XCTUnwrap((value as? [String: Any])?["Ref"] as? String, "\(name): only literals and Refs are expected, found \(value)")
                return "physical-\(ref)"
            }
            return (name, env)
        }
    }

    /// The process environment Lambda gives a function: its template's variables and Lambda's own.
    func lambdaEnvironment(_ name: String, _ variables: [String: String]) -> [String: String] {
        variables.merging(["AWS_LAMBDA_FUNCTION_NAME": name, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
                           "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token"]) { a, _ in a }
    }

    func testEveryFunctionOfEveryTemplateStartsWithItsTemplateEnvironmentAlone() throws {
        for environment in ["preview", "staging", "production"] {
            let functions = try templateFunctions(environment)
            XCTAssertEqual(Set(functions.compactMap { ConfigLoader.function(servedBy: ["AWS_LAMBDA_FUNCTION_NAME": $0.name]) }), Set(FunctionName.allCases),
                           "\(environment): the template deploys exactly the functions the runtime knows")
            for (name, variables) in functions {
                let env = lambdaEnvironment(name, variables)
                let function = try XCTUnwrap(ConfigLoader.function(servedBy: env), name)
                let config: FunctionConfig
                do {
                    config = try FunctionConfig.load(function, from: env)
                } catch {
                    XCTFail("\(environment) \(name) does not start with its template's environment: \(error)")
                    continue
                }
                XCTAssertEqual(config.runtime.environment.rawValue, environment)
                for need in function.handler.needs {
                    XCTAssertNotNil(config.value(need), "\(environment) \(name): \(need) is a need its template must bind")
                }
                // Building the function's service makes no request: no JWKS, no table check, nothing.
                let transport = CountingTransport()
                let context = try FunctionService.make(config, processEnvironment: env, log: JSONLineLog(level: "ERROR"), transport: transport)
                _ = LambdaFunction(function, context: context)
                XCTAssertEqual(transport.count, 0, "\(environment) \(name) made requests at start-up")
            }
        }
    }

    func testAMissingVariableStopsInitNamingEveryMissingPiece() throws {
        let (name, variables) = try XCTUnwrap(templateFunctions("production").first { $0.name.hasSuffix("-bulk-job-create") })
        var env = lambdaEnvironment(name, variables)
        env["BULK_QUEUE_URL"] = nil
        env["AUDIT_TABLE"] = ""
        XCTAssertThrowsError(try FunctionConfig.load(.bulkJobCreate, from: env)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.hasPrefix("cannot start: 2 problems"), text)
            XCTAssertTrue(text.contains("BULK_QUEUE_URL is missing (function bulk-job-create is deployed with it)"), text)
            XCTAssertTrue(text.contains("AUDIT_TABLE is missing"), text)
        }
    }

    func testAHandlerIsHandedOnlyWhatItDeclares() throws {
        let (name, variables) = try XCTUnwrap(templateFunctions("preview").first { $0.name.hasSuffix("-contacts-search") })
        let config = try FunctionConfig.load(.contactsSearch, from: lambdaEnvironment(name, variables))
        XCTAssertEqual(config.table(.contacts), "physical-TableContacts")
        XCTAssertNil(config.table(.auditLogs), "contacts.search does not declare AuditLogs")
        XCTAssertNil(config.bucket(.media))
    }

    func testTheFunctionIsFoundByItsPhysicalName() {
        XCTAssertEqual(ConfigLoader.function(servedBy: ["AWS_LAMBDA_FUNCTION_NAME": "base-wecare-digital-bulk-job-create"]), .bulkJobCreate)
        XCTAssertEqual(ConfigLoader.function(servedBy: ["AWS_LAMBDA_FUNCTION_NAME": "base-wecare-digital-preview-contacts-read"]), .contactsRead)
        XCTAssertEqual(ConfigLoader.function(servedBy: ["_HANDLER": "bulk.worker"]), .bulkWorker)
        XCTAssertNil(ConfigLoader.function(servedBy: ["AWS_LAMBDA_FUNCTION_NAME": "something-else"]))
    }

    func testEveryRouteOfTheSpecsIsARouteOfTheService() {
        /// "POST /api/messages/sms" is served by "POST /api/messages/{channel}": a `{…}` segment takes any one segment.
        func serves(_ pattern: String, _ route: String) -> Bool {
            let p = pattern.split(separator: "/", omittingEmptySubsequences: false), r = route.split(separator: "/", omittingEmptySubsequences: false)
            return p.count == r.count && zip(p, r).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        for function in FunctionName.allCases {
            guard case .routes(let routes) = function.trigger else { continue }
            for route in routes {
                XCTAssertTrue(Routes.table.contains { serves("\($0.method) \($0.path)", route) } || UIRoutes.specRoutes.contains(route),
                              "\(function.rawValue): \(route) is not a route of the service")
            }
            XCTAssertEqual(function.handler.serves, .routes)
        }
    }
}

/// Counts requests and answers none: a function's start-up must not make any.
final class CountingTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var made = 0
    var count: Int { lock.withLock { made } }

    struct NoNetwork: Error {}

    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        lock.withLock { made += 1 }
        throw NoNetwork()
    }
}
