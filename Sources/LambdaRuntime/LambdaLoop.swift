import Foundation

/// The bootstrap loop of a `provided.al2023` function: take an invocation, handle it, answer, repeat.
public enum LambdaLoop {
    /// - Parameter limit: stop after this many invocations (tests); run forever when nil.
    public static func run(client: RuntimeAPIClient, limit: Int? = nil, handler: @Sendable (Invocation) async throws -> Data) async throws {
        var handled = 0
        while limit.map({ handled < $0 }) ?? true {
            let invocation = try await client.next()
            do {
                try await client.respond(invocation.requestId, try await handler(invocation))
            } catch {
                try await client.fail(invocation.requestId, type: String(describing: type(of: error)), message: String(describing: error))
            }
            handled += 1
        }
    }
}
