import GoalSyncCore
import PropertyBased
import GoalSyncTestSupport
import Testing

/// Builds a base goal and two independent edits of it.
struct MergeScenario {
    var base: Goal
    var ours: Goal
    var theirs: Goal

    static let words = ["alpha", "beta", "gamma: delta", "yes", "2026-01-05", "#tag", "Ünïcode", "1e3", "quote \"x\"", "null", "plain words"]

    init(seed: Int) {
        var rng = SplitMix(seed: seed)
        var fm = YAMLMap()
        fm["id"] = .string("goal-a")
        fm["title"] = .string("Raise activation from 30% to 50%")
        fm["status"] = .string("proposed")
        fm["owner"] = .string("Ana <ana@example.com>")
        fm["persona"] = .string("New admins")
        fm["proof"] = .list((0..<Int.random(in: 0...3, using: &rng)).map { .string("proof \($0)") })
        fm["tags"] = .list((0..<Int.random(in: 0...3, using: &rng)).map { .string("tag\($0)") })
        fm["metrics"] = .list([
            .map(YAMLMap([("id", .string("m1")), ("name", .string("Activation")), ("unit", .string("percent")), ("direction", .string("increase")), ("baseline", .plain("30")), ("target", .plain("50"))])),
            .map(YAMLMap([("id", .string("m2")), ("name", .string("Churn")), ("unit", .string("percent")), ("direction", .string("decrease")), ("baseline", .plain("9")), ("target", .plain("5"))])),
        ])
        fm["checkins"] = .list([.map(YAMLMap([("id", .string("c0")), ("on", .plain("2026-01-10")), ("by", .string("Ana")), ("metric", .string("m1")), ("value", .plain("31"))]))])
        fm["x-custom"] = .string("kept")
        let body = "\n# Why\n\nline one\nline two\nline three\nline four\nline five\n"
        base = Goal(frontMatter: fm, body: body)
        ours = MergeScenario.edit(base, side: "o", rng: &rng)
        theirs = MergeScenario.edit(base, side: "t", rng: &rng)
    }

    static func edit(_ goal: Goal, side: String, rng: inout SplitMix) -> Goal {
        var fm = goal.frontMatter
        var body = goal.body
        let edits = Int.random(in: 0...4, using: &rng)
        for n in 0..<edits {
            switch Int.random(in: 0..<9, using: &rng) {
            case 0: fm["title"] = .string("Title by \(side) \(Int.random(in: 0...1, using: &rng))")
            case 1: fm["persona"] = Bool.random(using: &rng) ? nil : .string(words.randomElement(using: &rng)!)
            case 2:
                var l = fm["proof"]?.list ?? []
                l.append(.string("\(side) proof \(n) \(words.randomElement(using: &rng)!)"))
                fm["proof"] = .list(l)
            case 3:
                var l = fm["tags"]?.list ?? []
                if !l.isEmpty, Bool.random(using: &rng) { l.remove(at: Int.random(in: 0..<l.count, using: &rng)) } else { l.append(.string("\(side)tag\(n)")) }
                fm["tags"] = .list(l)
            case 4:
                var l = fm["checkins"]?.list ?? []
                l.append(.map(YAMLMap([("id", .string("\(side)c\(n)")), ("on", .plain("2026-02-0\(n + 1)")), ("by", .string(side)), ("metric", .string("m1")), ("value", .plain("\(32 + n)"))])))
                fm["checkins"] = .list(l)
            case 5:
                var l = fm["metrics"]!.list!
                let i = Int.random(in: 0..<l.count, using: &rng)
                var m = l[i].map!
                m[Bool.random(using: &rng) ? "target" : "name"] = m["direction"]?.stringValue == "increase" ? .plain("\(51 + Int.random(in: 0...2, using: &rng))") : .string("Name \(side)")
                l[i] = .map(m)
                fm["metrics"] = .list(l)
            case 6:
                var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let i = Int.random(in: 3..<8, using: &rng)
                lines[i] = "line \(i) edited by \(side)"
                body = lines.joined(separator: "\n")
            case 7: fm["x-custom"] = .string("custom \(side) \(Int.random(in: 0...1, using: &rng))")
            default:
                var l = fm["metrics"]!.list!
                l.append(.map(YAMLMap([("id", .string("\(side)m\(n)")), ("name", .string("New")), ("direction", .string("increase")), ("baseline", .plain("1")), ("target", .plain("2"))])))
                fm["metrics"] = .list(l)
            }
        }
        return Goal(frontMatter: fm, body: body)
    }
}

func bytes(_ g: Goal) -> [UInt8] { Array(g.text.utf8) }

@Suite("Merge laws")
struct MergePropertyTests {
    let seeds = Gen.int(in: 0...Int(Int32.max))

