import AWSClient
import Foundation
import TestSupport
import XCTest

/// The calls `wecare drift` makes: CloudFormation's drift detection on the API reference's wire format (moto does
/// not implement it: its server answers DetectStackDrift with a 500 "not implemented"), GetTemplate and the role's
/// policies on the wire format and against moto.
final class DriftAPITests: XCTestCase {
    private static let server = MotoServer()

    override class func tearDown() {
        server.stop()
        super.tearDown()
    }

    private func xml(_ body: String) -> RecordingTransport.Reply { .response(AWSHTTPResponse(statusCode: 200, body: Data(body.utf8))) }

    func testDetectStackDriftAndItsStatus() async throws {
        let stackID = "arn:aws:cloudformation:us-east-1:012345678910:stack/example/cb438120-6cc7-11e7-998e-50f5e2d4d5c5"
        let transport = RecordingTransport([
            xml("""
                <DetectStackDriftResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                  <DetectStackDriftResult><StackDriftDetectionId>2f2b2d60-df86-11e7-bea1-500c2866f062</StackDriftDetectionId></DetectStackDriftResult>
                  <ResponseMetadata><RequestId>1a2b3c4d</RequestId></ResponseMetadata>
                </DetectStackDriftResponse>
                """),
            xml("""
                <DescribeStackDriftDetectionStatusResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                  <DescribeStackDriftDetectionStatusResult>
                    <StackId>\(stackID)</StackId>
                    <StackDriftDetectionId>2f2b2d60-df86-11e7-bea1-500c2866f062</StackDriftDetectionId>
                    <DetectionStatus>DETECTION_IN_PROGRESS</DetectionStatus>
                    <Timestamp>2017-12-13T00:44:39.432Z</Timestamp>
                  </DescribeStackDriftDetectionStatusResult>
                </DescribeStackDriftDetectionStatusResponse>
                """),
            xml("""
                <DescribeStackDriftDetectionStatusResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                  <DescribeStackDriftDetectionStatusResult>
                    <StackId>\(stackID)</StackId>
                    <StackDriftDetectionId>2f2b2d60-df86-11e7-bea1-500c2866f062</StackDriftDetectionId>
                    <StackDriftStatus>DRIFTED</StackDriftStatus>
                    <DetectionStatus>DETECTION_COMPLETE</DetectionStatus>
                    <DriftedStackResourceCount>1</DriftedStackResourceCount>
                    <Timestamp>2017-12-13T00:44:39.432Z</Timestamp>
                  </DescribeStackDriftDetectionStatusResult>
                </DescribeStackDriftDetectionStatusResponse>
                """),
        ])
        let cloudFormation = CloudFormationClient(client: TestClients.client(transport: transport))
        let id = try await cloudFormation.detectStackDrift(stackName: "example")
        XCTAssertEqual(id, "2f2b2d60-df86-11e7-bea1-500c2866f062")
        let running = try await cloudFormation.describeStackDriftDetectionStatus(detectionID: id)
        XCTAssertEqual(running.detectionStatus, "DETECTION_IN_PROGRESS")
        XCTAssertNil(running.stackDriftStatus)
        XCTAssertNil(running.driftedResourceCount)
        let done = try await cloudFormation.describeStackDriftDetectionStatus(detectionID: id)
        XCTAssertEqual(done, .init(stackID: stackID, detectionID: id, detectionStatus: "DETECTION_COMPLETE", stackDriftStatus: "DRIFTED",
                                   driftedResourceCount: 1, timestamp: "2017-12-13T00:44:39.432Z"))
        XCTAssertEqual(transport.requests.map(\.bodyText), [
            "Action=DetectStackDrift&Version=2010-05-15&StackName=example",
            "Action=DescribeStackDriftDetectionStatus&Version=2010-05-15&StackDriftDetectionId=2f2b2d60-df86-11e7-bea1-500c2866f062",
            "Action=DescribeStackDriftDetectionStatus&Version=2010-05-15&StackDriftDetectionId=2f2b2d60-df86-11e7-bea1-500c2866f062",
        ])
    }

