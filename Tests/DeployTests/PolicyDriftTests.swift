import Deploy
import SpecModel
import XCTest

/// The role policy's statement table: what the role lacks and what it grants beyond the specs, one grant at a time.
final class PolicyDriftTests: XCTestCase {
    let queues = ["arn:aws:sqs:us-east-1:1:p-bulk", "arn:aws:sqs:us-east-1:1:p-dlq"]

    func policy(_ statements: [String]) throws -> JSONValue {
        try JSONValue.parse(#"{"Version":"2012-10-17","Statement":["# + statements.joined(separator: ",") + "]}")
    }

    func statement(_ sid: String?, _ actions: [String], _ resources: [String], effect: String = "Allow", condition: String? = nil) -> String {
        func list(_ xs: [String]) -> String { "[" + xs.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        return "{" + (sid.map { #""Sid":"\#($0)","# } ?? "") + #""Effect":"\#(effect)","Action":\#(list(actions)),"Resource":\#(list(resources))"#
            + (condition.map { #","Condition":\#($0)"# } ?? "") + "}"
    }

    var expected: JSONValue {
        get throws {
            try policy([statement("QueuesSendConsume", ["sqs:ReceiveMessage", "sqs:SendMessage"], queues),
                        statement("LogsWrite", ["logs:PutLogEvents"], ["arn:aws:logs:us-east-1:1:log-group:p:*"])])
        }
    }

    func testTheSamePolicyHasNoRows() throws {
        XCTAssertEqual(PolicyDrift.rows(expected: try expected, held: [("inline wecare-preview", try expected)]), [])
    }

    /// The DRY_RUN denial is compared as written; a conditional Deny does not take the grant from everyone else.
    func testTheSendingDenialIsHeldOrMissingAsWritten() throws {
        let denial = statement("DenySendingOutsideProduction", ["sms-voice:SendTextMessage"], ["*"], effect: "Deny",
                               condition: #"{"ArnLike":{"lambda:SourceFunctionArn":["arn:aws:lambda:us-east-1:1:function:p-outbound-sms"]}}"#)
        let sms = statement("SmsSend", ["sms-voice:SendTextMessage"], ["arn:aws:sms-voice:us-east-1:1:pool/x"])
        let expected = try policy([sms, denial])
        XCTAssertEqual(PolicyDrift.rows(expected: expected, held: [("inline wecare-preview", expected)]), [])
        let rows = PolicyDrift.rows(expected: expected, held: [("inline wecare-preview", try policy([sms]))])
        XCTAssertEqual(rows.map(\.statement), ["DenySendingOutsideProduction"])
        XCTAssertTrue(rows.first?.missing.other.first?.hasSuffix("is not held") == true, "\(rows)")
    }

    func testStatementsSplitAcrossPoliciesStillHold() throws {
        let held: [(policy: String, document: JSONValue)] = [
            ("inline a", try policy([statement("QueuesSendConsume", ["SQS:ReceiveMessage"], queues)])),   // actions are case-insensitive
            ("managed arn:aws:iam::1:policy/b", try policy([statement(nil, ["sqs:SendMessage"], ["arn:aws:sqs:us-east-1:1:p-*"]),
                                                           statement("LogsWrite", ["logs:PutLogEvents"], ["arn:aws:logs:us-east-1:1:log-group:p:*"])])),
        ]
        let rows = PolicyDrift.rows(expected: try expected, held: held)
        // The wildcard statement covers sqs:SendMessage, but is itself broader than any generated statement.
        XCTAssertEqual(rows, [PolicyDriftRow(statement: "managed arn:aws:iam::1:policy/b #1", heldIn: ["managed arn:aws:iam::1:policy/b"], missing: .init(),
                                             extra: .init(pairs: ["sqs:SendMessage on arn:aws:sqs:us-east-1:1:p-*"]))])
    }

    func testAnActionRemovedByHandIsMissingAndOneAddedIsExtra() throws {
        let held = try policy([statement("QueuesSendConsume", ["sqs:ReceiveMessage", "sqs:PurgeQueue"], queues),
                               statement("LogsWrite", ["logs:PutLogEvents"], ["arn:aws:logs:us-east-1:1:log-group:p:*"])])
        let rows = PolicyDrift.rows(expected: try expected, held: [("inline wecare-preview", held)])
        XCTAssertEqual(rows, [PolicyDriftRow(statement: "QueuesSendConsume", heldIn: ["inline wecare-preview"],
                                             missing: .init(actions: ["sqs:SendMessage"]), extra: .init(actions: ["sqs:PurgeQueue"]))])
        guard rows.count == 1 else { return }
        XCTAssertEqual(rows[0].missing.phrases, ["action sqs:SendMessage"])
    }

    func testOneResourceAndOnePairMissing() throws {
        let held = try policy([statement("QueuesSendConsume", ["sqs:ReceiveMessage"], queues),
                               statement("Partial", ["sqs:SendMessage"], [queues[0]]),
                               statement("LogsWrite", ["logs:PutLogEvents"], ["*"])])
        let rows = PolicyDrift.rows(expected: try expected, held: [("inline x", held)])
        XCTAssertEqual(rows.map(\.statement), ["LogsWrite", "QueuesSendConsume"])
        guard rows.count == 2 else { return }
        // LogsWrite on "*" holds the grant but is broader: the whole statement is extra.
        XCTAssertEqual(rows[0].missing, .init())
        XCTAssertEqual(rows[0].extra, .init(pairs: ["logs:PutLogEvents on *"]))
        XCTAssertEqual(rows[1].missing, .init(pairs: ["sqs:SendMessage on arn:aws:sqs:us-east-1:1:p-dlq"]))
        XCTAssertEqual(rows[1].extra, .init())
    }

    /// With one resource, the side that appears nowhere in the specs is the one named.
    func testOneResourceNamesTheSideThatDiffers() throws {
        let wanted = try policy([statement("Logs", ["logs:CreateLogStream", "logs:PutLogEvents"], ["arn:aws:logs:us-east-1:1:log-group:p:*"])])
        let newAction = try policy([statement("Logs", ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DeleteLogGroup"], ["arn:aws:logs:us-east-1:1:log-group:p:*"])])
        XCTAssertEqual(PolicyDrift.rows(expected: wanted, held: [("inline x", newAction)]).first?.extra, .init(actions: ["logs:DeleteLogGroup"]))
        let lessAction = try policy([statement("Logs", ["logs:CreateLogStream"], ["arn:aws:logs:us-east-1:1:log-group:p:*"])])
        XCTAssertEqual(PolicyDrift.rows(expected: wanted, held: [("inline x", lessAction)]).first?.missing, .init(actions: ["logs:PutLogEvents"]))
    }

    func testADenyTakesAGrantAway() throws {
        let held = try policy([statement("QueuesSendConsume", ["sqs:ReceiveMessage", "sqs:SendMessage"], queues),
                               statement("LogsWrite", ["logs:PutLogEvents"], ["arn:aws:logs:us-east-1:1:log-group:p:*"]),
                               statement("NoDlq", ["sqs:*"], [queues[1]], effect: "Deny")])
        let rows = PolicyDrift.rows(expected: try expected, held: [("inline x", held)])
        XCTAssertEqual(rows.map(\.statement), ["NoDlq", "QueuesSendConsume"])
        guard rows.count == 2 else { return }
        XCTAssertEqual(rows[0].extra.other, ["Deny sqs:* on arn:aws:sqs:us-east-1:1:p-dlq (inline x)"])
        XCTAssertEqual(rows[1].missing, .init(resources: [queues[1]]))
    }

    /// The role serves every environment: another environment's grants are not extra here, and not missing there.
    func testAnotherEnvironmentsGrantsAreNotExtra() throws {
        let staging = try policy([statement("QueuesSendConsume", ["sqs:SendMessage"], ["arn:aws:sqs:us-east-1:1:s-bulk"])])
        let held = try policy([statement("QueuesSendConsume", ["sqs:ReceiveMessage", "sqs:SendMessage"], queues),
                               statement("LogsWrite", ["logs:PutLogEvents"], ["arn:aws:logs:us-east-1:1:log-group:p:*"]),
                               statement("Staging", ["sqs:SendMessage"], ["arn:aws:sqs:us-east-1:1:s-bulk"])])
        XCTAssertEqual(PolicyDrift.rows(expected: try expected, shared: [staging], held: [("inline x", held)]), [])
        XCTAssertEqual(PolicyDrift.rows(expected: try expected, shared: [], held: [("inline x", held)]).map(\.statement), ["Staging"])
    }

    func testAnotherConditionIsNamedNotEveryGrant() throws {
        let bucket = ["arn:aws:s3:::b"]
        let wanted = try policy([statement("List", ["s3:ListBucket"], bucket, condition: #"{"StringLike":{"s3:prefix":["preview/*"]}}"#)])
        let held = try policy([statement("List", ["s3:ListBucket"], bucket, condition: #"{"StringLike":{"s3:prefix":["*"]}}"#)])
        let rows = PolicyDrift.rows(expected: wanted, held: [("inline x", held)])
        XCTAssertEqual(rows.count, 1)
        guard rows.count == 1 else { return }
        XCTAssertEqual(rows[0].missing.other, [#"grants held only under another Condition than {"StringLike":{"s3:prefix":["preview/*"]}}"#])
        XCTAssertEqual(rows[0].extra.other, [#"Condition {"StringLike":{"s3:prefix":["*"]}} where the specs have another (inline x)"#])
        XCTAssertTrue(rows[0].missing.actions.isEmpty && rows[0].extra.actions.isEmpty)
    }

    func testNoRoleAtAllMissesEverything() throws {
        let rows = PolicyDrift.rows(expected: try expected, held: [])
        XCTAssertEqual(rows.map(\.statement), ["LogsWrite", "QueuesSendConsume"])
        guard rows.count == 2 else { return }
        XCTAssertEqual(rows[1].missing.pairs, ["sqs:ReceiveMessage, sqs:SendMessage on arn:aws:sqs:us-east-1:1:p-bulk, arn:aws:sqs:us-east-1:1:p-dlq"])
        XCTAssertEqual(rows[1].missing.phrases, rows[1].missing.pairs)
        XCTAssertEqual(rows[1].heldIn, [])
    }

    /// Documents as IAM allows them: one Statement object, Action and Resource as strings, NotAction.
    func testSingleStatementObjectAndNotAction() throws {
        let held = try JSONValue.parse(#"{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#)
        let rows = PolicyDrift.rows(expected: try expected, held: [("inline admin", held)])
        XCTAssertEqual(rows.map(\.statement), ["inline admin #1"])
        guard rows.count == 1 else { return }
        XCTAssertEqual(rows[0].extra.other, ["Allow every action but iam:* on * (inline admin)"])
        XCTAssertEqual(rows[0].missing, .init())
    }
}
