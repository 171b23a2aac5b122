import Foundation
import SNSVerification
import XCTest

/// Each certificate is fetched once, however many messages and however concurrent.
final class CertificateCacheTests: XCTestCase {
    let signer = TestSigner.shared

    func testManyMessagesOneFetch() async throws {
        let fetcher = signer.fetcher()
        let verifier = SNSVerifier(allowedTopicARNs: [testTopic], fetcher: fetcher, now: { TestSigner.during })
        for i in 0..<25 {
            let message = try signer.sign(notification(message: "message \(i)"), version: i.isMultiple(of: 2) ? "1" : "2")
            _ = try await verifier.verify(message)
        }
        let fetches = await fetcher.count
        XCTAssertEqual(fetches, 1)
    }

    func testConcurrentVerificationsShareOneFetch() async throws {
        let fetcher = signer.fetcher(delay: .milliseconds(50))
        let verifier = SNSVerifier(allowedTopicARNs: [testTopic], fetcher: fetcher, now: { TestSigner.during })
        let messages = try (0..<40).map { try signer.sign(notification(message: "message \($0)"), version: "2") }
        let verified = try await withThrowingTaskGroup(of: SNSMessage.self) { group in
            for message in messages {
                group.addTask { try await verifier.verify(message) }
            }
            return try await group.reduce(into: 0) { count, _ in count += 1 }
        }
        XCTAssertEqual(verified, 40)
        let fetches = await fetcher.count
        XCTAssertEqual(fetches, 1)
    }

    func testCopiesOfAVerifierShareTheCache() async throws {
        let fetcher = signer.fetcher()
        let verifier = SNSVerifier(allowedTopicARNs: [testTopic], fetcher: fetcher, now: { TestSigner.during })
        let copy = verifier
        _ = try await verifier.verify(signer.sign(notification(), version: "1"))
        _ = try await copy.verify(signer.sign(notification(), version: "2"))
        let fetches = await fetcher.count
        XCTAssertEqual(fetches, 1)
    }

    func testEachURLIsFetchedOnce() async throws {
        let second = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-second.pem"
        let fetcher = CountingFetcher([TestSigner.certificateURL: signer.pem, URL(string: second)!: signer.pem])
        let verifier = SNSVerifier(allowedTopicARNs: [testTopic], fetcher: fetcher, now: { TestSigner.during })
        for _ in 0..<3 {
            _ = try await verifier.verify(signer.sign(notification(), version: "2"))
            _ = try await verifier.verify(signer.sign(notification(certificateURL: second), version: "2"))
        }
        let fetches = await fetcher.count
        XCTAssertEqual(fetches, 2)
    }

    /// The cache holds at most `capacity` certificates, also the ones read without entering its actor:
    /// past the bound, the oldest is fetched again.
    func testTheOldestCertificateIsForgottenPastTheBound() async throws {
        let urls = (0...64).map { "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-\($0).pem" }
        let fetcher = CountingFetcher(Dictionary(uniqueKeysWithValues: urls.map { (URL(string: $0)!, signer.pem) }))
        let verifier = SNSVerifier(allowedTopicARNs: [testTopic], fetcher: fetcher, now: { TestSigner.during })
        for url in urls + [urls[1]] { _ = try await verifier.verify(signer.sign(notification(certificateURL: url), version: "2")) }
        let beforeTheOldest = await fetcher.count
        XCTAssertEqual(beforeTheOldest, 65, "65 URLs fetched once each; the second is still held")
        _ = try await verifier.verify(signer.sign(notification(certificateURL: urls[0]), version: "2"))
        let fetches = await fetcher.count
        XCTAssertEqual(fetches, 66, "the first URL was pushed out by the 65th and is fetched again")
    }

    func testAFailedFetchIsNotRemembered() async throws {
        let fetcher = CountingFetcher([TestSigner.certificateURL: signer.pem], failFirst: 1)
        let verifier = SNSVerifier(allowedTopicARNs: [testTopic], fetcher: fetcher, now: { TestSigner.during })
        let message = try signer.sign(notification(), version: "2")
        do {
            _ = try await verifier.verify(message)
            XCTFail("the first fetch fails")
        } catch {
            guard case .certificateUnavailable = error else { return XCTFail("\(error)") }
        }
        _ = try await verifier.verify(message)
        _ = try await verifier.verify(message)
        let fetches = await fetcher.count
        XCTAssertEqual(fetches, 2)
    }

    func testAFetchedDocumentThatIsNotACertificate() async throws {
        let fetcher = CountingFetcher([TestSigner.certificateURL: "<html>Access Denied</html>"])
        let verifier = SNSVerifier(allowedTopicARNs: [testTopic], fetcher: fetcher, now: { TestSigner.during })
        let message = try signer.sign(notification(), version: "2")
        do {
            _ = try await verifier.verify(message)
            XCTFail("not a certificate")
        } catch {
            guard case .certificateUnavailable(let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("not a PEM certificate"), reason)
        }
    }
}
