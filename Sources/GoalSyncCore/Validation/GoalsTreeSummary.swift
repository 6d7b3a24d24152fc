import Foundation
import GoalSyncGit

/// What the rules across files need to know of one committed `goals/` tree, without its ordinary
/// files: the files that are active, hold errors, claim an id other than their name, or are not
/// regular files ("notable" files). Every other goal file in the tree is an error-free, inactive
/// goal that owns the id of its name, so it cannot break the one-active rule or the unique ids.
///
/// Kept in `.git/goalsync/tree-summary` for the tree of HEAD's `goals/`, and carried from one HEAD
/// to the next by comparing the two trees (``FolderDiff``) and checking only the files that
/// differ. With it, the pre-commit hook reads the index, HEAD's `goals/` tree and the files the
/// commit changes, not every goal.
struct GoalsTreeSummary: Equatable {
    /// The `goals/` tree described; nil for no tree (an unborn branch, or no goals folder).
    var tree: ObjectID?
    /// The notable files, by name in `goals/`.
    var notable: [String: Entry]

    struct Entry: Equatable {
        var blob: ObjectID
        var mode: UInt32
        /// What validation learned of the blob; nil for a file that is not a regular file (a symbolic
        /// link or a submodule), which validation reports whatever its content.
        var summary: BlobSummary?

        var isSymlink: Bool { mode == 0o120000 }
    }

    static let empty = GoalsTreeSummary(tree: nil, notable: [:])

    /// Whether a file of the tree must be listed: see the type's description.
    static func isNotable(name: String, mode: UInt32, summary: BlobSummary?) -> Bool {
        guard mode == 0o100644 || mode == 0o100755, let summary else { return true }
        return summary.errorCount > 0 || summary.status == GoalStatus.active.rawValue
            || GoalPaths.id(fromPath: GoalPaths.goalsDirectory + "/" + name) != summary.id
    }

    // MARK: The file

    private static let header = "goalsync-tree-summary 2"

    static func path(gitDir: String) -> String { gitDir + "goalsync/tree-summary" }

    /// The summaries kept in the repository (HEAD's, and the one the last hook run expects the
    /// commit it checked to make); none when there are none or the file is damaged.
    static func load(gitDir: String) -> [GoalsTreeSummary] {
        guard let bytes = try? FileSystem.readRegularFile(path(gitDir: gitDir), limit: StatusCache.maximumSize),
            let text = String(validating: bytes, as: UTF8.self) else { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        // header, then per summary "tree ID", entries..., "end COUNT"; then "" (a final newline)
        guard lines.first == header[...], lines.last == "" else { return [] }
        lines = lines.dropFirst().dropLast()
        var out = [GoalsTreeSummary]()
        while let treeLine = lines.first {
            lines = lines.dropFirst()
            guard treeLine.hasPrefix("tree "), let tree = ObjectID(hex: String(treeLine.dropFirst(5))) else { return [] }
            var summary = GoalsTreeSummary(tree: tree, notable: [:])
            while true {
                guard let line = lines.first else { return [] }
                lines = lines.dropFirst()
                if line.hasPrefix("end ") {
                    guard line == "end \(summary.notable.count)"[...] else { return [] }
                    break
                }
                // name \t blob \t mode (octal) [\t status \t errors \t status line \t id]
                let f = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard f.count == 7 || f.count == 3, let blob = ObjectID(hex: String(f[1])), let mode = UInt32(f[2], radix: 8) else { return [] }
                var entry = Entry(blob: blob, mode: mode, summary: nil)
                if f.count == 7 {
                    guard let errors = Int(f[4]) else { return [] }
                    entry.summary = BlobSummary(id: String(f[6]), status: String(f[3]), errorCount: errors, statusLine: Int(f[5]))
                }
                summary.notable[String(f[0])] = entry
            }
            out.append(summary)
        }
        return out
    }

    /// Writes `summaries` (each with a tree): a temporary file renamed over the old one. Not synced
    /// to disk: a file cut short by a crash fails its `end` lines and is rebuilt, and a lost one
    /// only costs time. Summaries whose text could not be read back the same (a tab or a newline
    /// in a name) are not kept.
    static func save(_ summaries: [GoalsTreeSummary], gitDir: String) {
        let target = path(gitDir: gitDir)
        var text = header + "\n"
        for summary in summaries {
            guard let tree = summary.tree else { continue }
            let fields = summary.notable.flatMap { name, e in [name, e.summary?.id ?? "", e.summary?.status ?? ""] }
            guard !fields.contains(where: { $0.contains("\t") || $0.contains("\n") || $0.contains("\r") }) else { continue }
            text += "tree \(tree.hex)\n"
            for (name, e) in summary.notable.sorted(by: { $0.key < $1.key }) {
                text += "\(name)\t\(e.blob.hex)\t\(String(e.mode, radix: 8))"
                if let s = e.summary { text += "\t\(s.status)\t\(s.errorCount)\t\(s.statusLine.map(String.init) ?? "")\t\(s.id)" }
                text += "\n"
            }
            text += "end \(summary.notable.count)\n"
        }
        let dir = gitDir + "goalsync"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let tmp = dir + "/.tree-summary.\(getpid())"
        guard (try? Data(text.utf8).write(to: URL(fileURLWithPath: tmp))) != nil else { return }
        if rename(tmp, target) != 0 { unlink(tmp) }
    }
}
