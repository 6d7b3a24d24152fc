import GoalSyncCore
import PropertyBased
import GoalSyncTestSupport
import Testing

/// The virtual merge base of criss-cross histories (``FileMerge/virtualBase(base:ours:theirs:kind:)``),
/// a pure function, by properties over the merge scenarios of the merge laws.
@Suite("Virtual base laws")
struct VirtualBaseTests {
    let seeds = Gen.int(in: 0...Int(Int32.max))

    @Test("a clean merge is its own virtual base; a conflicting one never has markers, whichever side is ours")
    func cleanAndSymmetric() async {
        await propertyCheck(count: 300, input: seeds) { seed in
            let s = MergeScenario(seed: seed)
            let merge = FileMerge.merge(base: bytes(s.base), ours: bytes(s.ours), theirs: bytes(s.theirs), kind: .goal)
            let a = FileMerge.virtualBase(base: bytes(s.base), ours: bytes(s.ours), theirs: bytes(s.theirs), kind: .goal)
            let b = FileMerge.virtualBase(base: bytes(s.base), ours: bytes(s.theirs), theirs: bytes(s.ours), kind: .goal)
            if merge.conflicts.isEmpty { #expect(a == merge.bytes, "seed \(seed)") }
            #expect(a == b, "not symmetric (seed \(seed))")
            #expect(!String(decoding: a ?? [], as: UTF8.self).contains("<<<<<<<"), "seed \(seed)")
        }
    }

    /// Two clones merged the same two bases (B1, B2 over B0), each keeping its own values where they
    /// conflicted, then merge each other's merge: against the virtual base, exactly the fields that
    /// conflicted between the bases conflict again (the clones settled them differently); against
    /// either real base alone, one clone's settlement would be taken silently.
    @Test("against the virtual base, only what the two clones settled differently conflicts")
    func onlyTrueConflicts() async {
        await propertyCheck(count: 300, input: seeds) { seed in
            let s = MergeScenario(seed: seed)
            let inner = FileMerge.merge(base: bytes(s.base), ours: bytes(s.ours), theirs: bytes(s.theirs), kind: .goal)
            guard let tipA = inner.bytes, let tipB = FileMerge.merge(base: bytes(s.base), ours: bytes(s.theirs), theirs: bytes(s.ours), kind: .goal).bytes else { return }
            let virtual = FileMerge.virtualBase(base: bytes(s.base), ours: bytes(s.ours), theirs: bytes(s.theirs), kind: .goal)
            let outer = FileMerge.merge(base: virtual, ours: tipA, theirs: tipB, kind: .goal)
            #expect(Set(outer.conflicts.map(\.field)) == Set(inner.conflicts.map(\.field)), "seed \(seed)")
            // Settled alike on both clones: no conflict, that settlement.
            let alike = FileMerge.merge(base: virtual, ours: tipA, theirs: tipA, kind: .goal)
            #expect(alike.conflicts.isEmpty && alike.bytes == tipA, "seed \(seed)")
        }
    }

    @Test("an edit against a deletion keeps the base's file; conflicting text lines keep the base's text")
    func wholeFiles() {
        let base = GoalText.clean(id: "g").bytes
        let edited = GoalText.clean(id: "g").setting("persona", "Someone else").bytes
        #expect(FileMerge.virtualBase(base: base, ours: edited, theirs: nil, kind: .goal) == base)
        #expect(FileMerge.virtualBase(base: base, ours: nil, theirs: edited, kind: .goal) == base)
        let text = Array("one\ntwo\nthree\n".utf8)
        let a = Array("one\nTWO\nthree\n".utf8), b = Array("one\n2\nthree\n".utf8)
        #expect(FileMerge.virtualBase(base: text, ours: a, theirs: b, kind: .text) == text)
        #expect(FileMerge.virtualBase(base: text, ours: a, theirs: text, kind: .text) == a)
    }

    @Test("a conflicting field takes the base's value, the rest merges")
    func conflictingField() throws {
        let base = GoalText.clean(id: "g")
        let ours = base.setting("title", "Ours").setting("persona", "Persona from ours")
        let theirs = base.setting("title", "Theirs").setting("why", "Why from theirs")
        let virtual = try #require(FileMerge.virtualBase(base: base.bytes, ours: ours.bytes, theirs: theirs.bytes, kind: .goal))
        let text = String(decoding: virtual, as: UTF8.self)
        #expect(text.contains("title: Raise new-admin activation from 30% to 50%"))
        #expect(text.contains("persona: Persona from ours"))
        #expect(text.contains("why: Why from theirs"))
    }
}
