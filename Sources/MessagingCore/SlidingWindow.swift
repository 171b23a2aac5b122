/// The granted sends of one limiter key, sorted by time, and the rule both limiters follow: a send may
/// go at `t` only if no window of `span` seconds holding `t` would then hold more than `limit` sends.
/// The in-process limiter keeps one per key in memory; the DynamoDB limiter keeps one per key in an item
/// of RateLimitTrackers, read and written back under a condition.
public struct SlidingWindow: Sendable, Equatable {
    public private(set) var slots: [Double]

    public init(slots: [Double] = []) { self.slots = slots.sorted() }

    /// Index of the first slot ≥ t (or > t when `after`).
    func index(_ t: Double, after: Bool = false) -> Int {
        var lo = 0, hi = slots.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if slots[mid] < t || (after && slots[mid] == t) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The earliest time ≥ t at which one more slot keeps every window of `span` at or under `limit`.
    public func earliest(from t: Double, limit: Int, span: Double) -> Double {
        // Fewer than `limit` slots anywhere within a span of t: every window holding t stays under the limit.
        if index(t + span) - index(t - span, after: true) < limit { return t }
        // Otherwise go after every slot, where only the last `limit - 1` slots may share a window with it.
        guard let last = slots.last else { return t }
        return max(t, last, slots.count >= limit ? slots[slots.count - limit] + span : t)
    }

    /// Records a send at `t` and forgets the slots before `before`, which no later window can hold.
    public mutating func grant(_ t: Double, prune before: Double) {
        slots.insert(t, at: index(t, after: true))
        let old = index(before)
        if old > 0 { slots.removeFirst(old) }
    }

    /// The earliest time ≥ t that every key's window allows (moving later for one key can only keep or
    /// move later the others' answers, so this repeats until all agree).
    public static func earliest(from t: Double, in windows: [(window: SlidingWindow, limit: Int)], span: Double) -> Double {
        var slot = t
        var settled = false
        while !settled {
            settled = true
            for (window, limit) in windows {
                let next = window.earliest(from: slot, limit: limit, span: span)
                if next > slot {
                    slot = next
                    settled = false
                }
            }
        }
        return slot
    }
}
