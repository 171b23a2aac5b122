import AWSClient
import Deploy
import SpecModel
import XCTest

/// What blocks an import and what the update after it changes, resource by resource, without AWS.
final class AdoptionCompareTests: XCTestCase {
    typealias Key = DynamoDBClient.KeySchemaElement
    typealias Attribute = DynamoDBClient.AttributeDefinition

    func table(indexes: [String] = []) -> AdoptedResource {
        var props: [String: JSONValue] = [
            "TableName": .string("t"), "BillingMode": .string("PAY_PER_REQUEST"),
            "KeySchema": .array([.object(["AttributeName": .string("id"), "KeyType": .string("HASH")])]),
            "AttributeDefinitions": .array([.object(["AttributeName": .string("id"), "AttributeType": .string("S")])]),
        ]
        if !indexes.isEmpty {
            props["GlobalSecondaryIndexes"] = .array(indexes.map {
                .object(["IndexName": .string($0), "KeySchema": .array([.object(["AttributeName": .string($0), "KeyType": .string("HASH")])])])
            })
        }
        return AdoptedResource(kind: .table, name: "T", logicalID: "TableT", physicalName: "t", properties: props)
    }

    func live(key: String = "id", type: String = "S", billing: String = "PAY_PER_REQUEST", status: String = "ACTIVE", indexes: [String] = []) -> LiveResource {
        .table(.init(tableName: "t", tableStatus: status, keySchema: [Key(attributeName: key, keyType: "HASH")],
                     attributeDefinitions: [Attribute(attributeName: key, attributeType: type)],
                     globalSecondaryIndexes: indexes.map { .init(indexName: $0, keySchema: [Key(attributeName: $0, keyType: "HASH")], projectionType: "ALL") },
                     billingMode: billing))
    }

    func testATableAsTheSpecHasItImportsWithNothingToChange() {
        let (blockers, differences) = AdoptionInspector.compare(table(indexes: ["a"]), live(indexes: ["a"]))
        XCTAssertEqual(blockers, [])
        XCTAssertEqual(differences, [])
    }

    func testAKeyOrKeyTypeTheUpdateWouldReplaceBlocks() {
        XCTAssertEqual(AdoptionInspector.compare(table(), live(key: "pk")).blockers.count, 1)
        let typed = AdoptionInspector.compare(table(), live(type: "N")).blockers
        XCTAssertEqual(typed.count, 1)
        XCTAssertTrue(typed[0].hasPrefix("its key is id (N) HASH live but id (S) HASH in the spec"), typed[0])
    }

    func testOneIndexIsAnInPlaceChangeTwoBlock() {
        let one = AdoptionInspector.compare(table(indexes: ["a", "b"]), live(indexes: ["a"]))
        XCTAssertEqual(one.blockers, [])
        XCTAssertEqual(one.differences, [.init(property: "GlobalSecondaryIndexes", live: "a", spec: "a, b")])
        let two = AdoptionInspector.compare(table(indexes: ["a", "b"]), live(indexes: ["c"]))
        XCTAssertEqual(two.blockers.count, 1)
        XCTAssertTrue(two.blockers[0].contains("one global secondary index per update"), two.blockers[0])
    }

    func testProvisionedOrNotActiveBlocks() {
        XCTAssertTrue(AdoptionInspector.compare(table(), live(billing: "PROVISIONED")).blockers[0].contains("--billing-mode PAY_PER_REQUEST"))
        XCTAssertTrue(AdoptionInspector.compare(table(), live(status: "UPDATING")).blockers[0].hasPrefix("the table is UPDATING"))
    }

    func testQueuesAndLogGroups() {
        let queue = AdoptedResource(kind: .queue, name: "q", logicalID: "QueueQ", physicalName: "p-q",
                                    properties: ["QueueName": .string("p-q"), "VisibilityTimeout": .int(720), "MessageRetentionPeriod": .int(86400),
                                                 "RedrivePolicy": .object(["deadLetterTargetArn": .object(["Fn::GetAtt": .array([.string("QueueD"), .string("Arn")])]),
                                                                           "maxReceiveCount": .int(5)])],
                                    deadLetterQueue: "p-d")
        let attributes = ["VisibilityTimeout": "300", "MessageRetentionPeriod": "86400",
                          "RedrivePolicy": #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:p-d","maxReceiveCount":3}"#]
        let compared = AdoptionInspector.compare(queue, .queue(url: "https://sqs/1/p-q", attributes: attributes))
        XCTAssertEqual(compared.blockers, [])
        XCTAssertEqual(compared.differences, [.init(property: "VisibilityTimeout", live: "300", spec: "720"),
                                              .init(property: "RedrivePolicy", live: "p-d after 3 receives", spec: "p-d after 5 receives")])
        var fifo = attributes
        fifo["FifoQueue"] = "true"
        XCTAssertEqual(AdoptionInspector.compare(queue, .queue(url: "u", attributes: fifo)).blockers.count, 1)

        let group = AdoptedResource(kind: .logGroup, name: "common", logicalID: "LogGroupCommon", physicalName: "/p/common",
                                    properties: ["LogGroupName": .string("/p/common"), "RetentionInDays": .int(30)])
        XCTAssertEqual(AdoptionInspector.compare(group, .logGroup(.init(name: "/p/common"))).differences,
                       [.init(property: "RetentionInDays", live: "never expire", spec: "30")])
    }
}
