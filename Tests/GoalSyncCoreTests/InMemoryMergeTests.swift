import GoalSyncCore
import GoalSyncGit
import Testing

/// The merge of two commits as a pull makes it (``VirtualBase`` for the base, ``TreeMerge`` for
/// the plan, the blobs and the result tree written by the caller), over ``InMemoryObjectStore``:
/// histories built in memory, no libgit2, no disk.
@Suite("Merging commits in an in-memory repository")
struct InMemoryMergeTests {
    /// A history built commit by commit, with goal files as text.
    final class History {
        let store = InMemoryObjectStore()
        private var clock: Int64 = 1_700_000_000

        func commit(_ files: [String: String], parents: [ObjectID] = []) throws -> ObjectID {
            clock += 60
            return try store.commit(tree: try store.tree(files: files), parents: parents, time: clock)
        }

        /// The merge of `theirs` into `ours` as `Syncer.integrate` makes it in objects: the base
        /// (virtual after criss-cross merges), the plan, then the caller's writes.
        func merge(ours: ObjectID, theirs: ObjectID) throws -> (base: VirtualBase, plan: TreeMerge, files: [String: String]) {
            let base = try VirtualBase.of(store, ours: ours, theirs: theirs)
            let oursTree = try store.commitTree(ours)
            let plan = try TreeMerge.plan(store, base: base.tree, ours: oursTree, theirs: try store.commitTree(theirs))
            let result = try store.writeTree(updating: oursTree, with: try plan.writeBlobs(to: store))
            return (base, plan, try store.files(of: result))
        }
    }

    static let g = GoalText.clean(id: "g"), h = GoalText.clean(id: "h")

    @Test("two sides editing different fields of one goal merge cleanly, each way round")
    func differentFields() throws {
        let history = History()
        let base = try history.commit(["goals/g.md": Self.g.text])
        let ours = try history.commit(["goals/g.md": Self.g.setting("title", "Raise activation to 60%").text], parents: [base])
        let theirs = try history.commit(["goals/g.md": Self.g.setting("persona", "Admins of small workspaces").text], parents: [base])
        for (a, b) in [(ours, theirs), (theirs, ours)] {
            let merge = try history.merge(ours: a, theirs: b)
            #expect(merge.base.commits == [base] && !merge.base.isVirtual)
            #expect(merge.plan.conflicts.isEmpty)
            let text = try #require(merge.files["goals/g.md"])
            #expect(text.contains("title: Raise activation to 60%") && text.contains("persona: Admins of small workspaces"))
        }
    }

    @Test("one goal's status set differently on each side is a conflict on status")
    func statusConflict() throws {
        let history = History()
        let base = try history.commit(["goals/g.md": Self.g.text])
        let ours = try history.commit(["goals/g.md": Self.g.setting("status", "active").text], parents: [base])
        let theirs = try history.commit(["goals/g.md": Self.g.setting("status", "abandoned").text], parents: [base])
        let merge = try history.merge(ours: ours, theirs: theirs)
        #expect(merge.plan.conflicts.map(\.path) == ["goals/g.md"])
        #expect(merge.plan.conflicts.first?.conflicts.map(\.field) == ["status"])
        #expect(merge.files["goals/g.md"]?.contains("status: active") == true, "ours decides until settled")
    }

    @Test("two goals activated, one on each side: no file conflict, and the result holds both active")
    func bothActivated() throws {
        // Each file merges cleanly; the one-active rule is the validation's, which integrate runs on
        // this result tree and which stops the pull with an active_conflict (StoppedPullTests).
        let history = History()
        let base = try history.commit(["goals/g.md": Self.g.text, "goals/h.md": Self.h.text])
        let ours = try history.commit(["goals/g.md": Self.g.setting("status", "active").text, "goals/h.md": Self.h.text], parents: [base])
        let theirs = try history.commit(["goals/g.md": Self.g.text, "goals/h.md": Self.h.setting("status", "active").text], parents: [base])
        let merge = try history.merge(ours: ours, theirs: theirs)
        #expect(merge.plan.conflicts.isEmpty)
        #expect(merge.plan.mergedBothSides.isEmpty, "each goal changed on one side only")
        let active = merge.files.filter { $0.value.contains("\nstatus: active\n") }.keys.sorted()
        #expect(active == ["goals/g.md", "goals/h.md"])
    }

    @Test("a goal added on our side and another deleted on theirs: the result has the one and not the other")
    func addAndDelete() throws {
        let history = History()
        let base = try history.commit(["goals/g.md": Self.g.text, "goals/h.md": Self.h.text])
        let ours = try history.commit(["goals/g.md": Self.g.text, "goals/h.md": Self.h.text, "goals/new.md": GoalText.minimal(id: "new").text], parents: [base])
        let theirs = try history.commit(["goals/g.md": Self.g.text], parents: [base])
        let merge = try history.merge(ours: ours, theirs: theirs)
        #expect(merge.plan.conflicts.isEmpty)
        #expect(merge.plan.writes == [TreeMerge.Write(path: "goals/h.md", content: .removed, executable: false)])
        #expect(merge.files.keys.sorted() == ["goals/g.md", "goals/new.md"])
    }

    @Test("after a criss-cross merge, the virtual base keeps fields nobody touched since from conflicting")
    func crissCross() throws {
        // base → a (title) and b (persona); each side merged the other's (m1, m2 hold both), then
        // ours changed why and theirs the problem. Bases of the last two: a and b (merged into a
        // virtual base holding title and persona): only why and problem changed, no conflict.
        let history = History()
        let base = try history.commit(["goals/g.md": Self.g.text])
        let titled = Self.g.setting("title", "T2"), both = titled.setting("persona", "P2")
        let a = try history.commit(["goals/g.md": titled.text], parents: [base])
        let b = try history.commit(["goals/g.md": Self.g.setting("persona", "P2").text], parents: [base])
        let m1 = try history.commit(["goals/g.md": both.text], parents: [a, b])
        let m2 = try history.commit(["goals/g.md": both.text], parents: [b, a])
        let ours = try history.commit(["goals/g.md": both.setting("why", "W3").text], parents: [m1])
        let theirs = try history.commit(["goals/g.md": both.setting("problem", "X3").text], parents: [m2])
        let merge = try history.merge(ours: ours, theirs: theirs)
        #expect(merge.base.isVirtual && Set(merge.base.commits) == [a, b])
        #expect(merge.plan.conflicts.isEmpty)
        let text = try #require(merge.files["goals/g.md"])
        for line in ["title: T2", "persona: P2", "why: W3", "problem: X3"] { #expect(text.contains(line), "\(line)") }
    }

    @Test("commits with no common history merge against an empty base")
    func unrelated() throws {
        let history = History()
        let ours = try history.commit(["goals/g.md": Self.g.text])
        let theirs = try history.commit(["goals/h.md": Self.h.text])
        let merge = try history.merge(ours: ours, theirs: theirs)
        #expect(merge.base.commits.isEmpty && merge.base.tree == nil)
        #expect(merge.files.keys.sorted() == ["goals/g.md", "goals/h.md"])
    }
}
