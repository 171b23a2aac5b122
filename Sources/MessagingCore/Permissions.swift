/// What each role may do (Req 1.3–1.5, 2.7–2.8): the matrix every front door enforces.
public enum Permission: String, Sendable, CaseIterable {
    case readSelf, readContacts, writeContacts, readMessages, sendMessages, readBulk, sendBulk, readDLQ, replayDLQ, readAudit, readConfig, writeConfig, readAI, reviewAI

    public var minimumRole: Role {
        switch self {
        case .readSelf, .readContacts, .readMessages, .readAI: .viewer
        case .writeContacts, .sendMessages, .reviewAI, .readBulk, .sendBulk, .readDLQ, .replayDLQ: .`operator`
        case .readAudit, .readConfig, .writeConfig: .admin
        }
    }

    public func allowed(for role: Role) -> Bool { role >= minimumRole }
}
