import CLibgit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file directly inside one folder whose staged version differs from a tree's, by name.
public struct FolderChange: Sendable, Hashable {
    /// The file's name inside the folder.
    public let name: String
    /// Its id and mode in the tree (nil: added) and in the index (nil: removed).
    public let old: Side?
    public let new: Side?

    public struct Side: Sendable, Hashable {
        public let id: ObjectID
        public let mode: UInt32
        public var isSymlink: Bool { mode == UInt32(GIT_FILEMODE_LINK.rawValue) }
    }
}

/// Compares what the index stages in one folder with a tree of that folder (HEAD's), in one pass
/// over both sorted listings in place: only the files that differ are copied out, so the cost
/// stays small however many files the folder holds.
public enum FolderDiff {
    /// The stage-0 index entries `folder/NAME` (NAME ending with `suffix`, with no further slash)
    /// that differ from `tree`'s files of the same names (nil: an empty folder) by id or mode, or
    /// exist on one side only; and how many such files the index holds.
    public static func changes(from tree: Tree?, to index: some IndexEntries, folder: String, suffix: String)
        -> (changes: [FolderChange], indexFileCount: Int)
    {
        let suffixBytes = Array(suffix.utf8)
        var cursor = TreeCursor(tree: tree, suffix: suffixBytes)
        var changes = [FolderChange]()
        var fileCount = 0
        var treeEntry = cursor.next()
        forEachEntry(in: folder, of: index) { e, name in
            // Conflict stages and `git add -N` entries are not in the next commit.
            guard e.stage == 0, !e.isIntentToAdd, strchr(name, 0x2F) == nil, hasSuffix(name, suffixBytes) else { return true }
            fileCount += 1
            // The tree's files that sort before this one are not staged any more.
            while let t = treeEntry, strcmp(git_tree_entry_name(t), name) < 0 {
                changes.append(FolderChange(name: String(cString: git_tree_entry_name(t)), old: TreeCursor.side(t), new: nil))
                treeEntry = cursor.next()
            }
            if let t = treeEntry, strcmp(git_tree_entry_name(t), name) == 0 {
                if memcmp(e.id, git_tree_entry_id(t), 20) != 0 || e.mode != UInt32(git_tree_entry_filemode(t).rawValue) {
                    changes.append(FolderChange(name: String(cString: name), old: TreeCursor.side(t), new: .init(id: e.objectID, mode: e.mode)))
                }
                treeEntry = cursor.next()
            } else {
                changes.append(FolderChange(name: String(cString: name), old: nil, new: .init(id: e.objectID, mode: e.mode)))
            }
            return true
        }
        while let t = treeEntry {
            changes.append(FolderChange(name: String(cString: git_tree_entry_name(t)), old: TreeCursor.side(t), new: nil))
            treeEntry = cursor.next()
        }
        return (changes, fileCount)
    }

    /// The id of the tree git will write for `folder` from this index: `git_odb_hash` of the
    /// folder's stage-0 entries in git's tree format ("<mode in octal> <name>\0<20-byte id>"...).
    /// Nil when the folder holds subfolders or conflicts (or nothing). Reads only the index: it
    /// may run on another thread than the one using the repository.
    public static func stagedTreeID(of index: some IndexEntries, folder: String) -> ObjectID? {
        var treeObject = GrowingBuffer()
        var valid = true
        var lastMode: UInt32 = 0o100644, lastModeText = Array("100644 ".utf8)
        forEachEntry(in: folder, of: index) { e, name in
            if e.isIntentToAdd { return true }  // git writes no tree entry for it
            guard e.stage == 0, strchr(name, 0x2F) == nil else {
                valid = false
                return false
            }
            if e.mode != lastMode { (lastMode, lastModeText) = (e.mode, Array((String(e.mode, radix: 8) + " ").utf8)) }
            lastModeText.withUnsafeBytes { treeObject.append($0.baseAddress!, $0.count) }
            treeObject.append(name, strlen(name) + 1)
            treeObject.append(e.id, 20)
            return true
        }
        guard valid, treeObject.count > 0 else { return nil }
        var oid = git_oid()
        guard git_odb_hash(&oid, treeObject.bytes, treeObject.count, GIT_OBJECT_TREE) == 0 else {
            git_error_clear()
            return nil
        }
        return ObjectID(oid)
    }

    /// Calls `body` with each index entry under `folder/` and its path after that prefix, in the
    /// index's order (the folder's entries are contiguous), until `body` returns false.
    private static func forEachEntry(in folder: String, of index: some IndexEntries, _ body: (IndexEntryView, UnsafePointer<CChar>) -> Bool) {
        let prefix = Array((folder + "/").utf8CString.dropLast())
        prefix.withUnsafeBufferPointer { prefix in
            index.forEachEntry { e in
                let order = strncmp(e.path, prefix.baseAddress!, prefix.count)
                if order < 0 { return true }  // before the folder
                if order > 0 { return false }  // past it
                return body(e, e.path + prefix.count)
            }
        }
    }

    fileprivate static func hasSuffix(_ name: UnsafePointer<CChar>, _ suffix: [UInt8]) -> Bool {
        let n = strlen(name)
        guard n >= suffix.count else { return false }
        return suffix.withUnsafeBufferPointer { s in memcmp(name + (n - s.count), s.baseAddress!, s.count) == 0 }
    }
}

/// Bytes appended with `memcpy`, for building a large object entry by entry.
private struct GrowingBuffer: ~Copyable {
    private var storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
    private(set) var count = 0

    var bytes: UnsafeRawPointer { UnsafeRawPointer(storage.baseAddress!) }

    mutating func append(_ source: UnsafeRawPointer, _ length: Int) {
        if count + length > storage.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(2 * storage.count, count + length), alignment: 8)
            bigger.baseAddress!.copyMemory(from: storage.baseAddress!, byteCount: count)
            storage.deallocate()
            storage = bigger
        }
        (storage.baseAddress! + count).copyMemory(from: source, byteCount: length)
        count += length
    }

    deinit { storage.deallocate() }
}

/// Walks a tree's entries that are not trees and whose names end with a suffix. Git orders a
/// tree's entries by name, a subtree as if its name ended with `/`; among files that is byte
/// order, which is the index's order too.
private struct TreeCursor {
    let tree: Tree?
    let count: Int
    let suffix: [UInt8]
    var position = 0

    init(tree: Tree?, suffix: [UInt8]) {
        self.tree = tree
        self.suffix = suffix
        count = tree.map { git_tree_entrycount($0.pointer) } ?? 0
    }

    mutating func next() -> OpaquePointer? {
        guard let tree else { return nil }
        while position < count {
            defer { position += 1 }
            guard let e = git_tree_entry_byindex(tree.pointer, position) else { continue }
            if git_tree_entry_filemode(e) != GIT_FILEMODE_TREE, FolderDiff.hasSuffix(git_tree_entry_name(e), suffix) { return e }
        }
        return nil
    }

    static func side(_ e: OpaquePointer) -> FolderChange.Side {
        FolderChange.Side(id: ObjectID(git_tree_entry_id(e)), mode: UInt32(git_tree_entry_filemode(e).rawValue))
    }
}
