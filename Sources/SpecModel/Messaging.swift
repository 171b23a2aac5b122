/// WhatsApp through AWS End User Messaging Social.
public struct WhatsApp: Sendable {
    public struct PhoneNumber: Sendable {
        public var id: Located<String>
        /// The AWS phone-number id, `phone-number-id-…`.
        public var awsId: Located<String>
        public var display: String
        public var metaId: String
        public var waba: Reference
        public var ratePerSecond: Located<Int>
        public init(id: Located<String>, awsId: Located<String>, display: String, metaId: String, waba: Reference, ratePerSecond: Located<Int>) {
            self.id = id
            self.awsId = awsId
            self.display = display
            self.metaId = metaId
            self.waba = waba
            self.ratePerSecond = ratePerSecond
        }
    }

    public struct Waba: Sendable {
        public var id: Located<String>
        public var awsId: Located<String>
        public var metaId: String
        public var name: String
        public init(id: Located<String>, awsId: Located<String>, metaId: String, name: String) {
            self.id = id
            self.awsId = awsId
            self.metaId = metaId
            self.name = name
        }
    }

    public var metaApiVersion: Located<String>
    public var phoneNumbers: [PhoneNumber]
    public var wabas: [Waba]
    /// Phone-number ids allowed to send, as AWS ids.
    public var allowlist: [Located<String>]
    public var accountRatePerSecond: Located<Int>
    public var mediaRatePerSecond: Located<Int>
    public var tierLimit: Located<Int>
    public var tierAlertPercent: Located<Int>
    public var location: SourceLocation

    public init(metaApiVersion: Located<String>, phoneNumbers: [PhoneNumber], wabas: [Waba], allowlist: [Located<String>],
                accountRatePerSecond: Located<Int>, mediaRatePerSecond: Located<Int>, tierLimit: Located<Int>,
                tierAlertPercent: Located<Int>, location: SourceLocation) {
        self.metaApiVersion = metaApiVersion
        self.phoneNumbers = phoneNumbers
        self.wabas = wabas
        self.allowlist = allowlist
        self.accountRatePerSecond = accountRatePerSecond
        self.mediaRatePerSecond = mediaRatePerSecond
        self.tierLimit = tierLimit
        self.tierAlertPercent = tierAlertPercent
        self.location = location
    }
}

/// SMS and email limits, and the pool and sender they use.
public struct Channels: Sendable {
    public var smsPool: Reference
    public var smsRatePerSecond: Located<Int>
    public var smsMaxLength: Located<Int>
    public var emailSender: Reference
    public var emailRatePerSecond: Located<Int>
    public var location: SourceLocation

    public init(smsPool: Reference, smsRatePerSecond: Located<Int>, smsMaxLength: Located<Int>, emailSender: Reference,
                emailRatePerSecond: Located<Int>, location: SourceLocation) {
        self.smsPool = smsPool
        self.smsRatePerSecond = smsRatePerSecond
        self.smsMaxLength = smsMaxLength
        self.emailSender = emailSender
        self.emailRatePerSecond = emailRatePerSecond
        self.location = location
    }
}

/// AI reply suggestions (Requirement 15): where the embedded default's knowledge lives and how much
/// of it, and of the conversation, a question is given.
public struct AISuggestions: Sendable {
    /// A folder of markdown files, relative to the project root (the folder holding `specs/`).
    public var knowledgeFolder: Located<String>
    /// The markdown files found under it, relative to the project root; filled by the loader from the files it was given.
    public var knowledgeFiles: [String]
    public var passages: Located<Int>
    public var recentMessages: Located<Int>
    public var location: SourceLocation

    public init(knowledgeFolder: Located<String>, knowledgeFiles: [String] = [], passages: Located<Int>, recentMessages: Located<Int>, location: SourceLocation) {
        self.knowledgeFolder = knowledgeFolder
        self.knowledgeFiles = knowledgeFiles
        self.passages = passages
        self.recentMessages = recentMessages
        self.location = location
    }

    /// The folder as a path prefix: no leading `./`, one trailing `/`.
    public var folderPrefix: String {
        var f = knowledgeFolder.value
        while f.hasPrefix("./") { f.removeFirst(2) }
        return f.hasSuffix("/") ? f : f + "/"
    }
}

/// Bulk sending settings (Requirements 8 and 13).
public struct Bulk: Sendable {
    public var chunkSize: Located<Int>
    public var workerConcurrency: Located<Int>
    public var confirmationThreshold: Located<Int>
    public var location: SourceLocation

    public init(chunkSize: Located<Int>, workerConcurrency: Located<Int>, confirmationThreshold: Located<Int>, location: SourceLocation) {
        self.chunkSize = chunkSize
        self.workerConcurrency = workerConcurrency
        self.confirmationThreshold = confirmationThreshold
        self.location = location
    }
}
