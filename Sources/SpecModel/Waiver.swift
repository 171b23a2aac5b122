/// A signed-off exception to one rule for one resource, with a reason and an end date.
public struct Waiver: Hashable, Sendable {
    public var rule: Located<String>
    public var reason: Located<String>
    /// `YYYY-MM-DD`; the waiver stops applying after this day.
    public var expires: Located<String>
    public var location: SourceLocation

    public init(rule: Located<String>, reason: Located<String>, expires: Located<String>, location: SourceLocation) {
        self.rule = rule
        self.reason = reason
        self.expires = expires
        self.location = location
    }
}