    /// The API reference's DescribeStackResourceDrifts sample (a queue changed by hand), split over two pages.
    func testDescribeStackResourceDriftsSampleAcrossPages() async throws {
        let stackID = "arn:aws:cloudformation:us-east-1:012345678910:stack/my-stack-with-resource-drift/489e5570-df85-11e7-a7d9-503acac5c0fd"
        let transport = RecordingTransport([
            xml("""
                <DescribeStackResourceDriftsResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                  <DescribeStackResourceDriftsResult>
                    <StackResourceDrifts>
                      <member>
                        <PropertyDifferences>
                          <member><ActualValue>120</ActualValue><ExpectedValue>20</ExpectedValue><DifferenceType>NOT_EQUAL</DifferenceType><PropertyPath>/DelaySeconds</PropertyPath></member>
                          <member><ActualValue>12</ActualValue><ExpectedValue>10</ExpectedValue><DifferenceType>NOT_EQUAL</DifferenceType><PropertyPath>/RedrivePolicy/maxReceiveCount</PropertyPath></member>
                        </PropertyDifferences>
                        <PhysicalResourceId>https://sqs.us-east-1.amazonaws.com/012345678910/my-stack-with-resource-drift-Queue-494PBHCO76H4</PhysicalResourceId>
                        <ExpectedProperties>{"DelaySeconds":20,"RedrivePolicy":{"maxReceiveCount":10},"VisibilityTimeout":60}</ExpectedProperties>
                        <StackResourceDriftStatus>MODIFIED</StackResourceDriftStatus>
                        <StackId>\(stackID)</StackId>
                        <LogicalResourceId>Queue</LogicalResourceId>
                        <ActualProperties>{"DelaySeconds":120,"RedrivePolicy":{"maxReceiveCount":12},"VisibilityTimeout":60}</ActualProperties>
                        <Timestamp>2017-12-13T00:44:39.432Z</Timestamp>
                        <ResourceType>AWS::SQS::Queue</ResourceType>
                      </member>
                    </StackResourceDrifts>
                    <NextToken>page-2</NextToken>
                  </DescribeStackResourceDriftsResult>
                </DescribeStackResourceDriftsResponse>
                """),
            xml("""
                <DescribeStackResourceDriftsResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                  <DescribeStackResourceDriftsResult>
                    <StackResourceDrifts>
                      <member>
                        <PhysicalResourceId>my-stack-with-resource-drift-DLQ-1BCY7HHD5QIM3</PhysicalResourceId>
                        <ExpectedProperties>{"QueueName":"my-stack-with-resource-drift-DLQ-1BCY7HHD5QIM3"}</ExpectedProperties>
                        <StackResourceDriftStatus>DELETED</StackResourceDriftStatus>
                        <StackId>\(stackID)</StackId>
                        <LogicalResourceId>DLQ</LogicalResourceId>
                        <Timestamp>2017-12-13T00:44:39.432Z</Timestamp>
                        <ResourceType>AWS::SQS::Queue</ResourceType>
                      </member>
                    </StackResourceDrifts>
                  </DescribeStackResourceDriftsResult>
                </DescribeStackResourceDriftsResponse>
                """),
        ])
        let cloudFormation = CloudFormationClient(client: TestClients.client(transport: transport))
        let drifts = try await cloudFormation.describeStackResourceDrifts(stackName: "my-stack-with-resource-drift")
        XCTAssertEqual(drifts.map(\.logicalResourceID), ["Queue", "DLQ"])
        XCTAssertEqual(drifts[0].status, "MODIFIED")
        XCTAssertEqual(drifts[0].propertyDifferences, [
            .init(path: "/DelaySeconds", expectedValue: "20", actualValue: "120", differenceType: "NOT_EQUAL"),
            .init(path: "/RedrivePolicy/maxReceiveCount", expectedValue: "10", actualValue: "12", differenceType: "NOT_EQUAL"),
        ])
        XCTAssertEqual(drifts[0].actualProperties, #"{"DelaySeconds":120,"RedrivePolicy":{"maxReceiveCount":12},"VisibilityTimeout":60}"#)
        XCTAssertEqual(drifts[1].status, "DELETED")
        XCTAssertNil(drifts[1].actualProperties)
        XCTAssertEqual(transport.requests.map(\.bodyText), [
            "Action=DescribeStackResourceDrifts&Version=2010-05-15&StackName=my-stack-with-resource-drift",
            "Action=DescribeStackResourceDrifts&Version=2010-05-15&StackName=my-stack-with-resource-drift&NextToken=page-2",
        ])
    }

    func testRolePoliciesOnTheWire() async throws {
        // IAM sends documents URL-encoded; a list is paged with IsTruncated and Marker.
        let document = #"{"Version":"2012-10-17","Statement":[{"Sid":"Q","Effect":"Allow","Action":["sqs:SendMessage"],"Resource":"arn:aws:sqs:us-east-1:1:q"}]}"#
        let transport = RecordingTransport([
            xml("<ListRolePoliciesResponse><ListRolePoliciesResult><PolicyNames><member>a</member></PolicyNames><IsTruncated>true</IsTruncated><Marker>m1</Marker></ListRolePoliciesResult></ListRolePoliciesResponse>"),
            xml("<ListRolePoliciesResponse><ListRolePoliciesResult><PolicyNames><member>b</member></PolicyNames><IsTruncated>false</IsTruncated></ListRolePoliciesResult></ListRolePoliciesResponse>"),
            xml("<GetRolePolicyResponse><GetRolePolicyResult><RoleName>r</RoleName><PolicyName>a</PolicyName><PolicyDocument>\(PercentEncoding.encode(document))</PolicyDocument></GetRolePolicyResult></GetRolePolicyResponse>"),
            xml("<ListAttachedRolePoliciesResponse><ListAttachedRolePoliciesResult><AttachedPolicies><member><PolicyName>m</PolicyName><PolicyArn>arn:aws:iam::1:policy/m</PolicyArn></member></AttachedPolicies><IsTruncated>false</IsTruncated></ListAttachedRolePoliciesResult></ListAttachedRolePoliciesResponse>"),
            xml("<GetPolicyResponse><GetPolicyResult><Policy><PolicyName>m</PolicyName><Arn>arn:aws:iam::1:policy/m</Arn><DefaultVersionId>v3</DefaultVersionId></Policy></GetPolicyResult></GetPolicyResponse>"),
            xml("<GetPolicyVersionResponse><GetPolicyVersionResult><PolicyVersion><Document>\(PercentEncoding.encode(document))</Document><VersionId>v3</VersionId><IsDefaultVersion>true</IsDefaultVersion></PolicyVersion></GetPolicyVersionResult></GetPolicyVersionResponse>"),
        ])
        let iam = IAMClient(client: TestClients.client(transport: transport))
        let names = try await iam.listRolePolicies(roleName: "r")
        XCTAssertEqual(names, ["a", "b"])
        let inline = try await iam.getRolePolicy(roleName: "r", policyName: "a")
        XCTAssertEqual(inline, document)
        let attached = try await iam.listAttachedRolePolicies(roleName: "r")
        XCTAssertEqual(attached, [.init(name: "m", arn: "arn:aws:iam::1:policy/m")])
        let policy = try await iam.getPolicy(arn: "arn:aws:iam::1:policy/m")
        XCTAssertEqual(policy.defaultVersionID, "v3")
        let version = try await iam.getPolicyVersion(arn: policy.arn, versionID: policy.defaultVersionID)
        XCTAssertEqual(version, document)
        XCTAssertEqual(transport.requests.map(\.bodyText), [
            "Action=ListRolePolicies&Version=2010-05-08&RoleName=r",
            "Action=ListRolePolicies&Version=2010-05-08&RoleName=r&Marker=m1",
            "Action=GetRolePolicy&Version=2010-05-08&RoleName=r&PolicyName=a",
            "Action=ListAttachedRolePolicies&Version=2010-05-08&RoleName=r",
            "Action=GetPolicy&Version=2010-05-08&PolicyArn=arn%3Aaws%3Aiam%3A%3A1%3Apolicy%2Fm",
            "Action=GetPolicyVersion&Version=2010-05-08&PolicyArn=arn%3Aaws%3Aiam%3A%3A1%3Apolicy%2Fm&VersionId=v3",
        ])
    }

    func testGetTemplateAndRolePoliciesAgainstMoto() async throws {
        let client = AWSClient(configuration: AWSClientConfiguration(
            region: "us-east-1", endpointOverride: try await Self.server.start(),
            credentialsProvider: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"), retryPolicy: .none))
        let cloudFormation = CloudFormationClient(client: client)
        let template = #"{"Resources":{"Queue":{"Type":"AWS::SQS::Queue","Properties":{"VisibilityTimeout":45}}}}"#
        let stack = "drift-api-\(UUID().uuidString.prefix(8))"
        _ = try await cloudFormation.createStack(name: stack, templateBody: template)
        let deployed = try await cloudFormation.getTemplate(stackName: stack)
        XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(deployed.utf8)) as? NSDictionary,
                       try JSONSerialization.jsonObject(with: Data(template.utf8)) as? NSDictionary)

        let iam = IAMClient(client: client)
        let role = "drift-api-\(UUID().uuidString.prefix(8))"
        _ = try await iam.createRole(name: role, assumeRolePolicyDocument:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
        let inline = #"{"Version":"2012-10-17","Statement":[{"Sid":"Send","Effect":"Allow","Action":["sqs:SendMessage"],"Resource":["arn:aws:sqs:us-east-1:123456789012:q"]}]}"#
        try await iam.putRolePolicy(roleName: role, policyName: "wecare-preview", document: inline)
        let managed = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}]}"#
        let arn = try await iam.createPolicy(name: "\(role)-logs", document: managed)
        try await iam.attachRolePolicy(roleName: role, policyARN: arn)

