import SpecModel

/// The HTTP API: routes to the functions that own them, a JWT authorizer on the Cognito pool, CORS.
enum HTTPAPIResources {
    static func add(to resources: inout [String: JSONValue], outputs: inout [String: JSONValue], _ d: Deployment) {
        let routed = d.platform.functions.filter { !$0.routes.isEmpty }
        guard let api = d.platform.api, !routed.isEmpty else { return }
        let poolID = d.platform.existing(.userPool, api.userPool.name.value)?["id"]?.value ?? ""
        let methods = Set(routed.flatMap { $0.routes.map(\.value.method) }).sorted()
        resources["HttpApi"] = .object([
            "Type": .string("AWS::ApiGatewayV2::Api"),
            "Properties": .object([
                "Name": .string(d.apiName),
                "ProtocolType": .string("HTTP"),
                "CorsConfiguration": .object([
                    "AllowOrigins": .array(api.corsOrigins.map { .string($0.value) }),
                    "AllowMethods": .array((methods + ["OPTIONS"]).map { .string($0) }),
                    "AllowHeaders": .array([.string("authorization"), .string("content-type")]),
                    "MaxAge": .int(600),
                ]),
                "Tags": .object(["wecare:environment": .string(d.environment.name.value), "wecare:managed-by": .string("wecare build")]),
            ]),
        ])
        resources["HttpApiAuthorizer"] = .object([
            "Type": .string("AWS::ApiGatewayV2::Authorizer"),
            "Properties": .object([
                "ApiId": CFN.ref("HttpApi"),
                "Name": .string("cognito-\(api.userPool.name.value)"),
                "AuthorizerType": .string("JWT"),
                "IdentitySource": .array([.string("$request.header.Authorization")]),
                "JwtConfiguration": .object([
                    "Audience": .array([CFN.ref(UserPoolClient.parameter)]),
                    "Issuer": .string("https://cognito-idp.\(d.region).amazonaws.com/\(poolID)"),
                ]),
            ]),
        ])
        resources["HttpApiDefaultStage"] = .object([
            "Type": .string("AWS::ApiGatewayV2::Stage"),
            "Properties": .object(["ApiId": CFN.ref("HttpApi"), "StageName": .string("$default"), "AutoDeploy": .bool(true)]),
        ])
        for f in routed {
            let fn = LogicalID.function(f)
            resources[fn + "Integration"] = .object([
                "Type": .string("AWS::ApiGatewayV2::Integration"),
                "Properties": .object([
                    "ApiId": CFN.ref("HttpApi"),
                    "IntegrationType": .string("AWS_PROXY"),
                    "IntegrationUri": CFN.getAtt(fn, "Arn"),
                    "PayloadFormatVersion": .string("2.0"),
                ]),
            ])
            resources[fn + "ApiPermission"] = .object([
                "Type": .string("AWS::Lambda::Permission"),
                "Properties": .object([
                    "Action": .string("lambda:InvokeFunction"),
                    "FunctionName": CFN.getAtt(fn, "Arn"),
                    "Principal": .string("apigateway.amazonaws.com"),
                    "SourceArn": CFN.sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*"),
                ]),
            ])
            for route in f.routes {
                var properties: [String: JSONValue] = [
                    "ApiId": CFN.ref("HttpApi"),
                    "RouteKey": .string(route.value.description),
                    "Target": CFN.join("/", [.string("integrations"), CFN.ref(fn + "Integration")]),
                    "AuthorizationType": .string("JWT"),
                    "AuthorizerId": CFN.ref("HttpApiAuthorizer"),
                ]
                if route.value.unauthenticated {
                    // The web UI's page and files: a browser fetches them before anyone has signed in.
                    properties["AuthorizationType"] = .string("NONE")
                    properties["AuthorizerId"] = nil
                }
                resources["Route" + routeID(route.value)] = .object(["Type": .string("AWS::ApiGatewayV2::Route"), "Properties": .object(properties)])
            }
        }
        outputs["HttpApiEndpoint"] = .object(["Value": CFN.sub("https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"), "Description": .string("Base URL of the HTTP API")])
    }

    /// `GET /api/bulk/jobs/{jobId}` → `GetApiBulkJobsJobId`.
    static func routeID(_ r: Function.Route) -> String {
        Naming.pascal(r.method.lowercased()) + Naming.pascal(r.path)
    }
}
