import Foundation
import Hummingbird
import JWTKit
@testable import MessagingCore
@testable import Server
import Stores

/// The service as `ServerTests` and `APIContractTests` test it: an in-memory store at a fixed time,
/// Cognito-style RS256 tokens checked against a test JWKS.
struct ServerHarness {
    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var iss: IssuerClaim
        var exp: ExpirationClaim
        var token_use: String
        var aud: AudienceClaim?
        var client_id: String?
        var groups: [String]
        enum CodingKeys: String, CodingKey { case sub, iss, exp, token_use, aud, client_id, groups = "cognito:groups" }
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TEST"
    let store = InMemoryStore()
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    var events: any EventSink = NoEvents()
    /// The service's clock: `now`, unless a test moves time itself.
    var clock: (any MessagingCore.Clock)?
    var auditBudget = AuditBudget()
    var bodyDeadline: Duration = .seconds(30)

    func token(_ groups: [String], use: String = "id", iss: String = ServerHarness.issuer, expiresIn: TimeInterval = 3600, aud: String = "client-1") async throws -> String {
        let keys = try await JWTKeyCollection().add(rsa: Insecure.RSA.PrivateKey(pem: TestKeys.privateKeyPEM), digestAlgorithm: .sha256, kid: "test-key")
        let claims = Claims(sub: .init(value: "user-\(groups.first ?? "none")"), iss: .init(value: iss), exp: .init(value: Date().addingTimeInterval(expiresIn)),
                            token_use: use, aud: use == "id" ? .init(value: [aud]) : nil, client_id: use == "access" ? aud : nil, groups: groups)
        return try await keys.sign(claims, kid: "test-key")
    }

    /// The service's context: the store, DRY_RUN in preview, the test JWKS, bulk jobs on SQLite in a
    /// temporary folder, and the harness's clock, audit budget and body deadline.
    func context() async throws -> ServiceContext {
        let deps = CoreDependencies(store: store, gateway: LocalGatewayStub(), clock: clock ?? FixedClock(date: now), ids: UUIDSource(), events: events)
        let settings = CoreSettings(environment: "preview", sendMode: .dryRun, allowlist: ["phone-number-id-aaa"], metaApiVersion: "v20.0", smsPoolId: "pool",
                                    emailSender: "one@wecare.digital", mediaBucket: "b", incomingPrefix: "in/", outgoingPrefix: "out/")
        let verifier = try await TokenVerifier.cognito(jwksJSON: TestKeys.jwks, region: "us-east-1", userPoolId: "us-east-1_TEST", clientId: "client-1")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let bulkStore = try SQLiteStore(path: directory.appendingPathComponent("bulk.sqlite").path)
        let bulk = BulkDependencies(store: bulkStore, queue: bulkStore, objects: DirectoryObjectStore(root: directory))
        var context = ServiceContext(deps: deps, settings: RuntimeSettings(settings), verifier: verifier, sns: nil, allowDevInbound: false,
                                     mediaLinks: ServerTests.StubLinks(), bulk: bulk)
        context.unauthenticatedAudit = auditBudget
        context.bodyDeadline = bodyDeadline
        return context
    }

    func app() async throws -> some ApplicationProtocol { Application(router: try await router()) }

    /// The router `app()` serves, for a test that starts its own server.
    func router() async throws -> Router<ConnectionRequestContext> { Routes.router(try await context()) }
}
