/// The loader of the generated config: fixed code, generated beside the values it reads.
enum ConfigLoaderSource {
    static func text(header: String) -> String {
        header + """

        /// SEND_MODE once read and checked against the environment's type.
        public enum SendMode: String, Sendable {
            case dryRun = "DRY_RUN"
            case live = "LIVE"
        }

        /// The settings every process reads from its environment at start-up.
        public struct RuntimeConfig: Sendable {
            public let environment: EnvironmentName
            public let sendMode: SendMode
            public let logLevel: String
        }

        /// What one deployed function runs with: its settings and, for each need of its handler, the value of
        /// the variable its template binds to it. The runtime learns table names, queue URLs, buckets and
        /// prefixes here and nowhere else; a resource the handler does not declare is never handed out.
        public struct FunctionConfig: Sendable {
            public let function: FunctionName
            public let runtime: RuntimeConfig
            let values: [SpecResource: String]

            /// The value of one need of the handler (a table's name, a queue's URL, a key prefix…); nil for anything else.
            public func value(_ resource: SpecResource) -> String? { values[resource] }
            public func table(_ table: SpecResource.Table) -> String? { values[.table(table)] }
            public func queueURL(_ queue: SpecResource.Queue) -> String? { values[.queue(queue)] }
            public func bucket(_ bucket: SpecResource.Bucket) -> String? { values[.bucket(bucket)] }
            public func keyPrefix(_ prefix: SpecResource.Prefix) -> String? { values[.prefix(prefix)] }
            public func functionName(_ function: FunctionName) -> String? { values[.function(function)] }

            /// Reads the function's variables; throws one error naming every variable that is missing or wrong,
            /// and every need of the handler that no variable binds (a spec `wecare check` would refuse).
            public static func load(_ function: FunctionName, from env: [String: String]) throws(ConfigError) -> FunctionConfig {
                var problems: [String] = []
                let runtime: RuntimeConfig?
                do { runtime = try ConfigLoader.load(env) } catch { runtime = nil; problems = error.problems }
                let bindings = function.bindings
                for name in bindings.keys.sorted() where !ConfigLoader.common.contains(name) && (env[name] ?? "").isEmpty {
                    problems.append("\\(name) is missing (function \\(function.rawValue) is deployed with it)")
                }
                var values: [SpecResource: String] = [:]
                for need in function.handler.needs {
                    guard let variable = bindings.first(where: { $0.value == .resource(need) })?.key else {
                        problems.append("handler \\(function.handler.rawValue) needs \\(need), which function \\(function.rawValue) is not given (wecare check: lambda.handler-needs)")
                        continue
                    }
                    if let value = env[variable], !value.isEmpty { values[need] = value }
                }
                guard problems.isEmpty, let runtime else { throw ConfigError(problems: problems) }
                return FunctionConfig(function: function, runtime: runtime, values: values)
            }
        }

        /// Every problem found in the process environment, reported together.
        public struct ConfigError: Error, CustomStringConvertible, Sendable {
            public let problems: [String]
            public var description: String {
                "cannot start: \\(problems.count) problem\\(problems.count == 1 ? "" : "s") with the environment variables:\\n"
                    + problems.map { "  - \\($0)" }.joined(separator: "\\n")
            }
        }

        public enum ConfigLoader {
            static let logLevels = ["DEBUG", "INFO", "WARN", "ERROR"]

            /// The variables every function is deployed with.
            static let common = ["ENVIRONMENT", "SEND_MODE", "LOG_LEVEL"]

            /// Reads and validates ENVIRONMENT, SEND_MODE and LOG_LEVEL; throws one error naming everything missing or wrong.
            public static func load(_ env: [String: String]) throws(ConfigError) -> RuntimeConfig {
                var problems: [String] = []
                let environmentName = env["ENVIRONMENT"].flatMap(EnvironmentName.init(rawValue:))
                if env["ENVIRONMENT"] == nil {
                    problems.append("ENVIRONMENT is missing; set it to one of \\(EnvironmentName.allCases.map(\\.rawValue).joined(separator: ", "))")
                } else if environmentName == nil {
                    problems.append("ENVIRONMENT='\\(env["ENVIRONMENT"]!)' is not an environment; use one of \\(EnvironmentName.allCases.map(\\.rawValue).joined(separator: ", "))")
                }
                var sendMode: SendMode?
                if let raw = env["SEND_MODE"] {
                    if let name = environmentName {
                        sendMode = parseSendMode(raw, for: name)
                        if sendMode == nil {
                            problems.append(raw == SendMode.live.rawValue
                                ? "SEND_MODE=LIVE is not allowed in \\(name.rawValue): only production may send for real"
                                : "SEND_MODE='\\(raw)' is not DRY_RUN or LIVE")
                        }
                    }
                } else {
                    problems.append("SEND_MODE is missing; set DRY_RUN (or LIVE in production)")
                }
                let logLevel = env["LOG_LEVEL"] ?? ""
                if !logLevels.contains(logLevel) {
                    problems.append(env["LOG_LEVEL"] == nil ? "LOG_LEVEL is missing; set one of \\(logLevels.joined(separator: ", "))"
                                                            : "LOG_LEVEL='\\(logLevel)' is not one of \\(logLevels.joined(separator: ", "))")
                }
                guard problems.isEmpty, let environmentName, let sendMode else { throw ConfigError(problems: problems) }
                return RuntimeConfig(environment: environmentName, sendMode: sendMode, logLevel: logLevel)
            }

            /// The type of each environment's SEND_MODE decides what parses: LIVE only in production.
            public static func parseSendMode(_ raw: String, for environment: EnvironmentName) -> SendMode? {
                let isLive: Bool?
                switch environment {
                case .production: isLive = LiveCapableSendMode(rawValue: raw)?.isLive
                default: isLive = DryRunSendMode(rawValue: raw)?.isLive
                }
                return isLive.map { $0 ? .live : .dryRun }
            }

            /// The function a Lambda process serves: its physical name in an environment (`AWS_LAMBDA_FUNCTION_NAME`),
            /// the longest function id it ends with, or its handler (`_HANDLER`) when exactly one function runs it.
            public static func function(servedBy env: [String: String]) -> FunctionName? {
                if let name = env["AWS_LAMBDA_FUNCTION_NAME"] {
                    if let exact = FunctionName(rawValue: name) { return exact }
                    let suffixed = FunctionName.allCases.filter { name.hasSuffix("-" + $0.rawValue) }
                    if let longest = suffixed.max(by: { $0.rawValue.count < $1.rawValue.count }) { return longest }
                }
                guard let handler = env["_HANDLER"] else { return nil }
                let running = FunctionName.allCases.filter { $0.handler.rawValue == handler }
                return running.count == 1 ? running[0] : nil
            }
        }

        """
    }
}
