import Foundation

/// Parsed signing certificates by URL, so each is fetched once however many messages use it.
/// Concurrent requests for the same URL share one fetch; a failed fetch is not remembered, so a
/// passing network fault does not stick.
actor SigningCertificateCache {
    /// SNS uses a handful of certificates; the bound only stops a flood of distinct URLs.
    static let capacity = 64

    private let fetcher: any CertificateFetcher
    private var entries: [URL: Task<SigningCertificate, any Error>] = [:]
    private var order: [URL] = []

    init(fetcher: any CertificateFetcher) {
        self.fetcher = fetcher
    }

    func certificate(at url: URL) async throws(SNSVerificationError) -> SigningCertificate {
        let task: Task<SigningCertificate, any Error>
        if let existing = entries[url] {
            task = existing
        } else {
            let fetcher = self.fetcher
            task = Task {
                let pem: String
                do {
                    pem = try await fetcher.fetch(url)
                } catch {
                    throw SNSVerificationError.certificateUnavailable(reason: "fetching \(url.absoluteString) failed: \(error)")
                }
                return try SigningCertificate(pem: pem)
            }
            insert(task, for: url)
        }
        do {
            return try await task.value
        } catch {
            if entries[url] == task { forget(url) }
            if let error = error as? SNSVerificationError { throw error }
            throw .certificateUnavailable(reason: "\(error)")
        }
    }

    private func insert(_ task: Task<SigningCertificate, any Error>, for url: URL) {
        if order.count >= Self.capacity {
            entries[order.removeFirst()] = nil
        }
        entries[url] = task
        order.append(url)
    }

    private func forget(_ url: URL) {
        entries[url] = nil
        order.removeAll { $0 == url }
    }
}
