import Foundation
import MessagingCore
import Stores
import WecareConfig

// `wecare-bench retrieval [rounds]`: the local AI provider over the shipped knowledge folder. hit@1 and
// hit@3 on the question set (scripts/retrieval-questions.tsv: the passage that answers each question),
// then the latency of a whole local suggestion as `serve` makes it (the message and its conversation read
// from SQLite, BM25 retrieval, the extractive reply, the interaction written), p50 and p99 over every round.

func retrievalBench(rounds: Int) async throws {
    let folder = Messaging.aiKnowledgeFolder
    let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".md") }.sorted()
    let documents = try names.map { KnowledgeIndex.Document(name: $0, markdown: try String(contentsOfFile: folder + $0, encoding: .utf8)) }
    let provider = LocalSuggestionProvider(documents: documents, passages: Messaging.aiPassages)
    let questions = try String(contentsOfFile: "scripts/retrieval-questions.tsv", encoding: .utf8).split(separator: "\n")
        .filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t", maxSplits: 1).map(String.init) }
    var hit1 = 0, hit3 = 0
    for q in questions {
        let found = provider.index.search(q[1], limit: 3).map(\.source)
        if found.first == q[0] { hit1 += 1 }
        if found.contains(q[0]) { hit3 += 1 } else { print("  miss: \(q[1]) → \(found.joined(separator: ", "))") }
    }
    print(String(format: "knowledge: %d files, %d passages; %d questions: hit@1 %.2f  hit@3 %.2f", documents.count, provider.index.passageCount,
                 questions.count, Double(hit1) / Double(questions.count), Double(hit3) / Double(questions.count)))

    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-bench-ai-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = try SQLiteStore(path: dir.appendingPathComponent("bench.sqlite").path)
    let deps = CoreDependencies(store: store, gateway: TimingGateway(), clock: SystemClock(), ids: UUIDSource(), events: Silent())
    let settings = CoreSettings(environment: "local", sendMode: .dryRun, allowlist: Messaging.allowlist, metaApiVersion: Messaging.metaApiVersion,
                                smsPoolId: "", emailSender: "", mediaBucket: "", incomingPrefix: "", outgoingPrefix: "",
                                ai: AISettings(passages: Messaging.aiPassages, recentMessages: Messaging.aiRecentMessages))
    let service = AISuggestionService(deps, settings: settings, ai: AIDependencies(store: store, provider: provider))
    let now = Date()
    let contact = Contact(id: UUID().uuidString, name: "Bench", phone: "+15555550100", email: nil, createdAt: now, updatedAt: now)
    try await store.insertContact(contact)
    var latencies: [Double] = []
    for round in 0..<rounds {
        for (i, q) in questions.enumerated() {
            let message = Message(id: UUID().uuidString, contactId: contact.id, channel: .whatsapp, direction: .inbound, status: .received, kind: "text",
                                  content: q[1], timestamp: now.addingTimeInterval(Double(round * questions.count + i)),
                                  expiresAt: Int(now.timeIntervalSince1970) + 86_400)
            _ = try await store.insertMessage(message)
            let start = ContinuousClock.now
            _ = try await service.suggest(messageId: message.id)
            latencies.append((ContinuousClock.now - start).seconds * 1000)
        }
    }
    latencies.sort()
    let p = { (q: Double) in latencies[min(latencies.count - 1, Int(q * Double(latencies.count)))] }
    print(String(format: "local suggestion (SQLite + BM25 + extractive reply + interaction stored): p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%d suggestions)",
                 p(0.5), p(0.99), latencies.last ?? 0, latencies.count))
}
