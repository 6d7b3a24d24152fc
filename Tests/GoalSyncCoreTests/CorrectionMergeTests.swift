import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// Corrections and notes merge as goalsync writes them: notes added to one check-in on both sides
/// keep both lines, corrections made on both sides are both kept, and neither is a conflict.
@Suite("Correction merges")
struct CorrectionMergeTests {
    static func goal(_ checkins: [String]) throws -> Goal {
        let text = GoalText.clean(status: "active").setting("checkins", "\n" + checkins.map { "  - " + $0 }.joined(separator: "\n"))
        return Goal(document: try MarkdownDocument.parse(text.bytes))
    }

    static let c1 = "{id: c1, on: 2026-01-25, by: Ben Ode <ben@example.com>, metric: activation, value: 34"

    @Test("Notes added on both sides keep both, in the same order either way")
    func notesOnBothSides() throws {
        let base = try Self.goal([Self.c1 + ", note: first}"])
        let ours = try Self.goal([Self.c1 + ", note: \"first\\nfrom ours\"}"])
        let theirs = try Self.goal([Self.c1 + ", note: \"first\\nfrom theirs\"}"])
        let a = GoalMerge.merge(base: base, ours: ours, theirs: theirs)
        let b = GoalMerge.merge(base: base, ours: theirs, theirs: ours)
        #expect(a.conflicts.isEmpty && b.conflicts.isEmpty, "\(a.conflicts) \(b.conflicts)")
        #expect(a.goal.text == b.goal.text)
        let note = try #require(a.goal.checkins.first?.note)
        #expect(Set(note.components(separatedBy: "\n")) == ["first", "from ours", "from theirs"])
        #expect(note.hasPrefix("first\n"))
        #expect(a.goal.checkins.first?.value == 34)
        // A note first given on both sides, too.
        let bare = try Self.goal([Self.c1 + "}"])
        let n1 = try Self.goal([Self.c1 + ", note: one}"]), n2 = try Self.goal([Self.c1 + ", note: two}"])
        let m = GoalMerge.merge(base: bare, ours: n1, theirs: n2)
        #expect(m.conflicts.isEmpty)
        #expect(Set(m.goal.checkins.first?.note?.components(separatedBy: "\n") ?? []) == ["one", "two"])
    }

    @Test("A value changed on both sides is still a conflict (only goalsync's corrections are new check-ins)")
    func valuesStillConflict() throws {
        let base = try Self.goal([Self.c1 + "}"])
        let ours = try Self.goal([Self.c1.replacingOccurrences(of: "value: 34", with: "value: 35") + "}"])
        let theirs = try Self.goal([Self.c1.replacingOccurrences(of: "value: 34", with: "value: 36") + "}"])
        #expect(GoalMerge.merge(base: base, ours: ours, theirs: theirs).conflicts.map(\.field) == ["checkins.c1.value"])
    }

    @Test("Corrections of one check-in made on both sides are both kept; the later counts")
    func concurrentCorrections() throws {
        let base = try Self.goal([Self.c1 + "}"])
        let ours = try Self.goal([Self.c1 + "}", "{id: c2, on: 2026-01-25, by: Ana Ruiz <ana@example.com>, metric: activation, value: 33, supersedes: c1}"])
        let theirs = try Self.goal([Self.c1 + "}", "{id: c3, on: 2026-01-25, by: Ben Ode <ben@example.com>, metric: activation, value: 32, supersedes: c1}"])
        let m = GoalMerge.merge(base: base, ours: ours, theirs: theirs)
        #expect(m.conflicts.isEmpty)
        #expect(m.goal.checkins.map(\.id) == ["c1", "c2", "c3"])
        #expect(m.goal.effectiveCheckins.map(\.id) == ["c2", "c3"])
        #expect(GoalProgress(goal: m.goal).metrics.first?.current == 32)
    }
}
