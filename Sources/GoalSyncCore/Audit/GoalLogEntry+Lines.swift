/// What one log entry did, in the lines `goalsync log` prints and `goalsync serve` shows: one
/// source for both, so the terminal and the browser tell the same history.
extension GoalLogEntry {
    /// How a line is shown: a terminal colours it, a page styles it.
    package enum Tone: String, Sendable {
        case plain, added, removed, dim
    }

    /// One line: `field` (nil for a line about the whole file) and what happened to it, shown as
    /// `field: text`; the tone is the text's.
    package struct Line: Sendable {
        package var field: String?
        package var text: String
        package var tone: Tone

        /// `title: Old → New`, `proof: + "Q3 funnel"`, `created goals/x.md`.
        package var display: String { field.map { "\($0): \(text)" } ?? text }
    }

    /// `created goals/x.md`, `title: Old → New`, `proof: + "Q3 funnel"`, `body: +2 −0 lines`.
    package var lines: [Line] {
        var out = [Line]()
        out.reserveCapacity(changes.count + 2)
        switch kind {
        case .created: out.append(Line(text: "created \(path)", tone: .added))
        case .deleted: out.append(Line(text: "deleted \(path)", tone: .removed))
        case .renamed: out.append(Line(text: "renamed from \(renamedFrom ?? "?")", tone: .plain))
        case .unparsable: out.append(Line(text: "file did not parse: \(error ?? "unknown reason")", tone: .removed))
        case .boundary: out.append(Line(text: "history is cut here (shallow clone): the goal is shown as found, not as made here", tone: .dim))
        case .merge: out.append(Line(text: "settled in the merge:", tone: .plain))
        case .changed: break
        }
        for c in changes {
            switch (c.old, c.new) {
            case (let o?, let n?): out.append(Line(field: c.field, text: "\(o) → \(n)", tone: .plain))
            case (nil, let n?): out.append(Line(field: c.field, text: "+ \(n)", tone: .added))
            case (let o?, nil): out.append(Line(field: c.field, text: "− \(o)", tone: .removed))
            default: out.append(Line(text: c.field, tone: .plain))
            }
        }
        if let body { out.append(Line(field: "body", text: body.summary, tone: .plain)) }
        return out
    }
}
