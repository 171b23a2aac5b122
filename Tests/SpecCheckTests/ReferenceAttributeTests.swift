@testable import SpecCheck
import SpecModel
import XCTest

/// `ref.attribute` beyond its catalogue examples: kinds without attributes, existing fields, the user
/// pool's client id, and substitutes that lack what the original has.
final class ReferenceAttributeTests: XCTestCase {
    func findings(_ variable: String, existing: (String, String)? = nil) throws -> [String] {
        var edits = [ExampleBase.edited("specs/functions.yaml", "      MEDIA_PREFIX: { prefix: incoming }\n",
                                        "      MEDIA_PREFIX: { prefix: incoming }\n      EXTRA: \(variable)\n")]
        if let (old, new) = existing { edits.append(ExampleBase.edited("specs/existing.yaml", old, new)) }
        return try check(exampleTree(edits)).report.diagnostics.filter { $0.rule == RuleID.referenceAttribute }.map { "\($0.message) | \($0.hint ?? "")" }
    }

    func testEachKindTakesItsOwnAttributes() throws {
        XCTAssertEqual(try findings("{ table: Messages, attribute: arn }"), ["table 'Messages' has no attribute 'arn' | a table reference takes no attribute: remove `attribute:`"])
        XCTAssertEqual(try findings("{ emailSender: mail, attribute: adress }"),
                       ["emailSender 'mail' has no attribute 'adress' | did you mean 'address'? the attributes of emailSender 'mail': address"])
        XCTAssertEqual(try findings("{ emailSender: mail, attribute: address }"), [])
        XCTAssertEqual(try findings("{ userPool: users, attribute: clientId }"), [], "the app client id is given at deploy")
        XCTAssertEqual(try findings("{ queue: work, attribute: url }"), [])
        XCTAssertEqual(try findings("{ topic: test-events, attribute: name }"), [])
        XCTAssertEqual(try findings("{ table: Nowhere, attribute: arn }"), [], "an undeclared resource is ref.unresolved's finding alone")
    }

    func testASubstituteMustHaveTheAttributeToo() throws {
        // Preview substitutes the created topic test-events for the existing topic events, which has no `purpose`.
        let purpose = ("events: { arn: \"arn:aws:sns:us-east-1:123456789012:events\" }",
                       "events: { arn: \"arn:aws:sns:us-east-1:123456789012:events\", purpose: Inbound }")
        XCTAssertEqual(try findings("{ topic: events, attribute: purpose }", existing: purpose),
                       ["topic 'test-events' (which stands for topic 'events' in preview) has no attribute 'purpose' | the attributes of topic 'test-events': arn, name"])
        XCTAssertEqual(try findings("{ topic: events, attribute: arn }", existing: purpose), [])
    }
}
