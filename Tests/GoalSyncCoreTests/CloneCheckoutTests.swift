import Foundation
import GoalSyncTestSupport
import Testing
@testable import GoalSyncCore

/// `goalsync clone` writes the work tree and the index itself (``Cloner``): the result must be
/// git's checkout of HEAD, file for file, mode for mode, with the stat data git would record; and
/// what it flushes to disk is what git flushes by default (the received pack and its index, not
/// the work tree).
@Suite("Clone checkout")
struct CloneCheckoutTests {
    /// A remote with goals, a nested folder, an executable file and enough files that the clone
    /// writes them on several threads.
    func remoteWithManyFiles() throws -> (Team, Member) {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Raise activation from 30% to 50%", "--id", "g").requireOK("new")
        for dir in ["notes", "docs/deep/nested", "scripts"] {
            try FileManager.default.createDirectory(atPath: ana.dir + "/" + dir, withIntermediateDirectories: true)
        }
        for i in 0..<600 { try ana.write(String(format: "notes/n-%03d.txt", i), "note \(i)\n" + String(repeating: "x", count: i)) }
        try ana.write("docs/deep/nested/notes.md", "deep\n")
        try ana.write("scripts/run.sh", "#!/bin/sh\necho run\n")
        try ana.write("empty.txt", "")
        #expect(chmod(ana.dir + "/scripts/run.sh", 0o755) == 0)
        try ana.git("add", "-A").requireOK("add")
        try ana.git("commit", "-q", "--no-verify", "-m", "many files").requireOK("commit")
        try ana.git("push", "-q", "origin", "HEAD").requireOK("push")
        return (team, ana)
    }

    @Test("The clone's work tree and index are git's checkout of HEAD, stat data included")
    func cloneIsGitsCheckout() throws {
        let (team, _) = try remoteWithManyFiles()
        let ben = try team.join("Ben")
        let tracked = try ben.git("ls-tree", "-r", "--name-only", "HEAD").stdout.split(separator: "\n")
        #expect(tracked.count > 600)
        // Every tracked file staged as in HEAD (mode and blob), nothing else, nothing untracked.
        #expect(try ben.git("ls-files", "--stage").stdout == (try lsTreeAsStage(ben)))
        #expect(try ben.git("status", "--porcelain", "--ignored").stdout.isEmpty)
        // The stat data of every entry matches its file: git sees each as unchanged without reading it.
        #expect(try ben.git("diff-files", "--name-only").stdout.isEmpty)
        for path in ["scripts/run.sh", "notes/n-599.txt", "docs/deep/nested/notes.md", "empty.txt"] {
            var st = stat()
            #expect(lstat(ben.dir + "/" + path, &st) == 0)
            let debug = try ben.git("ls-files", "--debug", "--", path).stdout
            #expect(debug.contains("mtime: \(st.st_mtim.tv_sec):\(st.st_mtim.tv_nsec)"), "\(path): \(debug)")
            #expect(debug.contains("ino: \(st.st_ino)\n") && debug.contains("size: \(st.st_size)\t"), "\(path): \(debug)")
            #expect(st.st_mode & S_IFMT == S_IFREG)
            #expect(st.st_mode & 0o111 == (path == "scripts/run.sh" ? 0o111 : 0), "\(path): mode \(String(st.st_mode, radix: 8))")
        }
        for i in [0, 299, 599] {
            let path = String(format: "notes/n-%03d.txt", i)
            #expect(try ben.text(path) == "note \(i)\n" + String(repeating: "x", count: i))
        }
        #expect(try ben.git("fsck", "--no-dangling").status == 0)
    }

    /// `git ls-tree -r HEAD` in `git ls-files --stage`'s form.
    private func lsTreeAsStage(_ m: Member) throws -> String {
        try m.git("ls-tree", "-r", "HEAD").stdout.split(separator: "\n").map { line in
            let (meta, path) = (line.split(separator: "\t", maxSplits: 1)[0], line.split(separator: "\t", maxSplits: 1)[1])
            let f = meta.split(separator: " ")
            return "\(f[0]) \(f[2]) 0\t\(path)"
        }.joined(separator: "\n") + "\n"
    }

    @Test("A clone and a fetch flush the received pack and its index to disk, as git does, and not the work tree")
    func packsAreFlushedAsGitDoes() throws {
        let strace = try #require(["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                  "strace is not installed (scripts/install-deps.sh installs it)")
        let (team, ana) = try remoteWithManyFiles()
        // file:// so libgit2 receives a pack through its indexer, as from a server.
        let url = "file://" + team.remote
        let clone = try team.run(strace, ["-f", "-y", "-e", "trace=fsync,fdatasync", team.binary, "clone", url, team.base + "/Ben"], in: team.base,
                                 extra: Member(team: team, name: "Ben").identity)
        #expect(clone.status == 0, "\(clone.stderr.suffix(800))")
        let flushed = clone.stderr.split(separator: "\n").filter { $0.contains("fsync(") || $0.contains("fdatasync(") }
        #expect(flushed.contains { $0.contains(".pack>") }, "\(flushed)")
        #expect(flushed.contains { $0.contains(".idx>") }, "\(flushed)")
        #expect(flushed.contains { $0.contains("/objects/pack>") }, "\(flushed)")
        #expect(!flushed.contains { $0.contains("/notes/") || $0.contains("/goals/") || $0.contains(".git/index") }, "\(flushed)")

        try ana.goalsync("set", "g", "persona", "New admins").requireOK("set")
        try ana.goalsync("push").requireOK("push")
        let ben = Member(team: team, name: "Ben")
        let packs = Set(try FileManager.default.contentsOfDirectory(atPath: ben.dir + "/.git/objects/pack"))
        let pull = try team.run(strace, ["-f", "-y", "-e", "trace=fsync,fdatasync", team.binary, "pull"], in: ben.dir, extra: ben.identity)
        #expect(pull.status == 0, "\(pull.stderr.suffix(800))")
        let newPacks = Set(try FileManager.default.contentsOfDirectory(atPath: ben.dir + "/.git/objects/pack")).subtracting(packs)
        let received = try #require(newPacks.first { $0.hasSuffix(".pack") }, "the fetch wrote no pack: \(newPacks)")
        #expect(pull.stderr.contains(received + ">"), "\(pull.stderr.split(separator: "\n").filter { $0.contains("fsync(") })")
        #expect(try ben.text("goals/g.md").contains("persona: New admins"))
    }
}
