import Foundation
import JWTKit
@testable import Server
import XCTest

/// What a Cognito token must carry besides its signature (issue 15, "auth and abuse"): `nbf` and `iat`
/// not in the future, a `kid` even when the JWKS holds one key, and 401 messages without library internals.
final class TokenClaimTests: XCTestCase {
    struct Claims: JWTPayload {
        var sub = SubjectClaim(value: "user-1")
        var iss = IssuerClaim(value: ServerHarness.issuer)
        var exp: ExpirationClaim
        var token_use = "id"
        var aud = AudienceClaim(value: ["client-1"])
        var nbf: NotBeforeClaim?
        var iat: IssuedAtClaim?
        var groups = ["Operator"]
        enum CodingKeys: String, CodingKey { case sub, iss, exp, token_use, aud, nbf, iat, groups = "cognito:groups" }
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    let now = Date()

    func sign(_ claims: Claims, kid: JWKIdentifier? = "test-key") async throws -> String {
        let keys = try await JWTKeyCollection().add(rsa: Insecure.RSA.PrivateKey(pem: TestKeys.privateKeyPEM), digestAlgorithm: .sha256, kid: kid)
        return try await keys.sign(claims, kid: kid)
    }

    func verify(_ token: String) async -> Result<Caller, AuthError> {
        do {
            let verifier = try await TokenVerifier.cognito(jwksJSON: TestKeys.jwks, region: "us-east-1", userPoolId: "us-east-1_TEST", clientId: "client-1")
            return .success(try await verifier.verify(authorization: "Bearer \(token)"))
        } catch let e as AuthError {
            return .failure(e)
        } catch {
            return .failure(.invalid("set-up: \(error)"))
        }
    }

    func testAGoodTokenPasses() async throws {
        let result = await verify(try await sign(Claims(exp: .init(value: now + 3600), nbf: .init(value: now - 10), iat: .init(value: now - 10))))
        XCTAssertEqual(try result.get().role, .operator)
    }

    func testATokenNotValidYetIsRefused() async throws {
        let result = await verify(try await sign(Claims(exp: .init(value: now + 7200), nbf: .init(value: now + 600), iat: .init(value: now))))
        XCTAssertEqual(result, .failure(.invalid("the token is not valid yet (nbf)")))
    }

    func testATokenIssuedInTheFutureIsRefused() async throws {
        let result = await verify(try await sign(Claims(exp: .init(value: now + 7200), iat: .init(value: now + 600))))
        XCTAssertEqual(result, .failure(.invalid("the token was issued in the future (iat)")))
    }

    func testClockSkewWithinAMinuteIsAccepted() async throws {
        let result = await verify(try await sign(Claims(exp: .init(value: now + 3600), nbf: .init(value: now + 30), iat: .init(value: now + 30))))
        XCTAssertNoThrow(try result.get())
    }

    func testATokenWithoutKidIsRefusedEvenWithOneKeyInTheJWKS() async throws {
        let result = await verify(try await sign(Claims(exp: .init(value: now + 3600)), kid: nil))
        XCTAssertEqual(result, .failure(.invalid("the token names no signing key (kid)")))
    }

    func testABadSignatureSaysSoWithoutLibraryInternals() async throws {
        var token = try await sign(Claims(exp: .init(value: now + 3600)))
        token.removeLast(4)
        token += "AAAA"
        let result = await verify(token)
        XCTAssertEqual(result, .failure(.invalid("the token does not verify (signature, key or format)")))
    }

    func testKeyIdReading() {
        XCTAssertEqual(TokenVerifier.keyId("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.e30.x"), "k1")
        XCTAssertNil(TokenVerifier.keyId("eyJhbGciOiJSUzI1NiJ9.e30.x"))
        XCTAssertNil(TokenVerifier.keyId("not a token"))
    }
}
