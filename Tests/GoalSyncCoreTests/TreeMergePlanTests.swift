import GoalSyncCore
import GoalSyncGit
import GoalSyncTestSupport
import Testing

/// ``TreeMerge`` is a planner: it reads trees and blobs from a store and returns what to write
/// (paths to set or remove, the new blobs its file merges made, the conflicts); its caller writes.
/// Tested directly on small trees in an in-memory store, through a store that counts writes.
@Suite("TreeMerge plans, its caller writes")
struct TreeMergePlanTests {
    /// An in-memory store that counts what is written to it (the planner must write nothing).
    final class CountingStore: GitObjectStore {
        let inner = InMemoryObjectStore()
        var writes = 0

        func treeEntries(_ id: ObjectID) throws -> [TreeEntry] { try inner.treeEntries(id) }
        func blob(_ id: ObjectID) throws -> [UInt8] { try inner.blob(id) }
        func concurrentMap<T, R>(_ items: [T], perWorker: Int, _ transform: (CountingStore, T) -> R) -> [R] { items.map { transform(self, $0) } }
        func commitTree(_ id: ObjectID) throws -> ObjectID { try inner.commitTree(id) }
        func commitTime(_ id: ObjectID) throws -> Int64 { try inner.commitTime(id) }
        func mergeBases(_ a: ObjectID, _ b: ObjectID) throws -> [ObjectID] { try inner.mergeBases(a, b) }
        func mergeBases(of one: ObjectID, and others: [ObjectID]) throws -> [ObjectID] { try inner.mergeBases(of: one, and: others) }
        func emptyTree() throws -> ObjectID { try inner.emptyTree() }
        func writeBlobs(_ contents: [[UInt8]]) throws -> [ObjectID] {
            writes += contents.count
            return try inner.writeBlobs(contents)
        }
        func writeTree(updating base: ObjectID?, with updates: [TreeMerge.Update]) throws -> ObjectID {
            writes += 1
            return try inner.writeTree(updating: base, with: updates)
        }
        func writeCommit(tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String) throws -> ObjectID {
            writes += 1
            return try inner.writeCommit(tree: tree, parents: parents, author: author, committer: committer, message: message)
        }

        func tree(_ files: [String: String]) throws -> ObjectID { try inner.tree(files: files) }
        func id(of text: String) throws -> ObjectID { try inner.writeBlob(Array(text.utf8)) }
    }

    static let goal = GoalText.clean(id: "g")
    static let other = GoalText.clean(id: "h")

    /// Plans the merge of `theirs` into `ours` against `base` and checks that planning wrote nothing.
    static func plan(_ store: CountingStore, base: [String: String]?, ours: [String: String], theirs: [String: String]) throws -> TreeMerge {
        let b = try base.map { try store.tree($0) }, o = try store.tree(ours), t = try store.tree(theirs)
        let before = store.writes
        let plan = try TreeMerge.plan(store, base: b, ours: o, theirs: t)
        #expect(store.writes == before, "planning wrote to the store")
        return plan
    }

    @Test("a file changed on their side only is taken as their blob, with no new blob")
    func theirsOnly() throws {
        let store = CountingStore()
        let edited = Self.goal.setting("title", "Raise activation to 60%").text
        let plan = try Self.plan(store, base: ["goals/g.md": Self.goal.text, "VISION.md": "v"],
                                 ours: ["goals/g.md": Self.goal.text, "VISION.md": "v2"],
                                 theirs: ["goals/g.md": edited, "VISION.md": "v"])
        #expect(plan.writes == [TreeMerge.Write(path: "goals/g.md", content: .blob(try store.id(of: edited)), executable: false)])
        #expect(plan.newBlobs.isEmpty)
        #expect(plan.conflicts.isEmpty)
        #expect(plan.mergedBothSides.isEmpty)
    }

