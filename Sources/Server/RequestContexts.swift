import Hummingbird
import NIOCore

/// The request contexts the router runs with: each says which connection its request came on, so that
/// a body deadline can end a read stuck on it (`JSONBody.collect`).
public protocol BodyReadingContext: RequestContext {
    /// The request's connection; nil where the body arrives whole (the Lambda front door).
    var connection: (any NIOCore.Channel)? { get }
}

/// `serve`'s request context: Hummingbird's basic one, and the connection.
public struct ConnectionRequestContext: BodyReadingContext {
    public var coreContext: CoreRequestContextStorage
    public let connection: (any NIOCore.Channel)?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        connection = source.channel
    }
}