        let names = try await iam.listRolePolicies(roleName: role)
        XCTAssertEqual(names, ["wecare-preview"])
        let fetched = try await iam.getRolePolicy(roleName: role, policyName: "wecare-preview")
        XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(fetched.utf8)) as? NSDictionary,
                       try JSONSerialization.jsonObject(with: Data(inline.utf8)) as? NSDictionary)
        let attached = try await iam.listAttachedRolePolicies(roleName: role)
        XCTAssertEqual(attached.map(\.arn), [arn])
        let policy = try await iam.getPolicy(arn: arn)
        let version = try await iam.getPolicyVersion(arn: arn, versionID: policy.defaultVersionID)
        XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(version.utf8)) as? NSDictionary,
                       try JSONSerialization.jsonObject(with: Data(managed.utf8)) as? NSDictionary)
    }

    /// What moto answers for the drift API: an error, which the client reports (wecare drift then says the part was not compared).
    func testMotoHasNoDriftDetection() async throws {
        let client = AWSClient(configuration: AWSClientConfiguration(
            region: "us-east-1", endpointOverride: try await Self.server.start(),
            credentialsProvider: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"), retryPolicy: .none))
        do {
            _ = try await CloudFormationClient(client: client).detectStackDrift(stackName: "any")
            XCTFail("moto answered DetectStackDrift: drift detection can now be tested against moto itself")
        } catch let error as AWSError {
            XCTAssertEqual(error.statusCode, 500, error.description)
        }
    }
}
