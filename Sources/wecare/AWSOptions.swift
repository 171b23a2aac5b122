import AWSClient
import ArgumentParser
import Foundation

/// The options every AWS-facing subcommand shares.
struct AWSOptions: ParsableArguments {
    @Option(help: "Send every AWS request to this endpoint (a local emulator such as moto); wins over AWS_ENDPOINT_URL*.") var endpointURL: String?
    @Option(help: "AWS region (default: AWS_REGION, then the specs' region).") var region: String?
    @Option(help: "Named profile of ~/.aws/config or ~/.aws/credentials (keys, role, SSO or credential_process).") var profile: String?

    func client(defaultRegion: String) throws -> AWSClient {
        let env = ProcessInfo.processInfo.environment
        var endpoint: URL?
        if let endpointURL {
            guard let url = URL(string: endpointURL), url.scheme == "http" || url.scheme == "https" else {
                throw ValidationError("--endpoint-url must be an http(s) URL, got '\(endpointURL)'")
            }
            endpoint = url
        }
        // AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> apply as in the AWS CLI; --endpoint-url wins over both.
        // Credentials too: environment, web identity, profiles, container, EC2; --profile means that
        // profile alone, AWS_PROFILE only picks the profile the chain reads. STS is called in the region.
        let region = region ?? env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"] ?? defaultRegion
        do {
            return AWSClient(configuration: try AWSClientConfiguration(
                region: region,
                environment: env,
                endpointOverride: endpoint,
                credentialsProvider: CredentialsProviderChain.standard(environment: env, profile: profile, region: region)))
        } catch {
            throw ValidationError(String(describing: error))
        }
    }
}

/// The deployment options `plan` and `deploy` share.
struct TargetOptions: ParsableArguments {
    @Option(help: "The git branch being deployed; decides the environment.") var branch: String
    @Option(help: "Stack name (default: the environment's).") var stack: String?
    @Option(name: .customLong("parameter"), help: "A template parameter, NAME=VALUE (repeatable). WECARE_PARAM_<NAME> works too.")
    var parameters: [String] = []
    @Option(help: "Project root holding specs/, environments/ and generated/.") var root: String = "."

    func parameterValues() throws -> [String: String] {
        var values: [String: String] = [:]
        for (key, value) in ProcessInfo.processInfo.environment where key.hasPrefix("WECARE_PARAM_") {
            values[String(key.dropFirst("WECARE_PARAM_".count))] = value
        }
        for p in parameters {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else { throw ValidationError("--parameter takes NAME=VALUE, got '\(p)'") }
            values[String(p[..<eq])] = String(p[p.index(after: eq)...])
        }
        return values
    }
}
