import Deploy
import Foundation
import SpecModel
import XCTest

/// `--watch`: each change reported once, when it appears and when it goes away; alerts per round that changed.
final class DriftWatchTests: XCTestCase {
    func report(resources: [ResourceDrift] = [], policy: [PolicyDriftRow] = [], resourcesNotChecked: String? = nil) -> DriftReport {
        DriftReport(environment: "preview", stack: "base-wecare-digital-preview", specHash: "h", templatePath: "generated/cloudformation/preview.json",
                    policyPath: "generated/iam/preview.json", roleName: "base-wecare-digital",
                    resources: resourcesNotChecked.map { .unchecked($0) } ?? DriftSection(items: resources), template: DriftSection(),
                    policy: DriftSection(items: policy))
    }

    let billing = ResourceDrift(logicalID: "TableContacts", resourceType: "AWS::DynamoDB::Table", physicalID: nil, status: "MODIFIED",
                                properties: [.init(path: "/BillingMode", expected: "PAY_PER_REQUEST", actual: "PROVISIONED", kind: "NOT_EQUAL")])
    let purge = PolicyDriftRow(statement: "QueuesSendConsume", heldIn: ["inline wecare-preview"], missing: .init(), extra: .init(actions: ["sqs:PurgeQueue"]))

    final class Box<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [T] = []
        func add(_ t: T) { lock.withLock { items.append(t) } }
        var all: [T] { lock.withLock { items } }
    }

    struct RecordingAlerts: DriftAlerts {
        let sent: Box<(subject: String, message: String)>
        func publish(subject: String, message: String) async throws { sent.add((subject, message)) }
    }

    func testEachChangeIsReportedOnce() async throws {
        let rounds = [report(), report(resources: [billing]), report(resources: [billing]), report(resources: [billing], policy: [purge]),
                      report(policy: [purge]), report(), report()]
        let next = Box<Int>()
        let events = Box<DriftWatch.Event>()
        let sent = Box<(subject: String, message: String)>()
        let pauses = PauseCounter()
        let watch = DriftWatch(environment: "preview", interval: .seconds(900), inspect: {
            next.add(1)
            return rounds[next.all.count - 1]
        }, emit: { events.add($0) }, alerts: RecordingAlerts(sent: sent), now: { Date(timeIntervalSince1970: 1_795_000_000) },
           pause: { await pauses.add($0) })
        try await watch.run(rounds: rounds.count)

        let lines = events.all.map(DriftWatch.line)
        XCTAssertEqual(lines, [
            "2026-11-18T11:06:40Z preview in-sync",
            "2026-11-18T11:06:40Z preview drift: resource TableContacts [AWS::DynamoDB::Table] /BillingMode: template PAY_PER_REQUEST, actual PROVISIONED",
            "2026-11-18T11:06:40Z preview drift: role policy: statement QueuesSendConsume grants beyond the specs action sqs:PurgeQueue",
            "2026-11-18T11:06:40Z preview resolved: resource TableContacts [AWS::DynamoDB::Table] /BillingMode: template PAY_PER_REQUEST, actual PROVISIONED",
            "2026-11-18T11:06:40Z preview resolved: role policy: statement QueuesSendConsume grants beyond the specs action sqs:PurgeQueue",
            "2026-11-18T11:06:40Z preview in-sync",
        ])
        let paused = await pauses.all
        XCTAssertEqual(paused.count, rounds.count - 1)
        XCTAssertEqual(sent.all.map(\.subject), ["wecare drift: preview: 1 new, 0 resolved", "wecare drift: preview: 1 new, 0 resolved",
                                                 "wecare drift: preview: 0 new, 1 resolved", "wecare drift: preview: 0 new, 1 resolved"])
        XCTAssertEqual(sent.all.last?.message, lines.suffix(2).map { $0 + "\n" }.joined())
    }

    /// A round that cannot compare at all is reported once, and resolved by the next round that can.
    func testAFailingRoundIsOneFinding() async throws {
        struct Down: Error, CustomStringConvertible { var description: String { "connection refused" } }
        let next = Box<Int>()
        let events = Box<DriftWatch.Event>()
        let unchecked = report(resourcesNotChecked: "no drift API")
        let watch = DriftWatch(environment: "preview", interval: .seconds(60), inspect: {
            next.add(1)
            if next.all.count < 3 { throw Down() }
            return unchecked
        }, emit: { events.add($0) }, pause: { _ in })
        try await watch.run(rounds: 4)
        XCTAssertEqual(events.all.map { "\($0.kind.rawValue): \($0.finding?.text ?? "")" }, [
            "drift: cannot compare: connection refused",
            "resolved: cannot compare: connection refused",
            "drift: resources not compared: no drift API",
        ])
        XCTAssertEqual(events.all.map { $0.finding?.isDrift }, [false, false, false])
        guard let first = events.all.first else { return }
        XCTAssertTrue(DriftWatch.line(first).hasSuffix(" preview warning: cannot compare: connection refused"), DriftWatch.line(first))
    }

    func testJSONLines() {
        let event = DriftWatch.Event(time: Date(timeIntervalSince1970: 1_795_000_000), environment: "preview", kind: .appeared,
                                     finding: DriftFinding(part: .resources, key: "k", text: "t \"q\""))
        XCTAssertEqual(DriftWatch.json(event),
                       #"{"environment":"preview","event":"drift","finding":{"drift":true,"key":"k","part":"resources","text":"t \"q\""},"time":"2026-11-18T11:06:40Z","version":1}"#)
    }

    func testAWatchStopsWhenCancelled() async throws {
        let clean = report()
        let watch = DriftWatch(environment: "preview", interval: .seconds(3600), inspect: { clean }, emit: { _ in })
        let task = Task { try await watch.run() }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        do {
            try await task.value
            XCTFail("the watch ended by itself")
        } catch is CancellationError {}
    }
}
