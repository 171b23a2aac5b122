/// The Cognito app client of the existing user pool. Its id is not in the specs (the client is made in the
/// account, outside the stack): every template takes it as a parameter, given at deploy. The API's JWT
/// authorizer accepts it as the audience, and a variable `{ userPool: <name>, attribute: clientId }` gets it
/// (the web UI's hosted sign-in needs it, docs/ui.md).
public enum UserPoolClient {
    /// The template parameter that carries the app client id.
    public static let parameter = "UserPoolClientId"
    /// The reference attribute that stands for it.
    public static let attribute = "clientId"

    /// Whether `reference` names the app client id rather than a value the specs hold.
    public static func isClientId(_ reference: Reference) -> Bool {
        reference.kind == .userPool && reference.attribute?.value == attribute
    }
}
