/// Why no credentials could be loaded.
public enum CredentialsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing usable was found; `searched` lists every place that was tried, in order.
    case notFound(searched: [String])
    /// A source was found but is unusable (for example a key id without its secret).
    case incomplete(source: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let searched):
            return "No AWS credentials found. Looked in: \(searched.joined(separator: "; ")). "
                + "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add the profile to the shared credentials file."
        case .incomplete(let source, let reason):
            return "Incomplete AWS credentials in \(source): \(reason)."
        }
    }
}
