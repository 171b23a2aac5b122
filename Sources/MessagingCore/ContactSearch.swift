import Foundation

/// Contact search over contacts already in memory: the in-memory store's, and the DynamoDB store's
/// after a scan (DynamoDB's `contains` is case-sensitive). SQLite answers the same in SQL.
extension Sequence where Element == Contact {
    /// Live contacts whose name, phone or email contains `query` (any case), by name then id.
    public func search(_ query: String, limit: Int) -> [Contact] {
        let q = query.lowercased()
        return Array(filter { $0.deletedAt == nil && $0.matches(q) }.sorted { ($0.name ?? "", $0.id) < ($1.name ?? "", $1.id) }.prefix(limit))
    }

    /// Ids of live contacts matching `query` (empty: all), optionally only those opted in to `channel`; oldest first.
    public func ids(matching query: String, optedIn channel: Channel?, limit: Int) -> [String] {
        let q = query.lowercased()
        return filter { $0.deletedAt == nil && (channel.map($0.optedIn) ?? true) && $0.matches(q) }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.prefix(limit).map(\.id)
    }
}

extension Contact {
    /// `lowercasedQuery` is empty or contained in the name, phone or email, in any case.
    func matches(_ lowercasedQuery: String) -> Bool {
        lowercasedQuery.isEmpty || [name, phone, email].contains { $0?.lowercased().contains(lowercasedQuery) ?? false }
    }
}
