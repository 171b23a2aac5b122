import Hummingbird
import HummingbirdCore

/// How `serve` runs HTTP/1.1: a connection that sends nothing for `idleTimeout` is closed, so half-sent
/// requests cannot hold connections (issue 15: 1,200 of them were held for 40 s).
public enum HTTPServerSettings {
    public static let idleTimeout: Duration = .seconds(30)

    public static func http1(idleTimeout: Duration = idleTimeout) -> HTTPServerBuilder {
        let (seconds, attoseconds) = idleTimeout.components
        return .http1(configuration: .init(idleTimeout: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)))
    }
}