    @Test("different fields of one goal changed on each side: one merged blob with both, planned, not written")
    func bothSidesCleanly() throws {
        let store = CountingStore()
        let ours = Self.goal.setting("title", "Raise activation to 60%").text
        let theirs = Self.goal.setting("persona", "Admins of small workspaces").text
        let plan = try Self.plan(store, base: ["goals/g.md": Self.goal.text], ours: ["goals/g.md": ours], theirs: ["goals/g.md": theirs])
        #expect(plan.writes == [TreeMerge.Write(path: "goals/g.md", content: .merged(0), executable: false)])
        #expect(plan.conflicts.isEmpty)
        #expect(plan.mergedBothSides == ["goals/g.md"])
        let merged = String(decoding: try #require(plan.newBlobs.first), as: UTF8.self)
        #expect(merged.contains("title: Raise activation to 60%"))
        #expect(merged.contains("persona: Admins of small workspaces"))

        // The caller writes: the merged blob gets its id, and the store now holds it.
        let updates = try plan.writeBlobs(to: store)
        #expect(store.writes == 1)
        let update = try #require(updates.first)
        #expect(updates.count == 1 && update.path == "goals/g.md")
        #expect(try store.blob(try #require(update.blob)) == plan.newBlobs[0])
    }

    @Test("the same field changed to different values: a conflict, the merged file with ours' value")
    func conflict() throws {
        let store = CountingStore()
        let ours = Self.goal.setting("status", "active").text
        let theirs = Self.goal.setting("status", "abandoned").text
        let plan = try Self.plan(store, base: ["goals/g.md": Self.goal.text], ours: ["goals/g.md": ours], theirs: ["goals/g.md": theirs])
        let file = try #require(plan.conflicts.first)
        #expect(plan.conflicts.count == 1 && file.path == "goals/g.md")
        #expect(file.conflicts.map(\.field) == ["status"])
        #expect(file.conflicts.first?.ours == "active" && file.conflicts.first?.theirs == "abandoned")
        let oursID = try store.id(of: ours), theirsID = try store.id(of: theirs)
        #expect(file.ours == oursID && file.theirs == theirsID)
        // Ours decides the conflicting field in the merged file (written out by goalsync's writer).
        #expect(plan.writes == [TreeMerge.Write(path: "goals/g.md", content: .merged(0), executable: false)])
        let merged = String(decoding: try #require(plan.newBlobs.first), as: UTF8.self)
        #expect(merged.contains("\nstatus: active\n") && !merged.contains("abandoned"))
    }

    @Test("both sides made the same change: nothing to write")
    func sameChange() throws {
        let store = CountingStore()
        let edited = Self.goal.setting("title", "Same on both sides").text
        let plan = try Self.plan(store, base: ["goals/g.md": Self.goal.text], ours: ["goals/g.md": edited], theirs: ["goals/g.md": edited])
        #expect(plan.writes.isEmpty && plan.newBlobs.isEmpty && plan.conflicts.isEmpty)
    }

    @Test("an add on their side and a delete on their side of a file ours did not touch")
    func addAndDelete() throws {
        let store = CountingStore()
        let plan = try Self.plan(store, base: ["goals/g.md": Self.goal.text, "goals/old.md": "x"],
                                 ours: ["goals/g.md": Self.goal.text, "goals/old.md": "x"],
                                 theirs: ["goals/g.md": Self.goal.text, "goals/h.md": Self.other.text])
        #expect(plan.writes == [
            TreeMerge.Write(path: "goals/h.md", content: .blob(try store.id(of: Self.other.text)), executable: false),
            TreeMerge.Write(path: "goals/old.md", content: .removed, executable: false),
        ])
        #expect(plan.conflicts.isEmpty)
    }

    @Test("a goal edited on our side and deleted on theirs is a conflict that keeps the edit")
    func editAgainstDelete() throws {
        let store = CountingStore()
        let ours = Self.goal.setting("title", "Kept").text
        let plan = try Self.plan(store, base: ["goals/g.md": Self.goal.text, "VISION.md": "v"], ours: ["goals/g.md": ours, "VISION.md": "v"], theirs: ["VISION.md": "v"])
        #expect(plan.conflicts.map(\.path) == ["goals/g.md"])
        #expect(plan.conflicts.first?.conflicts.map(\.field) == ["(file)"])
        #expect(plan.writes.isEmpty, "ours' edit stays in the file until the conflict is settled")
    }

    @Test("a file replaced by a folder on their side: the file removed, the folder's files added")
    func fileToFolder() throws {
        let store = CountingStore()
        let plan = try Self.plan(store, base: ["notes": "a"], ours: ["notes": "a"], theirs: ["notes/one.md": "1", "notes/two.md": "2"])
        #expect(plan.writes == [
            TreeMerge.Write(path: "notes", content: .removed, executable: false),
            TreeMerge.Write(path: "notes/one.md", content: .blob(try store.id(of: "1")), executable: false),
            TreeMerge.Write(path: "notes/two.md", content: .blob(try store.id(of: "2")), executable: false),
        ])
    }

    @Test("a checkout is the plan of theirs over the empty tree: every file, nothing merged")
    func checkout() throws {
        let store = CountingStore()
        let empty = try store.emptyTree()
        let tree = try store.tree(["goals/g.md": Self.goal.text, "VISION.md": "v"])
        let before = store.writes
        let plan = try TreeMerge.plan(store, base: nil, ours: empty, theirs: tree)
        #expect(store.writes == before)
        #expect(plan.writes.map(\.path) == ["VISION.md", "goals/g.md"])
        #expect(plan.newBlobs.isEmpty && plan.conflicts.isEmpty)
        let result = try store.writeTree(updating: empty, with: try plan.writeBlobs(to: store))
        #expect(result == tree)
    }
}
