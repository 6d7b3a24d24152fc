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
    /// The largest cache file read; a larger one is ignored (and rebuilt).
    static let maximumSize = 256 << 20
    private let path: String?
    private var entries: [String: BlobSummary] = [:]
    private var dirty = false

    /// An empty cache that is never saved.
    package init() { path = nil }

    /// Loads the cache of the repository whose git folder is `gitDir` (missing or damaged: empty).
    package init(gitDir: String) {
        let path = gitDir + "goalsync/status-cache"
        self.path = path
        // Missing, damaged or too large (a cache of a million goals is about 70 MiB): empty.
        guard let bytes = try? FileSystem.readRegularFile(path, limit: Self.maximumSize) else { return }
        // The pre-commit hook loads this file on every commit: read the bytes, not Characters.
        if let parsed = bytes.withUnsafeBytes({ Self.parseBytes($0) }) {
            entries = parsed
            return
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
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

    /// The entries of a cache file read byte by byte, exactly as the Character-based reading above
    /// reads them; nil (read it that way) for what bytes cannot settle alone: a `\r` (`\r\n` is one
    /// Character), a leading byte-order mark, or text that is not UTF-8.
    private static func parseBytes(_ bytes: UnsafeRawBufferPointer) -> [String: BlobSummary]? {
        guard let base = bytes.baseAddress, bytes.first != 0xEF, memchr(base, 13, bytes.count) == nil else { return nil }
        guard String(validating: bytes, as: UTF8.self) != nil else { return nil }
        func text(_ from: Int, _ to: Int) -> String { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self) }
        /// The offset of the first `byte` in `from..<to`, or `to`.
        func find(_ byte: UInt8, _ from: Int, _ to: Int) -> Int {
            guard from < to, let hit = memchr(base + from, Int32(byte), to - from) else { return to }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        var entries: [String: BlobSummary] = [:]
        var sawHeader = false
        var start = 0
        let end = bytes.count
        while start < end {
            let stop = find(10, start, end)
            defer { start = stop + 1 }
            if stop == start { continue }  // empty lines are skipped
            if !sawHeader {
                guard bytes[start..<stop].elementsEqual(header.utf8) else { return [:] }
                sawHeader = true
                entries.reserveCapacity((end - stop) / 72)
                continue
            }
            // blob \t status \t errors \t status line \t id (the id keeps any further tabs)
            let t1 = find(9, start, stop), t2 = find(9, t1 + 1, stop), t3 = find(9, t2 + 1, stop), t4 = find(9, t3 + 1, stop)
            guard t4 < stop else { continue }  // fewer than five fields
            guard let errors = Int(text(t2 + 1, t3)) else { continue }
            entries[text(start, t1)] = BlobSummary(
                id: text(t4 + 1, stop), status: text(t1 + 1, t2), errorCount: errors, statusLine: Int(text(t3 + 1, t4)))
        }
        return entries
    }

    /// Summaries read like entries but never saved nor counted as a change (see ``addTransient(_:)``).
    private var transient: [String: BlobSummary] = [:]

    /// Adds summaries that lookups find as if they were entries, but that ``save()`` leaves out:
    /// what was learned of a blob without checking it for errors. An entry set through the
    /// subscript is saved as usual.
    package func addTransient(_ summaries: [String: BlobSummary]) {
        if transient.isEmpty { transient = summaries } else { transient.merge(summaries) { _, new in new } }
    }

    package subscript(blob: String) -> BlobSummary? {
        get { entries[blob] ?? transient[blob] }
        set {
            guard entries[blob] != newValue else { return }
            entries[blob] = newValue
            dirty = true
        }
    }

    /// Writes the cache back when it changed (atomically; a failure only costs speed).
    package func save() {
        guard dirty, let path else { return }
        var out = [UInt8]()
        out.reserveCapacity(Self.header.utf8.count + 1 + entries.count * 80)
        out += Self.header.utf8
        out.append(10)
        // Without a byte 10 (9) no text holds "\n" ("\t"): most values skip the text search.
        for (k, v) in entries
        where !(v.id.utf8.contains(10) && v.id.contains("\n")) && !(v.status.utf8.contains(10) && v.status.contains("\n"))
            && !(v.status.utf8.contains(9) && v.status.contains("\t")) {
            out += k.utf8
            out.append(9)
            out += v.status.utf8
            out.append(9)
            out += String(v.errorCount).utf8
            out.append(9)
            if let line = v.statusLine { out += String(line).utf8 }
            out.append(9)
            out += v.id.utf8
            out.append(10)
        }
        try? FileSystem.writeAtomically(out, to: path)
        dirty = false
    }
}