    @Test("merging with an unchanged side gives the other side, byte for byte")
    func unchangedSide() async {
        await propertyCheck(count: 300, input: seeds) { seed in
            let s = MergeScenario(seed: seed)
            let a = FileMerge.merge(base: bytes(s.base), ours: bytes(s.base), theirs: bytes(s.theirs), kind: .goal)
            #expect(a.conflicts.isEmpty)
            #expect(a.bytes == bytes(s.theirs))
            let b = FileMerge.merge(base: bytes(s.base), ours: bytes(s.ours), theirs: bytes(s.base), kind: .goal)
            #expect(b.bytes == bytes(s.ours))
        }
    }

    @Test("swapping the sides gives the same bytes and the same conflicts")
    func symmetric() async {
        await propertyCheck(count: 300, input: seeds) { seed in
            let s = MergeScenario(seed: seed)
            let a = FileMerge.merge(base: bytes(s.base), ours: bytes(s.ours), theirs: bytes(s.theirs), kind: .goal)
            let b = FileMerge.merge(base: bytes(s.base), ours: bytes(s.theirs), theirs: bytes(s.ours), kind: .goal)
            #expect(Set(a.conflicts.map(\.field)) == Set(b.conflicts.map(\.field)))
            if a.conflicts.isEmpty {
                #expect(a.bytes == b.bytes)
            }
        }
    }

    @Test("nothing added on either side is lost")
    func nothingLost() async {
        await propertyCheck(count: 300, input: seeds) { seed in
            let s = MergeScenario(seed: seed)
            let result = GoalMerge.merge(base: s.base, ours: s.ours, theirs: s.theirs).goal
            for list in ["proof", "tags"] {
                let baseItems = Set(s.base.textList(list))
                for side in [s.ours, s.theirs] {
                    for item in side.textList(list) where !baseItems.contains(item) {
                        #expect(result.textList(list).contains(item), "\(list) lost \(item) (seed \(seed))")
                    }
                }
            }
            let baseCheckins = Set(s.base.checkins.map(\.id))
            for side in [s.ours, s.theirs] {
                for c in side.checkins where !baseCheckins.contains(c.id) {
                    #expect(result.checkins.contains { $0.id == c.id }, "check-in \(c.id) lost (seed \(seed))")
                }
                for m in side.metrics where !s.base.metrics.contains(where: { $0.id == m.id }) {
                    #expect(result.metrics.contains { $0.id == m.id }, "metric \(m.id) lost (seed \(seed))")
                }
            }
        }
    }

    @Test("a conflict is reported exactly when a field changed differently on both sides")
    func conflictsExactly() async {
        await propertyCheck(count: 300, input: seeds) { seed in
            let s = MergeScenario(seed: seed)
            let result = GoalMerge.merge(base: s.base, ours: s.ours, theirs: s.theirs)
            for field in ["title", "persona", "x-custom"] {
                let b = s.base[field], o = s.ours[field], t = s.theirs[field]
                let expected = o != b && t != b && o != t
                #expect(result.conflicts.contains { $0.field == field } == expected, "\(field) (seed \(seed))")
            }
            for m in ["m1", "m2"] {
                for key in ["target", "name"] {
                    func value(_ g: Goal) -> YAMLValue? { g["metrics"]?.list?.first { $0.map?["id"]?.scalarText == m }?.map?[key] }
                    let b = value(s.base), o = value(s.ours), t = value(s.theirs)
                    let expected = o != b && t != b && o != t
                    #expect(result.conflicts.contains { $0.field == "metrics.\(m).\(key)" } == expected, "metrics.\(m).\(key) (seed \(seed))")
                }
            }
        }
    }

    @Test("merging again with nothing new changes nothing")
    func idempotent() async {
        await propertyCheck(count: 200, input: seeds) { seed in
            let s = MergeScenario(seed: seed)
            let first = FileMerge.merge(base: bytes(s.base), ours: bytes(s.ours), theirs: bytes(s.theirs), kind: .goal)
            guard first.conflicts.isEmpty, let merged = first.bytes else { return }
            let again = FileMerge.merge(base: bytes(s.theirs), ours: merged, theirs: bytes(s.theirs), kind: .goal)
            #expect(again.bytes == merged)
            let same = FileMerge.merge(base: bytes(s.base), ours: merged, theirs: merged, kind: .goal)
            #expect(same.bytes == merged)
        }
    }
}

@Suite("Merge cases")
struct MergeCaseTests {
    func goal(_ yaml: String, body: String = "\nBody\n") throws -> Goal {
        Goal(document: try MarkdownDocument.parse("---\n" + yaml + "---\n" + body))
    }

    @Test func disjointFieldsMergeCleanly() throws {
        let base = try goal("id: g\ntitle: T\nstatus: draft\npersona: P\n")
        let ours = try goal("id: g\ntitle: T2\nstatus: draft\npersona: P\n")
        let theirs = try goal("id: g\ntitle: T\nstatus: proposed\npersona: P2\n")
        let r = GoalMerge.merge(base: base, ours: ours, theirs: theirs)
        #expect(r.conflicts.isEmpty)
        #expect(r.goal.title == "T2")
        #expect(r.goal.status == .proposed)
        #expect(r.goal["persona"] == .string("P2"))
    }

