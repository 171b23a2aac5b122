/// An S3 bucket; the platform reuses existing buckets and never creates one.
public struct Bucket: Sendable {
    public var id: Located<String>
    public var name: Located<String>
    public var encryption: Located<String>
    public var prefixes: [Prefix]
    public var waivers: [Waiver]

    public init(id: Located<String>, name: Located<String>, encryption: Located<String>, prefixes: [Prefix], waivers: [Waiver]) {
        self.id = id
        self.name = name
        self.encryption = encryption
        self.prefixes = prefixes
        self.waivers = waivers
    }
}

/// A folder of a bucket that functions may use, e.g. `whatsapp-media/whatsapp-media-incoming/`.
public struct Prefix: Sendable {
    public var id: Located<String>
    public var bucket: String
    public var path: Located<String>
    public var purpose: String
    /// Lifecycle expiry of objects under the prefix; nil keeps them.
    public var expireAfter: Located<SpecDuration>?

    public init(id: Located<String>, bucket: String, path: Located<String>, purpose: String, expireAfter: Located<SpecDuration>?) {
        self.id = id
        self.bucket = bucket
        self.path = path
        self.purpose = purpose
        self.expireAfter = expireAfter
    }
}
