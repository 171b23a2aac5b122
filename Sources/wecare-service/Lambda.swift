import ArgumentParser
import Foundation
import LambdaRuntime
import Server
import ServiceRuntime
import WecareConfig

/// `wecare-service lambda`: the bootstrap of every deployed function (`provided.al2023`). It finds its
/// function from `AWS_LAMBDA_FUNCTION_NAME`, reads the function's generated configuration, and serves
/// the Lambda Runtime API. A configuration that does not load is reported as the init error, naming
/// every missing piece at once.
struct Lambda: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run as the provided.al2023 bootstrap of a deployed Lambda function.")

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let api = env["AWS_LAMBDA_RUNTIME_API"] else {
            throw ValidationError("AWS_LAMBDA_RUNTIME_API is not set: `lambda` runs inside AWS Lambda (or a Runtime API emulator)")
        }
        let client = RuntimeAPIClient(endpoint: api)
        guard let function = ConfigLoader.function(servedBy: env) else {
            try await client.initFailed(type: "UnknownFunction", message: "AWS_LAMBDA_FUNCTION_NAME (\(env["AWS_LAMBDA_FUNCTION_NAME"] ?? "unset")) names no function of the specs")
            throw ExitCode(1)
        }
        let config: FunctionConfig
        do {
            config = try FunctionConfig.load(function, from: env)
        } catch {
            try await client.initFailed(type: "ConfigError", message: "\(function.rawValue): \(error)")
            throw ExitCode(1)
        }
        guard config.runtime.environment != .local else {
            try await client.initFailed(type: "ConfigError", message: "ENVIRONMENT=local is not deployed; run the embedded default with `wecare-service serve`")
            throw ExitCode(1)
        }
        let context: ServiceContext
        do {
            context = try FunctionService.make(config, processEnvironment: env, log: JSONLineLog(level: config.runtime.logLevel))
        } catch {
            try await client.initFailed(type: "ConfigError", message: "\(function.rawValue): \(error)")
            throw ExitCode(1)
        }
        let handler = LambdaFunction(function, context: context)
        try await LambdaLoop.run(client: client) { try await handler.handle($0) }
    }
}
