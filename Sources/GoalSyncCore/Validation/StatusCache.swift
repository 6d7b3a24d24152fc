import Foundation

/// What validation learned about one blob, which never changes for the same content: its id, its
/// status and how many errors it has. Kept in `.git/goalsync/status-cache` by blob id, so the
/// pre-commit hook reads only the files a commit changes, not every goal in the repository.
package struct BlobSummary: Sendable, Equatable {
    package var id: String
    package var status: String
    package var errorCount: Int
    /// The file line of `status`, for messages about the one-active rule.
    package var statusLine: Int?
}

package final class StatusCache {
    private static let header = "goalsync-status-cache 2"
    private let path: String?
    private var entries: [String: BlobSummary] = [:]
    private var dirty = false

    /// An empty cache that is never saved.
    package init() { path = nil }

    /// Loads the cache of the repository whose git folder is `gitDir` (missing or damaged: empty).
    package init(gitDir: String) {
        path = gitDir + "goalsync/status-cache"
        guard let data = FileManager.default.contents(atPath: path!), let text = String(data: data, encoding: .utf8) else { return }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)[...]
        guard lines.first.map(String.init) == Self.header else { return }
        lines = lines.dropFirst()
        entries.reserveCapacity(lines.count)
        for line in lines {
            let f = line.split(separator: "\t", maxSplits: 4, omittingEmptySubsequences: false)
            guard f.count == 5, let errors = Int(f[2]) else { continue }
            entries[String(f[0])] = BlobSummary(id: String(f[4]), status: String(f[1]), errorCount: errors, statusLine: Int(f[3]))
        }
    }

    package subscript(blob: String) -> BlobSummary? {
        get { entries[blob] }
        set {
            entries[blob] = newValue
            dirty = true
        }
    }

    /// Writes the cache back when it changed (atomically; a failure only costs speed).
    package func save() {
        guard dirty, let path else { return }
        var out = Self.header + "\n"
        out.reserveCapacity(entries.count * 80)
        for (k, v) in entries where !v.id.contains("\n") && !v.status.contains("\n") && !v.status.contains("\t") {
            out += "\(k)\t\(v.status)\t\(v.errorCount)\t\(v.statusLine.map(String.init) ?? "")\t\(v.id)\n"
        }
        try? FileSystem.writeAtomically(Array(out.utf8), to: path)
        dirty = false
    }
}
