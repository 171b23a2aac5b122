/// An operation input or output with no members.
public struct EmptyShape: Codable, Sendable, Equatable {
    public init() {}
}
