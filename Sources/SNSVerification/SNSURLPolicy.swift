import Foundation

/// Which URLs taken from a message may be fetched or called: https, on an SNS host, nothing else.
/// Checked before any network use, so a forged message cannot make the server reach another host.
enum SNSURLPolicy {
    /// Returns why `text` is not an acceptable https URL on an SNS host, or the URL.
    static func snsURL(_ text: String) -> Result<URL, Refusal> {
        guard let components = URLComponents(string: text), let url = components.url else {
            return .failure(.init("\"\(text)\" is not a URL"))
        }
        guard components.scheme?.lowercased() == "https" else {
            return .failure(.init("\"\(text)\" does not use https"))
        }
        guard components.percentEncodedUser == nil, components.percentEncodedPassword == nil else {
            return .failure(.init("\"\(text)\" carries user information"))
        }
        if let port = components.port, port != 443 {
            return .failure(.init("\"\(text)\" names port \(port)"))
        }
        let host = components.percentEncodedHost ?? ""
        guard isSNSHost(host) else {
            return .failure(.init("host \"\(host)\" is not an SNS host"))
        }
        guard components.fragment == nil else {
            return .failure(.init("\"\(text)\" has a fragment"))
        }
        return .success(url)
    }

    /// `^sns\.[a-zA-Z0-9\-]{3,}\.amazonaws\.com(\.cn)?$`, as AWS documents it. Matched by hand: a regex
    /// literal is parsed again on every call, which cost a sixth of a signed delivery's time.
    static func isSNSHost(_ host: String) -> Bool {
        var bytes = Substring(host).utf8[...]
        guard bytes.starts(with: "sns.".utf8) else { return false }
        bytes = bytes.dropFirst(4)
        for suffix in [".amazonaws.com", ".amazonaws.com.cn"] where bytes.count > suffix.utf8.count && bytes.reversed().starts(with: suffix.utf8.reversed()) {
            let region = bytes.dropLast(suffix.utf8.count)
            return region.count >= 3 && region.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
            }
        }
        return false
    }

    /// A certificate URL that passed, by its exact text. SNS signs with a handful of certificates, so
    /// nearly every delivery names one already checked; URLComponents' parse (with IDNA) took a fifth
    /// of a delivery's verification. Only passes are kept, and at most `acceptedCapacity` of them.
    private static let accepted = AcceptedURLs()
    static let acceptedCapacity = 64
    static var acceptedCount: Int { accepted.count }

    static func signingCertificateURL(_ text: String) throws(SNSVerificationError) -> URL {
        if let url = accepted[text] { return url }
        let url = try checkedSigningCertificateURL(text)
        accepted[text] = url
        return url
    }

    private static func checkedSigningCertificateURL(_ text: String) throws(SNSVerificationError) -> URL {
        let url: URL
        switch snsURL(text) {
        case .success(let u): url = u
        case .failure(let refusal): throw .badCertificateURL(reason: refusal.reason)
        }
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        guard let path = components?.percentEncodedPath, path.hasSuffix(".pem") else {
            throw .badCertificateURL(reason: "the path of \"\(text)\" does not end in .pem")
        }
        guard components?.percentEncodedQuery == nil else {
            throw .badCertificateURL(reason: "\"\(text)\" has a query")
        }
        return url
    }

    static func subscribeURL(_ text: String) throws(SNSVerificationError) -> URL {
        let url: URL
        switch snsURL(text) {
        case .success(let u): url = u
        case .failure(let refusal): throw .badSubscribeURL(reason: refusal.reason)
        }
        // Calling the URL performs its Action; only the confirmation may be triggered from here.
        let actions = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.filter { $0.name == "Action" } ?? []
        guard actions.count == 1, actions[0].value == "ConfirmSubscription" else {
            throw .badSubscribeURL(reason: "\"\(text)\" is not a single Action=ConfirmSubscription request")
        }
        return url
    }

    /// Text to URL, under a lock; emptied when full, so a flood of distinct URLs cannot grow it.
    final class AcceptedURLs: @unchecked Sendable {
        private let lock = NSLock()
        private var urls: [String: URL] = [:]

        var count: Int { lock.withLock { urls.count } }

        subscript(text: String) -> URL? {
            get { lock.withLock { urls[text] } }
            set {
                lock.withLock {
                    if urls.count >= SNSURLPolicy.acceptedCapacity { urls.removeAll(keepingCapacity: true) }
                    urls[text] = newValue
                }
            }
        }
    }

    struct Refusal: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
