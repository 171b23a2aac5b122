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
    /// The certificates fetched, readable without entering the actor: every delivery looks its
    /// certificate up, and the hop onto the actor and back cost more than the lookup.
    nonisolated let fetched = FetchedCertificates()

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
            let certificate = try await task.value
            if entries[url] == task { fetched.set(certificate, for: url) }
            return certificate
        } catch {
            if entries[url] == task { forget(url) }
            if let error = error as? SNSVerificationError { throw error }
            throw .certificateUnavailable(reason: "\(error)")
        }
    }

    private func insert(_ task: Task<SigningCertificate, any Error>, for url: URL) {
        if order.count >= Self.capacity {
            let oldest = order.removeFirst()
            entries[oldest] = nil
            fetched.set(nil, for: oldest)
        }
        entries[url] = task
        order.append(url)
    }

    private func forget(_ url: URL) {
        entries[url] = nil
        fetched.set(nil, for: url)
        order.removeAll { $0 == url }
    }
}

/// The certificates of a cache that have been fetched, by URL, behind a lock.
final class FetchedCertificates: @unchecked Sendable {
    private let lock = NSLock()
    private var certificates: [URL: SigningCertificate] = [:]

    subscript(url: URL) -> SigningCertificate? { lock.withLock { certificates[url] } }

    func set(_ certificate: SigningCertificate?, for url: URL) { lock.withLock { certificates[url] = certificate } }
}
