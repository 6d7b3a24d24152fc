import Foundation
import GoalSyncGit

/// The checks a tree from elsewhere passes before goalsync writes any of it ("plan, then write";
/// SPEC §6: no pull ever writes outside the paths goalsync owns):
///
/// - ``checkTree(_:_:current:)``: the tree a pull or a clone checks out, checked as a whole as
///   `git fsck` (and `fetch.fsckObjects`) checks a tree: every name (``GitPathName``), every mode,
///   no duplicate names, git's order; and no symbolic link or submodule (gitlink) where the work
///   tree would have to change to hold it (goalsync writes neither).
/// - ``plan(_:workTree:)``: the list of writes itself, every path (deletions too: a bad name in
///   HEAD must not make a deletion reach outside), and no folder on the way that is a symbolic link
///   in the work tree (git's `has_symlink_leading_path`). The result, a ``WorkTreePlan``, is the only
///   thing ``Syncer/applyToWorkTree(_:)`` takes, so no write skips the check.
package enum TreePathCheck {
    /// Why a tree or a plan was refused: the entry (shown escaped) and what is wrong with it.
    package struct Refusal: Error, Sendable, Equatable {
        /// The entry's path, escaped for display (``GitPathName/display(_:)``).
        package var path: String
        /// What is wrong, as a clause ("'..' climbs out of its folder").
        package var reason: String
        /// The trouble is in the work tree (a folder that is a symbolic link), not in the tree:
        /// `reason` says what to do.
        package var inWorkTree = false
    }

    /// A tree may nest folders this deep (git's `core.maxTreeDepth` default).
    static let maximumDepth = 4096

    /// Checks every entry of tree `root` once (a subtree met twice is read once), as described on
    /// the type. `current`: the tree the work tree now holds (HEAD's): a symbolic link or gitlink
    /// that it holds at the same path, unchanged, is left alone (goalsync does not write it); nil
    /// refuses every one (a clone).
    package static func checkTree(_ repo: Repository, _ root: ObjectID, current: ObjectID?) throws {
        // An explicit stack (no recursion, whatever the depth). Each folder's links and gitlinks
        // (with paths relative to it) are kept by tree id, so a folder met again at another path
        // still has its links checked there.
        struct Folder {
            var id: ObjectID
            var name: [UInt8]
            var entries: [Tree.RawEntry]
            var next = 0
            var special = [(path: [UInt8], entry: Tree.RawEntry)]()
        }
        var specialByTree = [ObjectID: [(path: [UInt8], entry: Tree.RawEntry)]]()
        var stack = [Folder(id: root, name: [], entries: try checkedEntries(repo, root, path: []))]
        var found = [(path: [UInt8], entry: Tree.RawEntry)]()
        func path(_ name: [UInt8]) -> [UInt8] {
            var p = [UInt8]()
            for f in stack.dropFirst() { p += f.name + [UInt8(ascii: "/")] }
            return p + name
        }
        while let top = stack.last {
            guard top.next < top.entries.count else {
                stack.removeLast()
                specialByTree[top.id] = top.special
                let prefixed = top.special.map { (top.name + [UInt8(ascii: "/")] + $0.path, $0.entry) }
                if stack.isEmpty { found = top.special } else { stack[stack.count - 1].special += prefixed }
                continue
            }
            let e = top.entries[top.next]
            stack[stack.count - 1].next += 1
            if stack.count <= 2, let refusal = layoutRefusal(folder: stack.count == 1 ? [] : top.name, name: e.name, mode: e.mode) { throw refusal }
            switch e.mode {
            case 0o040000:
                if let known = specialByTree[e.id] {
                    stack[stack.count - 1].special += known.map { (e.name + [UInt8(ascii: "/")] + $0.path, $0.entry) }
                } else {
                    guard stack.count < maximumDepth else {
                        throw Refusal(path: GitPathName.display(path(e.name)), reason: "folders are nested deeper than \(maximumDepth) levels")
                    }
                    let entries = try checkedEntries(repo, e.id, path: path(e.name))
                    stack.append(Folder(id: e.id, name: e.name, entries: entries))
                }
            case 0o120000, 0o160000:
                stack[stack.count - 1].special.append((e.name, e))
            default:
                break  // a file: its name and mode were checked with its folder
            }
        }
        guard !found.isEmpty else { return }
        let currentTree = try current.map { try repo.tree($0) }
        for (bytes, e) in found {
            // A path with a name that is not UTF-8 was refused with its folder: this one decodes.
            let text = String(decoding: bytes, as: UTF8.self)
            if let currentTree, let there = try currentTree.entry(at: text), there.id == e.id,
                there.isSymlink == (e.mode == 0o120000), there.isSubmodule == (e.mode == 0o160000) {
                continue
            }
            if e.mode == 0o160000 {
                throw Refusal(path: GitPathName.display(bytes), reason: "a submodule (gitlink to commit \(e.id.short)): goalsync never writes submodules")
            }
            let target = (try? repo.blobData(e.id)).map { " to '\(GitPathName.display($0.prefix(200)))'" } ?? ""
            throw Refusal(path: GitPathName.display(bytes), reason: "a symbolic link\(target): goalsync never writes symbolic links")
        }
    }

    /// The entries goalsync reads must be what it reads there: `goals` and `.goalsync` folders,
    /// `VISION.md` and `.goalsync/config.yaml` files, and no folder named like a goal file
    /// (`goals/x.md`). Otherwise a pull would take goal files for local changes in the way, or
    /// stop on a folder it cannot merge with a file; a clone would not be a goal repository.
    /// `folder`: the path of the folder holding the entry (empty for the root). Symbolic links and
    /// submodules are left to the other checks.
    private enum Layout {
        static let goals = Array(GoalPaths.goalsDirectory.utf8), settings = Array(".goalsync".utf8)
        static let vision = Array(GoalPaths.vision.utf8), config = Array("config.yaml".utf8)
    }

    static func layoutRefusal(folder: [UInt8], name: [UInt8], mode: UInt32) -> Refusal? {
        let isFolder = mode == 0o040000, isFile = mode == 0o100644 || mode == 0o100755
        guard isFolder || isFile else { return nil }
        let goals = Layout.goals, settings = Layout.settings
        func refusal(_ reason: String) -> Refusal {
            Refusal(path: GitPathName.display(folder.isEmpty ? name : folder + [UInt8(ascii: "/")] + name), reason: reason)
        }
        if folder.isEmpty {
            if isFile, name == goals || name == settings {
                return refusal("a file where goalsync keeps its folder \(String(decoding: name, as: UTF8.self))/")
            }
            if isFolder, name == Layout.vision { return refusal("a folder where goalsync reads a file") }
        } else if isFolder, folder == goals, name.count > 3, name.suffix(3).elementsEqual(".md".utf8) {
            return refusal("a folder named like a goal file; goals/ holds one Markdown file per goal")
        } else if isFolder, folder == settings, name == Layout.config {
            return refusal("a folder where goalsync reads its settings file")
        }
        return nil
    }

    /// Checks what tree `root` holds that tree `old` does not, by the rules ``checkTree(_:_:current:)``
    /// applies to a whole tree: each folder that differs from the folder at the same path in `old`
    /// has every entry's name and mode checked (with git's order and no name twice), and each
    /// symbolic link or submodule that is new or changed is refused. What is unchanged was in `old`,
    /// so the cost follows the change (for a server checking a pushed commit against its parent).
    /// With no `old`, the whole tree is checked as a clone would (``checkTree(_:_:current:)``).
    package static func checkChanges(_ repo: Repository, _ root: ObjectID, since old: ObjectID?) throws {
        guard let old else { return try checkTree(repo, root, current: nil) }
        struct Pair: Hashable {
            var new: ObjectID
            var old: ObjectID?
        }
        var seen = Set<Pair>()
        var stack: [(pair: Pair, path: [UInt8], depth: Int)] = [(Pair(new: root, old: old), [], 0)]
        while let (pair, path, depth) = stack.popLast() {
            guard pair.new != pair.old, seen.insert(pair).inserted else { continue }
            guard depth < maximumDepth else {
                throw Refusal(path: GitPathName.display(path), reason: "folders are nested deeper than \(maximumDepth) levels")
            }
            let changed = try changedEntries(repo, (pair.new, pair.old), path: path)
            for (e, was) in changed {
                if depth <= 1, let refusal = layoutRefusal(folder: path, name: e.name, mode: e.mode) { throw refusal }
                let entryPath = path.isEmpty ? e.name : path + [UInt8(ascii: "/")] + e.name
                switch e.mode {
                case 0o040000:
                    stack.append((Pair(new: e.id, old: was?.mode == 0o040000 ? was?.id : nil), entryPath, depth + 1))
                case 0o160000:
                    throw Refusal(path: GitPathName.display(entryPath), reason: "a submodule (gitlink to commit \(e.id.short)): goalsync never writes submodules")
                case 0o120000:
                    let target = (try? repo.blobData(e.id)).map { " to '\(GitPathName.display($0.prefix(200)))'" } ?? ""
                    throw Refusal(path: GitPathName.display(entryPath), reason: "a symbolic link\(target): goalsync never writes symbolic links")
                default:
                    break
                }
            }
        }
    }

    /// The entries of folder `pair.new` that are not in `pair.old` with the same name, mode and id
    /// (each with its namesake in the old folder), after checking the folder: the changed entries'
    /// names and modes, and git's order and no name twice over every entry. Read in C
    /// (``Tree/rawDifferences(from:maximumFolders:)``) when there is an old folder, so an unchanged
    /// entry of a large folder costs no copy.
    private static func changedEntries(_ repo: Repository, _ pair: (new: ObjectID, old: ObjectID?), path: [UInt8]) throws -> [(entry: Tree.RawEntry, was: Tree.RawEntry?)] {
        func refuse(_ e: Tree.RawEntry, _ reason: String) -> Refusal {
            Refusal(path: GitPathName.display(path.isEmpty ? e.name : path + [UInt8(ascii: "/")] + e.name), reason: reason)
        }
        let tree = try repo.tree(pair.new)
        if let oldID = pair.old, let d = tree.rawDifferences(from: try repo.tree(oldID)) {
            try check(d.changed.map(\.entry), path: path)
            if let (previous, e) = d.misordered {
                throw refuse(e, previous.name == e.name ? "the name appears twice in its folder" : "the folder's entries are out of git's order (a tree git would not write)")
            }
            if let e = d.namesakeOfFolder { throw refuse(e, "the name appears twice in its folder") }
            return d.changed
        }
        // No old folder (or one with very many subfolders): every entry read and checked.
        let entries = try checkedEntries(repo, pair.new, path: path)
        let before = try pair.old.map { try repo.tree($0).rawEntries } ?? []
        var out = [(entry: Tree.RawEntry, was: Tree.RawEntry?)]()
        var j = 0
        for e in entries {
            // Both lists are in git's order: the entry of the same name, if any, is found walking on.
            while j < before.count, inGitOrder(before[j], e) { j += 1 }
            let was = j < before.count && before[j].name == e.name ? before[j] : nil
            if let was, was.id == e.id, was.mode == e.mode { continue }
            out.append((e, was))
        }
        return out
    }

    /// The entries of one tree, each name and mode checked, in git's order with no name twice.
    private static func checkedEntries(_ repo: Repository, _ id: ObjectID, path: [UInt8]) throws -> [Tree.RawEntry] {
        let entries = try repo.tree(id).rawEntries
        try check(entries, path: path)
        return entries
    }

    /// Checks a folder's entries (or some of them, in their order): each name and mode, git's
    /// order, no name twice.
    private static func check(_ entries: [Tree.RawEntry], path: [UInt8]) throws {
        func refuse(_ e: Tree.RawEntry, _ reason: String) -> Refusal {
            Refusal(path: GitPathName.display(path.isEmpty ? e.name : path + [UInt8(ascii: "/")] + e.name), reason: reason)
        }
        var previous: Tree.RawEntry?
        var folders = Set<[UInt8]>()
        for e in entries {
            if let reason = GitPathName.refusal(e.name, isSymlink: e.mode == 0o120000) { throw refuse(e, reason) }
            // git writes 040000, 100644, 100755, 120000 and 160000; other permission bits on a file
            // (100664 from old git) read as 100644, as git and libgit2 read them.
            guard e.mode == 0o040000 || e.mode == 0o120000 || e.mode == 0o160000 || e.mode & 0o170000 == 0o100000 else {
                throw refuse(e, "mode \(String(e.mode, radix: 8)) is not a file, folder, link or submodule")
            }
            if let previous, previous.name == e.name { throw refuse(e, "the name appears twice in its folder") }
            if let previous, !inGitOrder(previous, e) {
                throw refuse(e, "the folder's entries are out of git's order (a tree git would not write)")
            }
            if e.mode == 0o040000 { folders.insert(e.name) }
            previous = e
        }
        // In git's order a name appears twice only next to itself, or as a file and a folder (the
        // folder sorts as if its name ended with '/'): only a folder's name needs looking for.
        if !folders.isEmpty, let e = entries.first(where: { $0.mode != 0o040000 && folders.contains($0.name) }) {
            throw refuse(e, "the name appears twice in its folder")
        }
    }

    /// git's tree order: names compared as bytes, a folder's as if it ended with '/'.
    private static func inGitOrder(_ a: Tree.RawEntry, _ b: Tree.RawEntry) -> Bool {
        func byte(_ e: Tree.RawEntry, _ i: Int) -> Int {
            i < e.name.count ? Int(e.name[i]) : i == e.name.count && e.mode == 0o040000 ? Int(UInt8(ascii: "/")) : -1
        }
        var i = 0
        while true {
            let x = byte(a, i), y = byte(b, i)
            if x != y { return x < y }
            if x < 0 { return false }
            i += 1
        }
    }

    /// Checks the paths of `updates` (writes and deletions) and the work tree's folders on their way;
    /// returns them as a plan ``Syncer/applyToWorkTree(_:)`` accepts.
    package static func plan(_ updates: [TreeMerge.Update], workTree root: String) throws -> WorkTreePlan {
        var folders = Set<Substring>()
        for u in updates {
            for name in u.path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
                if let reason = GitPathName.refusal(name) {
                    throw Refusal(path: GitPathName.display(u.path.utf8), reason: reason)
                }
            }
            if let slash = u.path.lastIndex(of: "/") { folders.insert(u.path[..<slash]) }
        }
        // Each leading folder once, shallow ones first; under a folder that does not exist yet
        // nothing can be a link.
        var checked = [Substring: Bool]()  // folder -> exists as a real folder
        for folder in folders.sorted(by: { $0.count < $1.count }) {
            var end = folder.startIndex
            while end < folder.endIndex {
                end = folder[folder.index(after: end)...].firstIndex(of: "/") ?? folder.endIndex
                let prefix = folder[..<end]
                if let exists = checked[prefix] {
                    if !exists { break }
                    continue
                }
                var st = stat()
                guard lstat(root + "/" + prefix, &st) == 0 else {
                    checked[prefix] = false
                    break
                }
                if st.st_mode & S_IFMT == S_IFLNK {
                    throw Refusal(path: GitPathName.display(prefix.utf8), reason: "this folder is a symbolic link in your work tree, and goalsync never writes through one; replace it with a real folder (or remove it), then try again", inWorkTree: true)
                }
                checked[prefix] = st.st_mode & S_IFMT == S_IFDIR
                if checked[prefix] == false { break }
            }
        }
        return WorkTreePlan(updates: updates)
    }
}

/// Work-tree updates whose paths passed ``TreePathCheck/plan(_:workTree:)``: the only input
/// ``Syncer/applyToWorkTree(_:)`` takes.
package struct WorkTreePlan: Sendable {
    package let updates: [TreeMerge.Update]

    fileprivate init(updates: [TreeMerge.Update]) {
        self.updates = updates
    }
}
