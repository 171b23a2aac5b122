import Foundation
import SNSVerification
import XCTest

/// Everything refused before any certificate is fetched.
final class RejectionTests: XCTestCase {
    let signer = TestSigner.shared

    func testBadCertificateURLsAreNeverFetched() async throws {
        let refused = [
            "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem",
            "https://sns.example.com/SimpleNotificationService-a.pem",
            "https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-a.pem",
            "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.txt",
            "https://sns.us-east-1.amazonaws.com/",
            "https://sns.us-east-1.amazonaws.com/cert.pem?x=1",
            "https://sns.us-east-1.amazonaws.com@evil.com/cert.pem",
            "https://evil.com@sns.us-east-1.amazonaws.com/cert.pem",
            "https://sns.us-east-1.amazonaws.com:8443/cert.pem",
            "https://sns.us.amazonaws.com/cert.pem",
            "https://evil.sns.us-east-1.amazonaws.com/cert.pem",
            "https://sns.us-east-1%2eevil.amazonaws.com/cert.pem",
            "https://SNS.us-east-1.amazonaws.com/cert.pem",
            "ftp://sns.us-east-1.amazonaws.com/cert.pem",
            "sns.us-east-1.amazonaws.com/cert.pem",
            "not a url",
        ]
        for url in refused {
            let fetcher = signer.fetcher()
            let verifier = SNSVerifier(allowedTopicARNs: [testTopic], fetcher: fetcher, now: { TestSigner.during })
            let message = try signer.sign(notification(certificateURL: url), version: "2")
            do {
                _ = try await verifier.verify(message)
                XCTFail("\(url) was accepted")
            } catch {
                guard case .badCertificateURL = error else { return XCTFail("\(url): \(error)") }
            }
            let fetches = await fetcher.count
            XCTAssertEqual(fetches, 0, url)
        }
    }

    func testSNSHostsInEveryPartitionAreAccepted() throws {
        for url in [
            "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem",
            "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-3250158c6506d40628a6b21b12c72ac3.pem",
            "https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-a.pem",
        ] {
            XCTAssertEqual(try SNSVerifier.validatedSigningCertificateURL(url).absoluteString, url)
        }
    }

    func testUnexpectedTopicIsRejectedBeforeFetching() async throws {
        let fetcher = signer.fetcher()
        let verifier = SNSVerifier(allowedTopicARNs: [testTopic], fetcher: fetcher, now: { TestSigner.during })
        let other = "arn:aws:sns:eu-west-1:999999999999:someone-else"
        let message = try signer.sign(notification(topic: other), version: "2")
        await XCTAssertThrowsSNS(.unexpectedTopic(arn: other)) { try await verifier.verify(message) }
        let fetches = await fetcher.count
        XCTAssertEqual(fetches, 0)
    }

    func testUnsupportedSignatureVersionIsRejectedBeforeFetching() async throws {
        let fetcher = signer.fetcher()
        let verifier = SNSVerifier(allowedTopicARNs: [testTopic], fetcher: fetcher, now: { TestSigner.during })
        let message = try signer.sign(notification(), version: "3")
        await XCTAssertThrowsSNS(.unsupportedSignatureVersion("3")) { try await verifier.verify(message) }
        let fetches = await fetcher.count
        XCTAssertEqual(fetches, 0)
    }

    func testUnsignedIsRejected() async throws {
        let fetcher = signer.fetcher()
        let verifier = SNSVerifier(allowedTopicARNs: [testTopic], fetcher: fetcher, now: { TestSigner.during })
        let bodies = [
            #"{"Type":"Notification","MessageId":"m","TopicArn":"\#(testTopic)","Message":"hi","Timestamp":"t"}"#,
            #"{"Type":"Notification","MessageId":"m","TopicArn":"\#(testTopic)","Message":"hi","Timestamp":"t","SignatureVersion":"2","Signature":"","SigningCertURL":"\#(TestSigner.certificateURL.absoluteString)"}"#,
            #"{"Type":"Notification","MessageId":"m","TopicArn":"\#(testTopic)","Message":"hi","Timestamp":"t","SignatureVersion":"2","Signature":"AAAA"}"#,
        ]
        for body in bodies {
            await XCTAssertThrowsSNS(.unsigned) { try await verifier.verify(body: Data(body.utf8)) }
        }
        var empty = notification()
        empty.signature = ""
        await XCTAssertThrowsSNS(.unsigned) { try await verifier.verify(empty) }
        let fetches = await fetcher.count
        XCTAssertEqual(fetches, 0)
    }

