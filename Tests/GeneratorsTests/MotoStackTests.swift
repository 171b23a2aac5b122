import AWSClient
import Foundation
import Pipeline
import SpecModel
import TestSupport
import XCTest

/// The generated preview and production templates against moto's CloudFormation (started by the
/// test on 127.0.0.1): the stacks reach CREATE_COMPLETE, and the tables, queues and log group read
/// back through the AWS APIs as the specs say. moto ignores TTL and skips SNS subscriptions; those
/// are asserted from the template in GeneratedFilesTests.
final class MotoStackTests: XCTestCase {
    static let server = MotoServer(accountID: "809904170947")

    override class func tearDown() {
        server.stop()
        super.tearDown()
    }

    func client() async throws -> AWSClient {
        AWSClient(configuration: AWSClientConfiguration(
            region: "us-east-1", endpointOverride: try await Self.server.start(),
            credentialsProvider: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"), retryPolicy: .none))
    }

    func testPreviewAndProductionStacksMatchTheSpecs() async throws {
        let build = try shippedBuild()
        let platform = try XCTUnwrap(build.check.platform)
        let aws = try await client()
        // What the stack references as existing: the execution role and the code bundle.
        _ = try await IAMClient(client: aws).createRole(name: "base-wecare-digital", assumeRolePolicyDocument:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
        let s3 = S3Client(client: aws)
        try await s3.createBucket(name: "wecare-code")
        try await s3.putObject(bucket: "wecare-code", key: "wecare-service/bootstrap.zip", body: Data("PK".utf8))

        let cfn = CloudFormationClient(client: aws)
        for name in ["preview", "production"] {
            // Preview is deployed per branch: one branch's copy, its slug given as the deploy agent gives it.
            let declared = try XCTUnwrap(platform.environment(name))
            let slug = declared.isPerBranch ? BranchSlug.slug(for: "feature/add-login", rule: "feature/*") : nil
            let environment = slug.map { declared.instance(slug: $0) } ?? declared
            let d = Deployment(platform: platform, environment: environment)
            let template = try XCTUnwrap(build.files.first { $0.path == "cloudformation/\(name).json" }).contents
            _ = try await cfn.createStack(name: environment.stack, templateBody: template, parameters: [
                .init(key: "CodeBucket", value: "wecare-code"), .init(key: "UserPoolClientId", value: "test-client"),
            ] + (slug.map { [.init(key: BranchSlug.parameter, value: $0)] } ?? []))
            var stack = try await cfn.describeStack(name: environment.stack)
            let deadline = Date().addingTimeInterval(120)
            while let s = stack, s.status.hasSuffix("IN_PROGRESS"), Date() < deadline {
                try await Task.sleep(for: .milliseconds(250))
                stack = try await cfn.describeStack(name: environment.stack)
            }
            XCTAssertEqual(stack?.status, "CREATE_COMPLETE", "\(name): \(stack?.statusReason ?? "")")
            try await assertTables(d, aws)
            try await assertQueues(d, aws)
            try await assertLogGroup(d, aws)
        }
    }

    func assertTables(_ d: Deployment, _ aws: AWSClient) async throws {
        let dynamo = DynamoDBClient(client: aws)
        for t in d.platform.tables {
            let table = try await dynamo.describeTable(name: d.tableName(t))
            XCTAssertEqual(table.billingMode, "PAY_PER_REQUEST", t.id.value)
            XCTAssertEqual(table.keySchema.map { "\($0.attributeName)/\($0.keyType)" }, keySchema(t.key), t.id.value)
            XCTAssertEqual(table.globalSecondaryIndexes.map(\.indexName).sorted(), t.indexes.map(\.name.value).sorted(), t.id.value)
            for index in t.indexes {
                let read = table.globalSecondaryIndexes.first { $0.indexName == index.name.value }
                XCTAssertEqual(read?.keySchema.map { "\($0.attributeName)/\($0.keyType)" }, keySchema(index.key), "\(t.id.value).\(index.name.value)")
            }
            for a in t.keyAttributes {
                XCTAssertEqual(table.attributeDefinitions.first { $0.attributeName == a.value }?.attributeType, t.attributeType(a.value)?.rawValue)
            }
        }
    }

    func keySchema(_ k: Table.KeySchema) -> [String] { ["\(k.partition.value)/HASH"] + (k.sort.map { ["\($0.value)/RANGE"] } ?? []) }

    func assertQueues(_ d: Deployment, _ aws: AWSClient) async throws {
        let sqs = SQSClient(client: aws)
        for q in d.platform.queues {
            let url = try await sqs.getQueueURL(name: d.queueName(q))
            let attributes = try await sqs.getQueueAttributes(queueURL: url)
            XCTAssertEqual(attributes["VisibilityTimeout"], String(q.visibilityTimeout.value.seconds), q.id.value)
            XCTAssertEqual(attributes["MessageRetentionPeriod"], String(q.retention.value.seconds), q.id.value)
            if let dl = q.deadLetter, let target = d.platform.queue(dl.queue.name.value) {
                let policy = try JSONSerialization.jsonObject(with: Data((attributes["RedrivePolicy"] ?? "{}").utf8)) as? [String: Any]
                XCTAssertEqual(policy?["deadLetterTargetArn"] as? String, d.queueARN(target), q.id.value)
                XCTAssertEqual((policy?["maxReceiveCount"] as? NSNumber)?.intValue ?? Int(policy?["maxReceiveCount"] as? String ?? ""), dl.maxReceiveCount.value)
            } else {
                XCTAssertNil(attributes["RedrivePolicy"], q.id.value)
            }
        }
    }

    func assertLogGroup(_ d: Deployment, _ aws: AWSClient) async throws {
        let logs = CloudWatchLogsClient(client: aws)
        for g in d.platform.logGroups {
            let found = try await logs.describeLogGroups(prefix: d.logGroupName(g))
            XCTAssertEqual(found.first { $0.name == d.logGroupName(g) }?.retentionInDays, g.retention.value.wholeDays)
        }
    }
}
