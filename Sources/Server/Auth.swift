import Foundation
import JWTKit
import MessagingCore

/// Who is calling, once their token is verified.
public struct Caller: Sendable, Equatable {
    public var userId: String
    public var role: Role
    public init(userId: String, role: Role) {
        self.userId = userId
        self.role = role
    }
}

public enum AuthError: Error, Equatable, Sendable {
    case missing
    case invalid(String)
}

/// The claims of a Cognito ID or access token (and of the local development tokens, which mimic them).
struct CognitoClaims: JWTPayload {
    var sub: SubjectClaim
    var iss: IssuerClaim
    var exp: ExpirationClaim
    var tokenUse: String
    var aud: AudienceClaim?
    var clientId: String?
    var groups: [String]?
    var nbf: NotBeforeClaim?
    var iat: IssuedAtClaim?

    enum CodingKeys: String, CodingKey {
        case sub, iss, exp, aud, nbf, iat
        case tokenUse = "token_use"
        case clientId = "client_id"
        case groups = "cognito:groups"
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// Verifies bearer tokens: RS256 Cognito tokens against the pool's JWKS in AWS environments, HS256
/// development tokens signed with the local key in `local` (and only there).
public struct TokenVerifier: Sendable {
    let keys: JWTKeyCollection
    let issuer: String
    let clientId: String?
    let now: @Sendable () -> Date
    /// Cognito signs with one of several keys and names it: a token without `kid` is refused even when
    /// the JWKS holds one key, so a key rotation cannot make it pick the wrong one.
    var requiresKeyId = false

    /// How far ahead of this clock `nbf` and `iat` may be (clock skew between Cognito and Lambda).
    static let leeway: TimeInterval = 60

    /// A Cognito pool: `iss` is the pool URL, `token_use` id or access, the client id must match when given.
    public static func cognito(jwksJSON: String, region: String, userPoolId: String, clientId: String?,
                               now: @escaping @Sendable () -> Date = Date.init) async throws -> TokenVerifier {
        let keys = try await JWTKeyCollection().add(jwksJSON: jwksJSON)
        return TokenVerifier(keys: keys, issuer: "https://cognito-idp.\(region).amazonaws.com/\(userPoolId)", clientId: clientId, now: now,
                             requiresKeyId: true)
    }

    /// The local environment's development tokens.
    public static func local(secret: Data, now: @escaping @Sendable () -> Date = Date.init) async -> TokenVerifier {
        let keys = await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return TokenVerifier(keys: keys, issuer: localIssuer, clientId: nil, now: now)
    }

    public static let localIssuer = "wecare-local"

    /// Signs a development token for the local environment (`wecare-service token`).
    public static func localToken(secret: Data, role: Role, user: String = "local-developer", lifetime: TimeInterval = 12 * 3600,
                                  now: Date = Date()) async throws -> String {
        let keys = await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        let claims = CognitoClaims(sub: .init(value: user), iss: .init(value: localIssuer), exp: .init(value: now.addingTimeInterval(lifetime)),
                                   tokenUse: "id", aud: nil, clientId: nil, groups: [role.rawValue], iat: .init(value: now))
        return try await keys.sign(claims)
    }

    /// The caller of a request with `Authorization: Bearer <token>`.
    public func verify(authorization: String?) async throws(AuthError) -> Caller {
        guard let header = authorization, header.lowercased().hasPrefix("bearer "), header.count > 7 else { throw .missing }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        if requiresKeyId, Self.keyId(token) == nil { throw .invalid("the token names no signing key (kid)") }
        let claims: CognitoClaims
        do {
            claims = try await keys.verify(token, as: CognitoClaims.self)
        } catch {
            // The library's error names its internals; the caller learns only that the token is not good.
            throw .invalid("the token does not verify (signature, key or format)")
        }
        let now = now()
        guard claims.exp.value > now else { throw .invalid("the token has expired") }
        if let nbf = claims.nbf?.value, nbf > now.addingTimeInterval(Self.leeway) { throw .invalid("the token is not valid yet (nbf)") }
        if let iat = claims.iat?.value, iat > now.addingTimeInterval(Self.leeway) { throw .invalid("the token was issued in the future (iat)") }
        guard claims.iss.value == issuer else { throw .invalid("the token was issued by \(claims.iss.value), not \(issuer)") }
        guard claims.tokenUse == "id" || claims.tokenUse == "access" else { throw .invalid("token_use must be id or access") }
        if let clientId {
            let audience = claims.tokenUse == "id" ? claims.aud?.value.first : claims.clientId
            guard audience == clientId else { throw .invalid("the token is for another app client") }
        }
        let roles = (claims.groups ?? []).compactMap(Role.init(rawValue:))
        guard let role = roles.max() else { throw .invalid("the user is in none of the groups Viewer, Operator, Admin") }
        return Caller(userId: claims.sub.value, role: role)
    }

    /// The `kid` of a compact JWS's header, `nil` when absent, empty or unreadable.
    static func keyId(_ token: String) -> String? {
        guard let first = token.split(separator: ".", omittingEmptySubsequences: false).first else { return nil }
        var base64 = first.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
              let header = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let kid = header["kid"] as? String, !kid.isEmpty else { return nil }
        return kid
    }
}

/// How a request's caller is established: a bearer token verified here (`serve`), or the claims API
/// Gateway's JWT authorizer already verified (Lambda), which the front door hands over in `AuthorizerClaims`.
public enum Authenticator: Sendable {
    case tokens(TokenVerifier)
    case authorizerClaims

    func caller(authorization: String?) async throws(AuthError) -> Caller {
        switch self {
        case .tokens(let verifier): return try await verifier.verify(authorization: authorization)
        case .authorizerClaims:
            guard let claims = AuthorizerClaims.current else { throw .missing }
            return try claims.caller()
        }
    }
}

/// The claims of `requestContext.authorizer.jwt.claims` in an API Gateway HTTP API event. API Gateway has
/// verified the token's signature, issuer, audience and expiry; every value arrives as a string, and an
/// array claim such as `cognito:groups` as one bracketed, space-separated string: `"[Admin Operator]"`.
public struct AuthorizerClaims: Sendable, Equatable {
    public var values: [String: String]

    public init(_ values: [String: String]) { self.values = values }

    /// The claims of the event being handled, set by the Lambda front door around the router call.
    @TaskLocal public static var current: AuthorizerClaims?

    /// `"[Admin Operator]"`, `"Admin"` or a JSON array `["Admin","Operator"]` → the names.
    static func list(_ raw: String) -> [String] {
        raw.split(whereSeparator: { " ,[]\"".contains($0) }).map(String.init)
    }

    func caller() throws(AuthError) -> Caller {
        guard let sub = values["sub"], !sub.isEmpty else { throw .invalid("the authorizer's claims carry no sub") }
        if let use = values["token_use"], use != "id", use != "access" { throw .invalid("token_use must be id or access") }
        let roles = Self.list(values["cognito:groups"] ?? "").compactMap(Role.init(rawValue:))
        guard let role = roles.max() else { throw .invalid("the user is in none of the groups Viewer, Operator, Admin") }
        return Caller(userId: sub, role: role)
    }
}
