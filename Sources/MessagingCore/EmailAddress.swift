/// The email addresses a contact can hold: one `@` between a part before it and a domain with a dot,
/// no space inside; trimmed of `PhoneNumber.edgeSpace` and lowercased.
public enum EmailAddress {
    /// The address as stored; nil when `raw` is not one.
    public static func normalize(_ raw: String) -> String? {
        let text = PhoneNumber.trimmed(raw)
        guard !text.contains(where: PhoneNumber.edgeSpace.contains) else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains(".") else { return nil }
        return String(String.UnicodeScalarView(text)).lowercased()
    }

    /// What `normalize` takes, or a blank field, as a regular expression for the API's schemas
    /// (`FieldPatternTests` holds it to `normalize`).
    public static let pattern = "^\(PhoneNumber.space)*(?:\(other)+@\(other)*\\.\(other)*)?\(PhoneNumber.space)*$"
    private static let other = "[^@\\t\\n\\r ]"
}
