import Hummingbird
import HummingbirdCore
import NIOCore
import NIOPosix

/// How `serve` runs HTTP/1.1: a connection that sends nothing for `idleTimeout` is closed, so half-sent
/// requests cannot hold connections (issue 15: 1,200 of them were held for 40 s).
public enum HTTPServerSettings {
    public static let idleTimeout: Duration = .seconds(30)

    public static func http1(idleTimeout: Duration = idleTimeout) -> HTTPServerBuilder {
        let (seconds, attoseconds) = idleTimeout.components
        return .http1(configuration: .init(idleTimeout: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)))
    }

    /// The event loops that read, parse and write HTTP: one per two cores, at least one. The loops only
    /// move bytes; every handler runs on Swift's concurrency pool, which has a thread per core already.
    /// On the 2-core machine, one loop instead of NIO's default of one per core took about 5 % less CPU
    /// per signed SNS delivery (16 alternating pairs; docs/service.md, "Ingestion benchmark").
    public static var eventLoops: EventLoopGroupProvider { .shared(eventLoopGroup) }

    static let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: eventLoopCount(cores: System.coreCount))

    static func eventLoopCount(cores: Int) -> Int { max(1, cores / 2) }
}
