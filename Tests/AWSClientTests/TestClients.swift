import AWSClient
import Foundation

/// Clients wired to a recording transport, fixed credentials and the reference samples' clock.
enum TestClients {
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    /// 2025-01-08T23:30:43Z, the clock of the reference samples.
    static let sampleDate = Date(timeIntervalSince1970: 1_736_379_043)

    static func client(
        transport: RecordingTransport,
        region: String = "us-east-1",
        endpointOverride: URL? = nil,
        sleeps: SleepRecorder = SleepRecorder(),
        random: Double = 0.5
    ) -> AWSClient {
        let policy = RetryPolicy(random: { random }, sleep: { try await sleeps.sleep($0) })
        return AWSClient(configuration: AWSClientConfiguration(
            region: region,
            endpointOverride: endpointOverride,
            credentialsProvider: credentials,
            transport: transport,
            retryPolicy: policy,
            now: { sampleDate }
        ))
    }
}
