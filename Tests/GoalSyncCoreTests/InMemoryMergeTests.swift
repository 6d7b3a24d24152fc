import GoalSyncCore
import GoalSyncGit
import GoalSyncTestSupport
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

/// The in-memory store stands in for libgit2's only if a merge plans the same over both: the same
/// trees written to each, planned, and the plans compared by content (ids differ: the in-memory
/// store's are not git's hashes).
@Suite("The in-memory store plans as libgit2's does")
struct ObjectStoreAgreementTests {
    /// A plan by content: each write as (path, bytes or nil, executable), each conflict as
    /// (path, fields).
    static func described<Store: GitObjectStore>(_ plan: TreeMerge, _ store: Store) throws -> (writes: [String], conflicts: [String], merged: [String]) {
        let writes = try plan.writes.map { w -> String in
            switch w.content {
            case .blob(let id): return "\(w.path) \(w.executable) blob " + String(decoding: try store.blob(id), as: UTF8.self)
            case .merged(let i): return "\(w.path) \(w.executable) merged " + String(decoding: plan.newBlobs[i], as: UTF8.self)
            case .removed: return "\(w.path) removed"
            }
        }
        return (writes, plan.conflicts.map { "\($0.path): \($0.conflicts.map(\.field).joined(separator: ","))" }, plan.mergedBothSides)
    }

    /// Base, ours and theirs: `count` goals; ours and theirs each edit, add and delete some, and
    /// edit a shared set in the same or different fields (a small deterministic generator).
    static func scenario(count: Int, seed: UInt64) -> (base: [String: String], ours: [String: String], theirs: [String: String]) {
        var state = seed
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var base = [String: String]()
        for i in 0..<count { base["goals/g\(i).md"] = GoalText.clean(id: "g\(i)").text }
        base["VISION.md"] = "---\nproduct: P\n---\n# Vision\n"
        var ours = base, theirs = base
        let fields = ["title", "persona", "problem", "why", "status"]
        for i in 0..<count {
            let path = "goals/g\(i).md", goal = GoalText.clean(id: "g\(i)")
            switch next(6) {
            case 0: ours[path] = goal.setting(fields[next(4)], "ours \(i)").text
            case 1: theirs[path] = goal.setting(fields[next(4)], "theirs \(i)").text
            case 2:  // both, in different fields
                ours[path] = goal.setting("title", "ours \(i)").text
                theirs[path] = goal.setting("persona", "theirs \(i)").text
            case 3:  // both, in the same field
                ours[path] = goal.setting("status", "active").text
                theirs[path] = goal.setting("status", next(2) == 0 ? "active" : "abandoned").text
            case 4: if next(2) == 0 { ours[path] = nil } else { theirs[path] = nil }
            default: break
            }
        }
        for i in 0..<next(5) { ours["goals/o\(i).md"] = GoalText.minimal(id: "o\(i)").text }
        for i in 0..<next(5) { theirs["goals/t\(i).md"] = GoalText.minimal(id: "t\(i)").text }
        theirs["notes/readme.md"] = "theirs' notes\n"
        // At least one conflict and one clean merge of both sides, whatever the draws.
        ours["goals/g0.md"] = GoalText.clean(id: "g0").setting("status", "active").text
        theirs["goals/g0.md"] = GoalText.clean(id: "g0").setting("status", "abandoned").text
        ours["goals/g1.md"] = GoalText.clean(id: "g1").setting("title", "ours 1").text
        theirs["goals/g1.md"] = GoalText.clean(id: "g1").setting("why", "theirs 1").text
        return (base, ours, theirs)
    }

    static func tree<Store: GitObjectStore>(_ store: Store, _ files: [String: String]) throws -> ObjectID {
        let paths = files.keys.sorted()
        let ids = try store.writeBlobs(paths.map { Array((files[$0] ?? "").utf8) })
        return try store.writeTree(updating: nil, with: zip(paths, ids).map { TreeMerge.Update(path: $0, blob: $1, executable: false) })
    }

    @Test("the same plans from both stores", arguments: [(count: 12, seed: 1), (count: 40, seed: 7), (count: 300, seed: 42)])
    func agree(count: Int, seed: UInt64) throws {
        let repo = try TestRepo(initialize: false)
        let git = try Repository.initialize(at: repo.root, initialHead: "main")
        let disk = LibGit2ObjectStore(git), memory = InMemoryObjectStore()
        let (base, ours, theirs) = Self.scenario(count: count, seed: seed)
        let onDisk = try TreeMerge.plan(disk, base: try Self.tree(disk, base), ours: try Self.tree(disk, ours), theirs: try Self.tree(disk, theirs))
        let inMemory = try TreeMerge.plan(memory, base: try Self.tree(memory, base), ours: try Self.tree(memory, ours), theirs: try Self.tree(memory, theirs))
        let a = try Self.described(onDisk, disk), b = try Self.described(inMemory, memory)
        #expect(a.writes == b.writes)
        #expect(a.conflicts == b.conflicts)
        #expect(a.merged == b.merged)
        #expect(!a.writes.isEmpty && !a.conflicts.isEmpty && a.merged.count >= 2, "the scenario merges and conflicts")
        // And the caller's writes give the same result tree, by content.
        let resultOnDisk = try disk.writeTree(updating: try Self.tree(disk, ours), with: try onDisk.writeBlobs(to: disk))
        let resultInMemory = try memory.writeTree(updating: try Self.tree(memory, ours), with: try inMemory.writeBlobs(to: memory))
        #expect(try Self.files(disk, resultOnDisk) == memory.files(of: resultInMemory))
    }

    static func files<Store: GitObjectStore>(_ store: Store, _ tree: ObjectID, prefix: String = "") throws -> [String: String] {
        var out = [String: String]()
        for e in try store.treeEntries(tree) {
            if e.isTree {
                out.merge(try files(store, e.id, prefix: prefix + e.name + "/")) { a, _ in a }
            } else {
                out[prefix + e.name] = String(decoding: try store.blob(e.id), as: UTF8.self)
            }
        }
        return out
    }
}
