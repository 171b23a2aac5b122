import SpecModel

enum SecretRules {
    static let all: [Rule] = [plaintext]

    static let secretWords = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL"]

    /// A literal that looks like a credential whatever its variable is called.
    static func looksLikeSecret(_ value: String) -> Bool {
        if value.hasPrefix("AKIA") || value.hasPrefix("ASIA"), value.count == 20 { return true }
        if value.hasPrefix("EAA"), value.count >= 40 { return true }   // Meta Graph API access tokens
        if value.contains("-----BEGIN") { return true }
        return false
    }

    static let plaintext = Rule(
        id: RuleID.plaintextSecret, family: "Secrets", summary: "No secret values in environment variables",
        documentation: "Req 18.3 and 18.7: tokens, app secrets, passwords and keys never sit in environment variables, which anyone with lambda:GetFunctionConfiguration can read. Declare the secret under `existing.secrets` (Secrets Manager or SSM) and pass `{ secret: name }`: the function gets where the secret lives, not its value.",
        failing: [RuleExample("specs/more-functions.yaml", """
        functions:
          sender:
            handler: outbound.whatsapp
            trigger: { invokedBy: [inbound] }
            environment:
              WHATSAPP_ACCESS_TOKEN: ↓EAAGm0PX4ZCpsBAKZCZBZAZAtoken1234567890abcdef
        """)],
        passing: [RuleExample("specs/more-functions.yaml", """
        existing:
          secrets:
            whatsapp-token: { store: secretsmanager, name: example/whatsapp-token }
        functions:
          sender:
            handler: outbound.whatsapp
            trigger: { invokedBy: [inbound] }
            environment:
              WHATSAPP_ACCESS_TOKEN_ARN: { secret: whatsapp-token }
            access:
              - { secret: whatsapp-token, allow: [read] }
        """), RuleExample("specs/iam.yaml", baseIAMWithSecret)],
        check: .platform { p in
            p.functions.flatMap { f in
                f.environment.compactMap { v -> Diagnostic? in
                    guard case .literal(let l) = v.value else { return nil }
                    let upper = v.name.value.uppercased()
                    let named = secretWords.contains { upper.contains($0) } && !l.value.hasPrefix("arn:") && !l.value.isEmpty
                    guard named || looksLikeSecret(l.value) else { return nil }
                    return Diagnostic(RuleID.plaintextSecret, l.location, "\(v.name.value) of function '\(f.id.value)' holds a secret value in plain text",
                                      hint: "store it in Secrets Manager, declare it under `existing.secrets`, and write `\(v.name.value): { secret: name }`",
                                      resource: ResourceID(.function, f.id.value))
                }
            }
        })

    static let baseIAMWithSecret = IAMRules.baseIAM + """
        - sid: TokenRead
          actions: [secretsmanager:GetSecretValue]
          resources: [{ secret: whatsapp-token }]
    """
}
