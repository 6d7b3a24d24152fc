/// What one log entry did, in the lines `goalsync log` prints and `goalsync serve` shows: one
/// source for both, so the terminal and the browser tell the same history.
extension GoalLogEntry {
    /// How a line is shown: a terminal colours it, a page styles it.
    package enum Tone: String, Sendable {
        case plain, added, removed, dim
    }

    /// `created goals/x.md`, `title: Old → New`, `proof: + "Q3 funnel"`, `body: 2 lines added`.
    package var lines: [(text: String, tone: Tone)] {
        var out = [(text: String, tone: Tone)]()
        switch kind {
        case .created: out.append(("created \(path)", .added))
        case .deleted: out.append(("deleted \(path)", .removed))
        case .renamed: out.append(("renamed from \(renamedFrom ?? "?")", .plain))
        case .unparsable: out.append(("file did not parse: \(error ?? "unknown reason")", .removed))
        case .boundary: out.append(("history is cut here (shallow clone): the goal is shown as found, not as made here", .dim))
        case .merge: out.append(("settled in the merge:", .plain))
        case .changed: break
        }
        for c in changes {
            switch (c.old, c.new) {
            case (let o?, let n?): out.append(("\(c.field): \(o) → \(n)", .plain))
            case (nil, let n?): out.append(("\(c.field): + \(n)", .added))
            case (let o?, nil): out.append(("\(c.field): − \(o)", .removed))
            default: out.append((c.field, .plain))
            }
        }
        if let body { out.append(("body: \(body.summary)", .plain)) }
        return out
    }
}
