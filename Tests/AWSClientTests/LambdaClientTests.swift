import AWSClient
import Foundation
import XCTest

/// Lambda's Invoke on the wire, captured by a recording transport.
final class LambdaClientTests: XCTestCase {
    func testRequestResponseInvokeSendsThePayloadAndReturnsTheResult() async throws {
        let transport = RecordingTransport([.response(AWSHTTPResponse(
            statusCode: 200, headers: ["X-Amz-Executed-Version": "$LATEST"], body: Data(#"{"id":"m-1"}"#.utf8)))])
        let lambda = LambdaClient(client: TestClients.client(transport: transport))
        let result = try await lambda.invoke(functionName: "wecare-outbound-sms", payload: Data(#"{"to":"+15550100"}"#.utf8))
        XCTAssertEqual(result, .init(statusCode: 200, executedVersion: "$LATEST", payload: Data(#"{"id":"m-1"}"#.utf8)))
        let request = try XCTUnwrap(transport.lastRequest)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.url?.absoluteString, "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/wecare-outbound-sms/invocations")
        XCTAssertEqual(request.headers["X-Amz-Invocation-Type"], "RequestResponse")
        XCTAssertEqual(request.headers["Content-Type"], "application/json")
        XCTAssertEqual(request.bodyText, #"{"to":"+15550100"}"#)
        let authorization = try XCTUnwrap(request.headers["Authorization"])
        XCTAssertTrue(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250108/us-east-1/lambda/aws4_request, "), authorization)
        XCTAssertTrue(authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-invocation-type,"), authorization)
    }

    func testAFailedFunctionIsAResultNotAThrow() async throws {
        let transport = RecordingTransport([.response(AWSHTTPResponse(
            statusCode: 200, headers: ["X-Amz-Function-Error": "Unhandled"],
            body: Data(#"{"errorType":"Boom","errorMessage":"no"}"#.utf8)))])
        let result = try await LambdaClient(client: TestClients.client(transport: transport))
            .invoke(functionName: "f", payload: Data("{}".utf8))
        XCTAssertEqual(result.functionError, "Unhandled")
        XCTAssertEqual(String(decoding: result.payload, as: UTF8.self), #"{"errorType":"Boom","errorMessage":"no"}"#)
    }

    func testEventInvokeOfAnARNWithQualifier() async throws {
        let transport = RecordingTransport([.response(AWSHTTPResponse(statusCode: 202))])
        let result = try await LambdaClient(client: TestClients.client(transport: transport, region: "ap-south-1")).invoke(
            functionName: "arn:aws:lambda:ap-south-1:809904170947:function:wecare-outbound-whatsapp", payload: Data("{}".utf8),
            invocationType: .event, qualifier: "live")
        XCTAssertEqual(result.statusCode, 202)
        XCTAssertTrue(result.payload.isEmpty)
        let request = try XCTUnwrap(transport.lastRequest)
        XCTAssertEqual(request.headers["X-Amz-Invocation-Type"], "Event")
        XCTAssertEqual(
            request.url?.absoluteString,
            "https://lambda.ap-south-1.amazonaws.com/2015-03-31/functions/"
                + "arn%3Aaws%3Alambda%3Aap-south-1%3A809904170947%3Afunction%3Awecare-outbound-whatsapp/invocations?Qualifier=live")
    }

    func testLambdaErrorsAreAWSErrors() async throws {
        let transport = RecordingTransport([.response(AWSHTTPResponse(
            statusCode: 404, headers: ["x-amzn-ErrorType": "ResourceNotFoundException", "x-amzn-RequestId": "r-1"],
            body: Data(#"{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:1:function:nope"}"#.utf8)))])
        do {
            _ = try await LambdaClient(client: TestClients.client(transport: transport)).invoke(functionName: "nope", payload: Data())
            XCTFail("expected an error")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "ResourceNotFoundException")
            XCTAssertEqual(error.statusCode, 404)
            XCTAssertEqual(error.requestID, "r-1")
            XCTAssertTrue(error.message.hasPrefix("Function not found"), error.message)
        }
        XCTAssertNil(transport.lastRequest?.headers["Content-Type"], "no payload, no body")
    }
}
