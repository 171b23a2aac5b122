import Crypto
import Foundation
import Hummingbird
import Server
import ServiceRuntime
import SNSVerification
import X509
import _CryptoExtras

/// `wecare-bench sns-ingest [port]`: inbound ingestion the way SNS delivers it over HTTP(S): each event a
/// signed `Notification` envelope (SignatureVersion 2, SHA256withRSA) posted to `/webhooks/sns` of the
/// service's own router, on the embedded default's SQLite store. Every request goes through the whole
/// `SNSVerifier` (URL policy, topic, certificate validity, the RSA signature over the string to sign)
/// before the inbound processor. The signing key and its certificate are made here and stand in for
/// SNS's; the certificate is served from memory, as the verifier's cache holds it after the first fetch.
/// Runs in process: the shipped `serve` trusts only SNS's own certificate hosts and has no switch to
/// trust another.
func snsIngest(port: Int) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-bench-sns-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let signer = try BenchSNSSigner()
    let topic = "arn:aws:sns:ap-south-1:809904170947:wecare-bench-inbound"
    let log = JSONLineLog(level: "ERROR")
    var context = try await LocalService.make(dataDir: directory.path, log: log)
    context.sns = VerifiedSNS(verifier: SNSVerifier(allowedTopicARNs: [topic], fetcher: signer))
    let app = LocalService.application(context, host: "127.0.0.1", port: port, log: log)
    let server = Task { try await app.runService() }
    defer { server.cancel() }
    for _ in 0..<100 {
        if let socket = try? HTTPLoad.connect(port: UInt16(port)) { close(socket); break }
        try await Task.sleep(for: .milliseconds(50))
    }

    // Signed before the clock starts, on every core: the load generator only writes bytes.
    let count = 50_000
    let clock = ContinuousClock.now
    let envelopes = try signer.envelopes(count: count, topic: topic)
    print(String(format: "signed %d SNS envelopes in %.1f s (SHA256withRSA, 2048-bit key)", count, (ContinuousClock.now - clock).seconds))
    // What verification alone costs, one delivery at a time (decoding, URL policy, topic, certificate, RSA).
    let verifier = SNSVerifier(allowedTopicARNs: [topic], fetcher: signer)
    let sample = envelopes.prefix(5_000).map { Data($0) }
    _ = try await verifier.verify(body: sample[0])
    let verifyStart = ContinuousClock.now
    for body in sample { _ = try await verifier.verify(body: body) }
    print(String(format: "verifier alone             : %8.1f µs per delivery   (%d deliveries, one at a time)",
                 (ContinuousClock.now - verifyStart).seconds * 1e6 / Double(sample.count), sample.count))
    let load = HTTPLoad(port: UInt16(port), path: "/webhooks/sns")
    report("signed SNS, max throughput :", try await load.runOnItsOwnThread(Array(envelopes[0..<20_000]), connections: 8), cpu: "service and load generator")
    // The same as fast as they go with more deliveries in flight: SNS documents no bound on its
    // connections, and with more in flight each thread's wake-up serves more requests.
    report("  with 16 connections      :", try await load.runOnItsOwnThread(Array(envelopes[20_000..<30_000]), connections: 16), cpu: "the same")
    report("  with 32 connections      :", try await load.runOnItsOwnThread(Array(envelopes[30_000..<40_000]), connections: 32), cpu: "the same")
    report("signed SNS, at 1,000 req/s :", try await load.runOnItsOwnThread(Array(envelopes[40_000...]), connections: 8, rate: 1000))
    var stored = 0
    for i in 0..<count where try await context.deps.store.message(whatsappId: "wamid.BENCH\(i)") != nil { stored += 1 }
    print("messages stored: \(stored) of \(count)" + (stored == count ? "" : "  MISSING \(count - stored)"))
}

/// Prints one load run: events/s and latency percentiles; with `cpu`, this process's CPU time per event,
/// named by `cpu` (what runs in this process), and the part of it the load generator's thread took.
func report(_ label: String, _ r: HTTPLoad.Result, cpu: String? = nil) {
    let p = { (q: Double) in r.latencies.isEmpty ? 0 : r.latencies[min(r.latencies.count - 1, Int(q * Double(r.latencies.count)))] * 1000 }
    print(String(format: "%@ %8.0f events/s  p50 %6.2f ms  p99 %6.2f ms   (%d events%@)", label, Double(r.requests) / r.seconds, p(0.5), p(0.99),
                 r.requests, r.failures > 0 ? ", \(r.failures) FAILED" : ""))
    if let cpu, r.requests > 0 {
        print(String(format: "%@ %8.0f µs CPU per event (%@; the load generator's thread %.0f µs of it)", String(repeating: " ", count: label.count),
                     r.processCPU * 1e6 / Double(r.requests), cpu, r.generatorCPU * 1e6 / Double(r.requests)))
    }
}

/// A key pair and a self-signed certificate standing in for SNS's; serves the certificate to the verifier.
struct BenchSNSSigner: CertificateFetcher {
    static let certificateURL = "https://sns.ap-south-1.amazonaws.com/SimpleNotificationService-bench.pem"
    let key: _RSA.Signing.PrivateKey
    let pem: String

    init() throws {
        key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let certificateKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName { CommonName("sns.amazonaws.com") }
        pem = try Certificate(version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: certificateKey.publicKey,
                              notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(86_400),
                              issuer: name, subject: name, signatureAlgorithm: .sha256WithRSAEncryption,
                              extensions: Certificate.Extensions(), issuerPrivateKey: certificateKey).serializeAsPEM().pemString
    }

    func fetch(_ url: URL) async throws -> String {
        guard url.absoluteString == Self.certificateURL else { throw URLError(.fileDoesNotExist) }
        return pem
    }

    /// `count` distinct events (`event(i)`), each in a signed Notification envelope, as request bodies.
    func envelopes(count: Int, topic: String) throws -> [[UInt8]] {
        final class Slots: @unchecked Sendable {
            var bodies: [[UInt8]]
            var failure: (any Error)?
            init(_ n: Int) { bodies = Array(repeating: [], count: n) }
        }
        let slots = Slots(count)
        let lock = NSLock()
        let lanes = ProcessInfo.processInfo.activeProcessorCount
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for i in stride(from: lane, to: count, by: lanes) {
                do {
                    let body = try envelope(event(i), id: "bench-sns-\(i)", topic: topic)
                    lock.withLock { slots.bodies[i] = body }
                } catch {
                    lock.withLock { slots.failure = error }
                }
            }
        }
        if let failure = slots.failure { throw failure }
        return slots.bodies
    }

    func envelope(_ message: String, id: String, topic: String) throws -> [UInt8] {
        var sns = SNSMessage(type: .notification, messageId: id, topicArn: topic, message: message, timestamp: "2026-11-22T00:00:00.000Z",
                             signatureVersion: "2", signature: "", signingCertURL: Self.certificateURL,
                             unsubscribeURL: "https://sns.ap-south-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=\(topic):bench")
        sns.signature = try key.signature(for: SHA256.hash(data: Data(sns.stringToSign.utf8)), padding: .insecurePKCS1v1_5).rawRepresentation.base64EncodedString()
        let object: [String: String] = [
            "Type": sns.type.rawValue, "MessageId": sns.messageId, "TopicArn": sns.topicArn, "Message": sns.message,
            "Timestamp": sns.timestamp, "SignatureVersion": sns.signatureVersion, "Signature": sns.signature,
            "SigningCertURL": sns.signingCertURL, "UnsubscribeURL": sns.unsubscribeURL ?? "",
        ]
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }
}
