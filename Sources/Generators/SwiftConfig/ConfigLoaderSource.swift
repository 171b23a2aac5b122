/// The loader of the generated config: fixed code, generated beside the values it reads.
enum ConfigLoaderSource {
    static func text(header: String) -> String {
        header + """

        /// SEND_MODE once read and checked against the environment's type.
        public enum SendMode: String, Sendable {
            case dryRun = "DRY_RUN"
            case live = "LIVE"
        }

        /// The configuration a process runs with, read from its environment at start-up.
        public struct RuntimeConfig: Sendable {
            public let environment: EnvironmentName
            public let sendMode: SendMode
            public let logLevel: String
            /// The function this process serves on Lambda; nil for the HTTP service.
            public let function: FunctionName?
            /// The validated variables, by name.
            public let variables: [String: String]
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

            /// Reads and validates the variables; throws one error naming everything missing or wrong.
            /// - Parameter function: the function served; found from `AWS_LAMBDA_FUNCTION_NAME` or `_HANDLER` when nil.
            public static func load(_ env: [String: String], function: FunctionName? = nil) throws(ConfigError) -> RuntimeConfig {
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
                let served = function ?? resolveFunction(env, environment: environmentName)
                var variables: [String: String] = [:]
                for name in served?.variables ?? ["SEND_MODE", "LOG_LEVEL", "ENVIRONMENT"] {
                    if let value = env[name], !value.isEmpty {
                        variables[name] = value
                    } else if !["SEND_MODE", "LOG_LEVEL", "ENVIRONMENT"].contains(name) {
                        problems.append("\\(name) is missing (function \\(served!.rawValue) needs it)")
                    }
                }
                guard problems.isEmpty, let environmentName, let sendMode else { throw ConfigError(problems: problems) }
                return RuntimeConfig(environment: environmentName, sendMode: sendMode, logLevel: logLevel, function: served, variables: variables)
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

            static func resolveFunction(_ env: [String: String], environment: EnvironmentName?) -> FunctionName? {
                if let name = env["AWS_LAMBDA_FUNCTION_NAME"] {
                    if let exact = FunctionName(rawValue: name) { return exact }
                    if let match = FunctionName.allCases.first(where: { name.hasSuffix("-" + $0.rawValue) }) { return match }
                }
                return env["_HANDLER"].flatMap(FunctionName.init(handler:))
            }
        }

        """
    }
}
