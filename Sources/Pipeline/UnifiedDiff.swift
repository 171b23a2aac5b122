/// A unified diff of two texts (Myers' algorithm), as `diff -u` prints it, 3 lines of context.
public enum UnifiedDiff {
    enum Edit: Equatable { case same(String), removed(String), added(String) }

    public static func diff(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        let a = lines(old), b = lines(new)
        let edits = myers(a, b)
        guard edits.contains(where: { if case .same = $0 { return false } else { return true } }) else { return "" }
        var out = "--- \(oldName)\n+++ \(newName)\n"
        // Group edits into hunks with `context` unchanged lines around each change.
        var i = 0
        var oldLine = 1, newLine = 1
        var positions: [(Int, Int)] = []
        for e in edits {
            positions.append((oldLine, newLine))
            switch e {
            case .same: oldLine += 1; newLine += 1
            case .removed: oldLine += 1
            case .added: newLine += 1
            }
        }
        while i < edits.count {
            guard let firstChange = edits[i...].firstIndex(where: { $0 != .same(sameText($0)) }) else { break }
            var start = max(firstChange - context, i)
            var end = firstChange
            while true {
                guard let nextChange = edits[(end + 1)...].firstIndex(where: { $0 != .same(sameText($0)) }), nextChange - end <= 2 * context else { break }
                end = nextChange
            }
            let stop = min(end + context, edits.count - 1)
            if start < i { start = i }
            let hunk = edits[start...stop]
            let (o, n) = positions[start]
            let oldCount = hunk.filter { if case .added = $0 { return false } else { return true } }.count
            let newCount = hunk.filter { if case .removed = $0 { return false } else { return true } }.count
            out += "@@ -\(oldCount == 0 ? o - 1 : o),\(oldCount) +\(newCount == 0 ? n - 1 : n),\(newCount) @@\n"
            for e in hunk {
                switch e {
                case .same(let s): out += " \(s)\n"
                case .removed(let s): out += "-\(s)\n"
                case .added(let s): out += "+\(s)\n"
                }
            }
            i = stop + 1
        }
        return out
    }

    private static func sameText(_ e: Edit) -> String {
        if case .same(let s) = e { return s }
        return "\u{0}never"
    }

    static func lines(_ s: String) -> [String] {
        var parts = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    /// Myers' O(ND) shortest edit script.
    static func myers(_ a: [String], _ b: [String]) -> [Edit] {
        let n = a.count, m = b.count, max = n + m
        guard max > 0 else { return [] }
        var v = [Int](repeating: 0, count: 2 * max + 2)
        var trace: [[Int]] = []
        outer: for d in 0...max {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[k - 1 + max] < v[k + 1 + max]) { x = v[k + 1 + max] } else { x = v[k - 1 + max] + 1 }
                var y = x - k
                while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                v[k + max] = x
                if x >= n, y >= m { trace.append(v); break outer }
            }
        }
        // Walk back through the trace.
        var edits: [Edit] = []
        var x = n, y = m
        for d in stride(from: trace.count - 2, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let prevK = (k == -d || (k != d && v[k - 1 + max] < v[k + 1 + max])) ? k + 1 : k - 1
            let prevX = v[prevK + max], prevY = prevX - prevK
            while x > prevX, y > prevY { edits.append(.same(a[x - 1])); x -= 1; y -= 1 }
            if d > 0 {
                if x == prevX { edits.append(.added(b[y - 1])); y -= 1 } else { edits.append(.removed(a[x - 1])); x -= 1 }
            }
        }
        while x > 0, y > 0 { edits.append(.same(a[x - 1])); x -= 1; y -= 1 }
        return edits.reversed()
    }
}
