/// Why a response body is not well-formed XML, and where: 1-based line and column (in characters),
/// so a bad body from a service or an emulator can be found in a capture.
public struct XMLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var reason: String

    public init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String { "invalid XML at line \(line), column \(column): \(reason)" }
}
