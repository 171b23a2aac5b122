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

    /// `^sns\.[a-zA-Z0-9\-]{3,}\.amazonaws\.com(\.cn)?$`, as AWS documents it.
    static func isSNSHost(_ host: String) -> Bool {
        host.wholeMatch(of: #/sns\.[a-zA-Z0-9\-]{3,}\.amazonaws\.com(\.cn)?/#) != nil
    }

    static func signingCertificateURL(_ text: String) throws(SNSVerificationError) -> URL {
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

    struct Refusal: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
