/// How a goal's body (its Markdown narrative) changed, counted in lines: `body: +3 −1 lines`.
package struct BodyChange: Sendable, Equatable {
    package var added: Int
    package var removed: Int

    package init(added: Int, removed: Int) {
        self.added = added
        self.removed = removed
    }

    /// `+3 −1 lines`.
    package var summary: String { "+\(added) −\(removed) line\(added + removed == 1 ? "" : "s")" }

    /// The lines added and removed between two bodies: the shortest line edit script (Myers'
    /// O((N+M)·D) algorithm), so a moved paragraph counts as removed and added, as `git diff` does.
    /// Nil when the bodies are equal.
    package static func between(_ old: String?, _ new: String?) -> BodyChange? {
        let a = Array((old ?? "").utf8), b = Array((new ?? "").utf8)
        guard a != b else { return nil }
        // The common lines at both ends first, on the bytes: most edits touch a few lines.
        var prefix = 0, p = 0
        let shorter = min(a.count, b.count)
        while p < shorter, a[p] == b[p] {
            p += 1
            if a[p - 1] == 10 { prefix = p }
        }
        var suffix = 0, s = 0
        while s < shorter - prefix, a[a.count - 1 - s] == b[b.count - 1 - s] {
            s += 1
            let atA = a.count - s, atB = b.count - s
            if (atA == prefix || a[atA - 1] == 10) && (atB == prefix || b[atB - 1] == 10) { suffix = s }
        }
        let la = lines(a[prefix..<(a.count - suffix)]), lb = lines(b[prefix..<(b.count - suffix)])
        let n = la.count, m = lb.count
        let d = editDistance(la[...], lb[...])
        // d = inserts + deletes and inserts - deletes = m - n.
        return BodyChange(added: (d + m - n) / 2, removed: (d - m + n) / 2)
    }

    /// The lines a merge introduced itself: in the result more often than in any parent (added), or
    /// in every parent more often than in the result (removed). Nil when the merge only combined its
    /// parents' lines.
    package static func settled(result: String?, parents: [String?]) -> BodyChange? {
        func counts(_ s: String?) -> [ArraySlice<UInt8>: Int] { lines(s ?? "").reduce(into: [:]) { $0[$1, default: 0] += 1 } }
        let r = counts(result)
        let ps = parents.map(counts)
        var added = 0, removed = 0
        for (line, n) in r {
            added += max(0, n - (ps.map { $0[line] ?? 0 }.max() ?? 0))
        }
        let keys = Set(ps.flatMap(\.keys))
        for line in keys {
            removed += max(0, (ps.map { $0[line] ?? 0 }.min() ?? 0) - (r[line] ?? 0))
        }
        return added + removed == 0 ? nil : BodyChange(added: added, removed: removed)
    }

    /// The lines of a text as byte slices (compared byte for byte, as git does), without a last
    /// empty line after a final newline.
    static func lines(_ s: String) -> [ArraySlice<UInt8>] { lines(Array(s.utf8)[...]) }

    static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var out = [ArraySlice<UInt8>]()
        var start = bytes.startIndex
        for i in bytes.indices where bytes[i] == 10 {
            out.append(bytes[start..<i])
            start = i + 1
        }
        if start < bytes.endIndex { out.append(bytes[start...]) }
        return out
    }

    /// The length of the shortest edit script between two sequences (Myers 1986, the greedy
    /// forward search in linear space). Past `limit` edits it gives up and counts a rewrite (every
    /// line removed and added), which bounds the time on huge rewritten bodies.
    static func editDistance(_ a: ArraySlice<ArraySlice<UInt8>>, _ b: ArraySlice<ArraySlice<UInt8>>, limit: Int = 2000) -> Int {
        let n = a.count, m = b.count
        if n == 0 || m == 0 { return n + m }
        let a = Array(a), b = Array(b)
        let maxD = n + m
        var v = [Int](repeating: 0, count: 2 * maxD + 2)
        for d in 0...min(maxD, limit) {
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[maxD + k - 1] < v[maxD + k + 1]) {
                    x = v[maxD + k + 1]
                } else {
                    x = v[maxD + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[maxD + k] = x
                if x >= n, y >= m { return d }
            }
        }
        return maxD
    }
}