    @Test func concurrentAdditionsToAListBothStay() throws {
        let base = try goal("id: g\ntitle: T\nstatus: draft\nproof:\n  - a\n")
        let ours = try goal("id: g\ntitle: T\nstatus: draft\nproof:\n  - a\n  - ours\n")
        let theirs = try goal("id: g\ntitle: T\nstatus: draft\nproof:\n  - a\n  - theirs\n")
        let r = GoalMerge.merge(base: base, ours: ours, theirs: theirs)
        #expect(r.conflicts.isEmpty)
        #expect(r.goal.textList("proof") == ["a", "ours", "theirs"])
        #expect(GoalMerge.merge(base: base, ours: theirs, theirs: ours).goal.textList("proof") == ["a", "ours", "theirs"])
    }

    @Test func removalOnOneSideIsHonoured() throws {
        let base = try goal("id: g\ntitle: T\nstatus: draft\ntags:\n  - a\n  - b\n")
        let ours = try goal("id: g\ntitle: T\nstatus: draft\ntags:\n  - b\n")
        let theirs = try goal("id: g\ntitle: T\nstatus: draft\ntags:\n  - a\n  - b\n  - c\n")
        let r = GoalMerge.merge(base: base, ours: ours, theirs: theirs)
        #expect(r.goal.textList("tags") == ["b", "c"])
    }

    @Test func sameFieldChangedDifferentlyIsAConflictKeepingOurs() throws {
        let base = try goal("id: g\ntitle: T\nstatus: draft\n")
        let ours = try goal("id: g\ntitle: Ours\nstatus: draft\n")
        let theirs = try goal("id: g\ntitle: Theirs\nstatus: draft\n")
        let r = GoalMerge.merge(base: base, ours: ours, theirs: theirs)
        #expect(r.conflicts == [FieldConflict(field: "title", base: "T", ours: "Ours", theirs: "Theirs")])
        #expect(r.goal.title == "Ours")
    }

    @Test func metricEditedAgainstDeletedIsAConflict() throws {
        let m = "metrics:\n  - {id: m, name: M, direction: increase, baseline: 1, target: 2}\n"
        let base = try goal("id: g\ntitle: T\nstatus: draft\n" + m)
        let ours = try goal("id: g\ntitle: T\nstatus: draft\n")
        let theirs = try goal("id: g\ntitle: T\nstatus: draft\nmetrics:\n  - {id: m, name: M, direction: increase, baseline: 1, target: 3}\n")
        let r = GoalMerge.merge(base: base, ours: ours, theirs: theirs)
        #expect(r.conflicts.map(\.field) == ["metrics.m"])
    }

    @Test func bodyMergesLineByLine() throws {
        let base = try goal("id: g\ntitle: T\nstatus: draft\n", body: "\na\nb\nc\nd\ne\n")
        let ours = try goal("id: g\ntitle: T\nstatus: draft\n", body: "\nA\nb\nc\nd\ne\n")
        let theirs = try goal("id: g\ntitle: T\nstatus: draft\n", body: "\na\nb\nc\nd\nE\n")
        let r = GoalMerge.merge(base: base, ours: ours, theirs: theirs)
        #expect(r.conflicts.isEmpty)
        #expect(r.goal.body == "\nA\nb\nc\nd\nE\n")
    }

    @Test func editAgainstDeletionOfTheFileIsAConflict() {
        let base = Array("---\nid: g\ntitle: T\nstatus: draft\n---\n".utf8)
        let edited = Array("---\nid: g\ntitle: T2\nstatus: draft\n---\n".utf8)
        let r = FileMerge.merge(base: base, ours: nil, theirs: edited, kind: .goal)
        #expect(r.conflicts.map(\.field) == ["(file)"])
        #expect(r.bytes == edited)
    }

    @Test func markedTextCarriesConflictMarkersThatValidationRejects() throws {
        let base = Array("---\nid: g\ntitle: T\nstatus: draft\npersona: P\n---\n".utf8)
        let ours = Array("---\nid: g\ntitle: Ours\nstatus: draft\npersona: P\n---\n".utf8)
        let theirs = Array("---\nid: g\ntitle: Theirs\nstatus: draft\npersona: Q\n---\n".utf8)
        let outcome = FileMerge.merge(base: base, ours: ours, theirs: theirs, kind: .goal)
        let marked = String(decoding: FileMerge.markedText(outcome), as: UTF8.self)
        #expect(marked.contains("<<<<<<<"))
        #expect(marked.contains("persona: Q"))
        #expect(throws: MarkdownDocument.ParseError.self) { try MarkdownDocument.parse(Array(marked.utf8)) }
    }

    @Test func orderedMergeIsSymmetric() {
        let base = ["a", "b", "c"]
        let ours = ["a", "x", "b", "c", "y"]
        let theirs = ["a", "b", "z", "c"]
        let one = OrderedMerge.merge(base: base, ours: ours, theirs: theirs)
        let two = OrderedMerge.merge(base: base, ours: theirs, theirs: ours)
        #expect(one == two)
        #expect(one == ["a", "x", "b", "z", "c", "y"])
    }
}
