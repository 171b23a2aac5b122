import Foundation

/// One invocation as the Lambda Runtime API hands it out.
public struct Invocation: Sendable {
    public var requestId: String
    public var event: Data
    public var deadline: Date?
}
