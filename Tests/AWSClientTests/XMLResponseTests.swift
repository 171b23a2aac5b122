import AWSClient
import Foundation
import XCTest

/// The XML tree and CloudFormation's result parsing, on the API reference samples.
final class XMLResponseTests: XCTestCase {
    func testPathQueries() throws {
        let tree = try XMLTree(parsing: Data("""
            <R xmlns="urn:x"><A><member><B>1</B></member><member><B>2</B></member></A><C>  spaced  </C><Empty/></R>
            """.utf8))
        XCTAssertEqual(tree.name, "R")
        XCTAssertEqual(tree.all("A/member/B").map(\.text), ["1", "2"])
        XCTAssertEqual(tree.string("A/member/B"), "1")
        XCTAssertEqual(tree.string("C"), "  spaced  ")
        XCTAssertEqual(tree.string("Empty"), "")
        XCTAssertNil(tree.string("Missing/B"))
        XCTAssertEqual(tree.first(named: "B")?.text, "1")
    }

    func testEntitiesAreDecoded() throws {
        let tree = try XMLTree(parsing: Data("<M>a &lt;b&gt; &amp; &quot;c&quot;</M>".utf8))
        XCTAssertEqual(tree.text, "a <b> & \"c\"")
    }

    func testMalformedXMLThrows() {
        XCTAssertThrowsError(try XMLTree(parsing: Data("<A><B></A>".utf8)))
    }

    func testDescribeChangeSetSample() async throws {
        let transport = RecordingTransport([], fallback: AWSHTTPResponse(statusCode: 200, body: Data("""
            <DescribeChangeSetResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
              <DescribeChangeSetResult>
                <StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/SampleStack/12a3b456-0e10-4ce0-9052-5d484a8c4e5b</StackId>
                <Status>CREATE_COMPLETE</Status>
                <ChangeSetId>arn:aws:cloudformation:us-east-1:123456789012:changeSet/SampleChangeSet-direct/12a3b456-0e10-4ce0-9052-5d484a8c4e5b</ChangeSetId>
                <StackName>SampleStack</StackName>
                <ChangeSetName>SampleChangeSet-direct</ChangeSetName>
                <NotificationARNs/>
                <CreationTime>2016-03-17T23:35:25.813Z</CreationTime>
                <Capabilities/>
                <Parameters>
                  <member><ParameterValue>testing</ParameterValue><ParameterKey>Purpose</ParameterKey></member>
                </Parameters>
                <Changes>
                  <member>
                    <ResourceChange>
                      <Replacement>False</Replacement>
                      <Scope><member>Tags</member></Scope>
                      <Details>
                        <member><ChangeSource>DirectModification</ChangeSource>
                          <Target><RequiresRecreation>Never</RequiresRecreation><Attribute>Tags</Attribute></Target>
                          <Evaluation>Static</Evaluation>
                        </member>
                      </Details>
                      <LogicalResourceId>MyEC2Instance</LogicalResourceId>
                      <Action>Modify</Action>
                      <PhysicalResourceId>i-1abc23d4</PhysicalResourceId>
                      <ResourceType>AWS::EC2::Instance</ResourceType>
                    </ResourceChange>
                    <Type>Resource</Type>
                  </member>
                </Changes>
              </DescribeChangeSetResult>
              <ResponseMetadata><RequestId>b9b4b068-3a41-11e5-94eb-example</RequestId></ResponseMetadata>
            </DescribeChangeSetResponse>
            """.utf8)))
        let cloudFormation = CloudFormationClient(client: TestClients.client(transport: transport))
        let changeSet = try await cloudFormation.describeChangeSet(stackName: "SampleStack", changeSetName: "SampleChangeSet-direct")
        XCTAssertEqual(changeSet.status, "CREATE_COMPLETE")
        XCTAssertNil(changeSet.executionStatus)
        XCTAssertEqual(changeSet.changes, [.init(
            action: "Modify", logicalResourceID: "MyEC2Instance", physicalResourceID: "i-1abc23d4",
            resourceType: "AWS::EC2::Instance", replacement: "False", scope: ["Tags"])])
        XCTAssertEqual(
            transport.lastRequest?.bodyText,
            "Action=DescribeChangeSet&Version=2010-05-15&ChangeSetName=SampleChangeSet-direct&StackName=SampleStack")
    }

    func testDescribeStackEventsSampleIsNewestFirst() async throws {
        // Deliberately out of order: the client must return newest first whatever the server sends.
        let transport = RecordingTransport([], fallback: AWSHTTPResponse(statusCode: 200, body: Data("""
            <DescribeStackEventsResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
              <DescribeStackEventsResult>
                <StackEvents>
                  <member>
                    <Timestamp>2016-03-15T20:53:17.660Z</Timestamp>
                    <ResourceStatus>CREATE_IN_PROGRESS</ResourceStatus>
                    <EventId>MyEC2Instance-CREATE_IN_PROGRESS-2016-03-15T20:53:17.660Z</EventId>
                    <LogicalResourceId>MyEC2Instance</LogicalResourceId>
                    <ResourceStatusReason>Resource creation Initiated</ResourceStatusReason>
                    <PhysicalResourceId>i-1abc23d4</PhysicalResourceId>
                    <ResourceType>AWS::EC2::Instance</ResourceType>
                  </member>
                  <member>
                    <Timestamp>2016-03-15T20:54:31.809Z</Timestamp>
                    <ResourceStatus>CREATE_COMPLETE</ResourceStatus>
                    <EventId>1dedea10-eaf0-11e5-8451-500c5242948e</EventId>
                    <LogicalResourceId>SampleStack</LogicalResourceId>
                    <ResourceType>AWS::CloudFormation::Stack</ResourceType>
                  </member>
                </StackEvents>
              </DescribeStackEventsResult>
            </DescribeStackEventsResponse>
            """.utf8)))
        let cloudFormation = CloudFormationClient(client: TestClients.client(transport: transport))
        let events = try await cloudFormation.describeStackEvents(stackName: "SampleStack")
        XCTAssertEqual(events.map(\.status), ["CREATE_COMPLETE", "CREATE_IN_PROGRESS"])
        XCTAssertEqual(events[1].statusReason, "Resource creation Initiated")
        XCTAssertEqual(events[1].resourceType, "AWS::EC2::Instance")
        XCTAssertEqual(events[0].timestamp.timeIntervalSince1970, 1_458_075_271.809, accuracy: 0.0005)
    }

    func testTimestampForms() {
        XCTAssertEqual(AWSTimestamp.parse("2016-03-15T20:54:31Z")?.timeIntervalSince1970, 1_458_075_271)
        XCTAssertEqual(AWSTimestamp.parse("2016-03-15T20:54:31.5+00:00")?.timeIntervalSince1970, 1_458_075_271.5)
        XCTAssertEqual(AWSTimestamp.parse("2016-03-15T22:54:31.000000+02:00")?.timeIntervalSince1970, 1_458_075_271)
        XCTAssertNil(AWSTimestamp.parse("yesterday"))
    }
}
