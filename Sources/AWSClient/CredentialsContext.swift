import Foundation

/// What every credentials source may read: the process environment, files, the network and the
/// clock. Injected, so tests choose each one and never reach the real home folder or network.
public struct CredentialsContext: Sendable {
    /// Returns the file's text, or nil when the file does not exist.
    public typealias FileReader = @Sendable (_ path: String) throws -> String?
    /// Replaces the file's text (the renewed SSO token goes back into the cache `aws sso login` wrote).
    public typealias FileWriter = @Sendable (_ path: String, _ text: String) throws -> Void

    /// The process environment (pass `ProcessInfo.processInfo.environment`).
    public var environment: [String: String]
    /// The client's region, for STS's regional endpoint; nil falls back to `AWS_REGION`,
    /// `AWS_DEFAULT_REGION`, the profile's `region`, then us-east-1.
    public var region: String?
    /// STS and the SSO portal.
    public var transport: any HTTPTransport
    /// The container and instance metadata endpoints: short timeouts, so that a machine without
    /// them falls through in about a second.
    public var metadataTransport: any HTTPTransport
    public var readFile: FileReader
    public var writeFile: FileWriter
    public var now: @Sendable () -> Date
    /// Retries of STS and SSO calls.
    public var retryPolicy: RetryPolicy

    public init(
        environment: [String: String],
        region: String? = nil,
        transport: any HTTPTransport = AsyncHTTPClientTransport(timeout: .seconds(30)),
        metadataTransport: any HTTPTransport = AsyncHTTPClientTransport(timeout: .seconds(1)),
        readFile: @escaping FileReader = CredentialsContext.readFileFromDisk,
        writeFile: @escaping FileWriter = CredentialsContext.writeFileToDisk,
        now: @escaping @Sendable () -> Date = { Date() },
        retryPolicy: RetryPolicy = .standard
    ) {
        self.environment = environment
        self.region = region
        self.transport = transport
        self.metadataTransport = metadataTransport
        self.readFile = readFile
        self.writeFile = writeFile
        self.now = now
        self.retryPolicy = retryPolicy
    }

    /// Reads a UTF-8 file; a missing file is nil rather than an error.
    public static let readFileFromDisk: FileReader = { path in
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    /// Writes a UTF-8 file atomically (a reader never sees half of it), readable by its owner only.
    public static let writeFileToDisk: FileWriter = { path, text in
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    /// The variable's value; empty counts as unset, as in the SDKs.
    func variable(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    var home: String {
        variable("HOME") ?? NSHomeDirectory()
    }

    /// `~/x` under `HOME`; other paths as they are.
    func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return home + path.dropFirst()
    }

    /// The region STS is called in: the client's, the environment's, the profile's, else us-east-1.
    func stsRegion(profileRegion: String? = nil) -> String {
        region ?? variable("AWS_REGION") ?? variable("AWS_DEFAULT_REGION") ?? profileRegion.flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
    }

    /// A client for a credentials source's own calls (STS, SSO), honouring `AWS_ENDPOINT_URL*`.
    /// `signedWith` nil is for unsigned calls only: a signed call through it fails.
    func client(region: String, signedWith credentials: (any CredentialsProvider)?, source: String) throws -> AWSClient {
        let endpoints: EndpointOverrides
        do {
            endpoints = try EndpointOverrides(environment: environment)
        } catch {
            throw CredentialsError.incomplete(source: source, reason: "\(error)")
        }
        return AWSClient(configuration: AWSClientConfiguration(
            region: region, configuredEndpoints: endpoints, credentialsProvider: credentials ?? UnsignedCallsOnly(),
            transport: transport, retryPolicy: retryPolicy, now: now))
    }

    /// Reads a file a source names (a token file); a missing or unreadable one is `incomplete`.
    func readRequiredFile(_ path: String, source: String, what: String) throws -> String {
        let text: String?
        do {
            text = try readFile(expandingTilde(path))
        } catch {
            throw CredentialsError.incomplete(source: source, reason: "cannot read the \(what) \(path): \(error)")
        }
        guard let text else {
            throw CredentialsError.incomplete(source: source, reason: "the \(what) \(path) does not exist")
        }
        return text
    }

    /// A session name for roles assumed without `role_session_name`, as the SDKs make one.
    func defaultSessionName() -> String {
        "wecare-\(Int(now().timeIntervalSince1970))"
    }
}

/// The credentials of a client that only makes unsigned calls.
private struct UnsignedCallsOnly: CredentialsProvider {
    func credentials() throws -> AWSCredentials {
        preconditionFailure("a client for unsigned calls was asked to sign")
    }
}