    func testMalformedBodies() async throws {
        let verifier = SNSVerifier(allowedTopicARNs: [testTopic], fetcher: signer.fetcher(), now: { TestSigner.during })
        func reason(_ body: String) async -> String? {
            do {
                _ = try await verifier.verify(body: Data(body.utf8))
                return nil
            } catch {
                guard case .malformed(let reason) = error else { return "\(error)" }
                return reason
            }
        }
        let signed = #""SignatureVersion":"2","Signature":"AAAA","SigningCertURL":"https://sns.eu-west-1.amazonaws.com/a.pem""#
        let missing = await reason(#"{"Type":"Notification","TopicArn":"\#(testTopic)","Message":"hi","Timestamp":"t",\#(signed)}"#)
        XCTAssertEqual(missing, "the required field MessageId is missing")
        let type = await reason(#"{"Type":"Bogus","MessageId":"m","TopicArn":"\#(testTopic)","Message":"hi","Timestamp":"t",\#(signed)}"#)
        XCTAssertEqual(type, #"Type is "Bogus"; expected Notification, SubscriptionConfirmation or UnsubscribeConfirmation"#)
        let number = await reason(#"{"Type":"Notification","MessageId":"m","TopicArn":"\#(testTopic)","Message":5,"Timestamp":"t",\#(signed)}"#)
        XCTAssertEqual(number, "Message has the wrong JSON type")
        let attributes = await reason(#"{"Type":"Notification","MessageId":"m","TopicArn":"\#(testTopic)","Message":"hi","Timestamp":"t",\#(signed),"MessageAttributes":{"k":{"Type":"String","Value":1}}}"#)
        XCTAssertEqual(attributes, "MessageAttributes.k.Value has the wrong JSON type")
        let twice = await reason(#"{"Type":"Notification","MessageId":"m","MessageId":"n","TopicArn":"\#(testTopic)","Message":"hi","Timestamp":"t",\#(signed)}"#)
        XCTAssertEqual(twice, "MessageId is given twice")
        let extra = (0..<20).map { #""X\#($0)":"x""# }.joined(separator: ",")
        let twiceAmongMany = await reason(#"{"Type":"Notification","MessageId":"m","TopicArn":"\#(testTopic)","Message":"hi","Timestamp":"t",\#(signed),\#(extra),"X3":"y"}"#)
        XCTAssertEqual(twiceAmongMany, "X3 is given twice")
        let noValue = await reason(#"{"Type":"Notification","MessageId":"m","TopicArn":"\#(testTopic)","Message":"hi","Timestamp":"t",\#(signed),"MessageAttributes":{"k":{"Type":"String"}}}"#)
        XCTAssertEqual(noValue, "MessageAttributes.k.Value is missing")
        let array = await reason("[]")
        XCTAssertTrue(array?.hasPrefix("the body is not a JSON object") ?? false, array ?? "")
        let both = await reason(#"{"Type":"Notification","MessageId":"m","TopicArn":"\#(testTopic)","Message":"hi","Timestamp":"t",\#(signed),"SigningCertUrl":"https://sns.eu-west-1.amazonaws.com/b.pem"}"#)
        XCTAssertEqual(both, "SigningCertURL and SigningCertUrl are both present and differ")
        let notBase64 = await reason(#"{"Type":"Notification","MessageId":"m","TopicArn":"\#(testTopic)","Message":"hi","Timestamp":"t","SignatureVersion":"2","Signature":"***","SigningCertURL":"https://sns.eu-west-1.amazonaws.com/a.pem"}"#)
        XCTAssertEqual(notBase64, "Signature is not base64")
        let notJSON = await reason("Type=Notification")
        XCTAssertNotNil(notJSON)
        XCTAssertTrue(notJSON?.hasPrefix("the body is not a JSON object") ?? false, notJSON ?? "")
    }

    func testLambdaSpellingsDecode() throws {
        let body = #"{"Type":"SubscriptionConfirmation","MessageId":"m","TopicArn":"\#(testTopic)","Message":"hi","Timestamp":"t","Token":"tok","SignatureVersion":"1","Signature":"AAAA","SigningCertUrl":"https://sns.eu-west-1.amazonaws.com/a.pem","SubscribeUrl":"https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=tok","UnsubscribeUrl":"https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe","MessageAttributes":{"kind":{"Type":"String","Value":"status"}}}"#
        let message = try SNSMessage.decode(Data(body.utf8))
        XCTAssertEqual(message.signingCertURL, "https://sns.eu-west-1.amazonaws.com/a.pem")
        XCTAssertEqual(message.subscribeURL, "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=tok")
        XCTAssertEqual(message.unsubscribeURL, "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe")
        XCTAssertEqual(message.messageAttributes, ["kind": .init(type: "String", value: "status")])
        XCTAssertTrue(message.isSubscriptionConfirmation)
    }

    func testSubscribeURLsThatMustNotBeCalled() throws {
        func refusal(_ url: String?, type: SNSMessage.MessageType = .subscriptionConfirmation) -> String? {
            var message = confirmation(type)
            message.subscribeURL = url
            do {
                _ = try SNSVerifier.validatedSubscribeURL(message)
                return nil
            } catch {
                guard case .badSubscribeURL(let reason) = error else { return "\(error)" }
                return reason
            }
        }
        let good = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=\(testTopic)&Token=abc"
        XCTAssertNil(refusal(good))
        XCTAssertNotNil(refusal("http://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=abc"))
        XCTAssertNotNil(refusal("https://sns.eu-west-1.amazonaws.com.evil.com/?Action=ConfirmSubscription&Token=abc"))
        XCTAssertNotNil(refusal("https://attacker.example/?Action=ConfirmSubscription"))
        XCTAssertNotNil(refusal("https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x"))
        XCTAssertNotNil(refusal("https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Action=Unsubscribe"))
        XCTAssertEqual(refusal(nil), "the SubscriptionConfirmation has no SubscribeURL")
        XCTAssertEqual(refusal(good, type: .notification), "a Notification message has no subscription to confirm")
    }

    func testConfirmationAppliesTheURLPolicyAgainBeforeAnyCall() async {
        let refused = [
            "http://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=abc",
            "https://127.0.0.1/?Action=ConfirmSubscription&Token=abc",
            "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x",
        ]
        for text in refused {
            do {
                try await SNSVerifier.confirmSubscription(URL(string: text)!)
                XCTFail("called \(text)")
            } catch {
                guard case .badSubscribeURL = error else { return XCTFail("\(text): \(error)") }
            }
        }
    }

    func testTheLiveFetcherNeverFetchesInTheClear() async {
        do {
            _ = try await HTTPSCertificateFetcher().fetch(URL(string: "http://127.0.0.1:9/cert.pem")!)
            XCTFail("fetched over http")
        } catch {
            XCTAssertEqual("\(error)", "http://127.0.0.1:9/cert.pem is not an https URL")
        }
    }

    func testErrorsExplainThemselves() {
        let errors: [SNSVerificationError] = [
            .unsigned, .unsupportedSignatureVersion("3"), .badCertificateURL(reason: "r"), .badSubscribeURL(reason: "r"),
            .confirmationFailed(reason: "r"), .unexpectedTopic(arn: "arn"), .certificateUnavailable(reason: "r"),
            .certificateExpired(notValidBefore: .distantPast, notValidAfter: .distantPast), .badSignature, .malformed(reason: "r"),
        ]
        XCTAssertEqual(Set(errors.map(\.code)).count, errors.count)
        for error in errors {
            XCTAssertTrue(error.code.hasPrefix("sns."))
            XCTAssertGreaterThan(error.description.count, 40, error.code)
        }
    }
}
