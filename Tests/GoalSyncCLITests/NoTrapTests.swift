import Foundation
import GoalSyncCore
import GoalSyncGit
import GoalSyncTestSupport
import Testing

/// No input reaches a trap: the environment (`GIT_*_DATE`), goalsync's own state under
/// `.git/goalsync/` in any shape, a commit's header from a remote, and the programs goalsync runs
/// (the team's pre-commit hook) each give a clear one-line error or work, never a stack trace or a
/// hang. Everything runs the built binary, as a person would.
@Suite("No input reaches a trap")
struct NoTrapTests {
    // MARK: GIT_AUTHOR_DATE / GIT_COMMITTER_DATE

    /// The raw `author` line git writes for `date`, or nil when git refuses it.
    func gitsAuthorLine(_ repo: TestRepo, date: String) throws -> String? {
        let tree = try repo.gitOutput("rev-parse", "HEAD^{tree}")
        let made = try repo.git(["commit-tree", "-m", "probe", tree], env: ["GIT_AUTHOR_DATE": date])
        guard made.status == 0 else { return nil }
        let commit = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return try repo.gitOutput("cat-file", "commit", commit).split(separator: "\n").first { $0.hasPrefix("author ") }.map(String.init)
    }

    /// Every form of date people and tools write that git accepts gives the commit the same time
    /// and offset as git gives it (git's own format keeps an offset like +9900 as it is).
    @Test func dateFormsGitAcceptsGiveGitsTime() throws {
        let repo = try TestRepo()
        let forms = [
            "@1700000000 +0100", "1700000000 +0100", "@1700000000", "@1700000000 +9900", "@1700000000 -0230",
            "Mon, 5 Jan 2026 10:00:00 +0100", "Mon, 05 Jan 2026 10:00:00 -0800 (PST)", "5 Jan 2026 10:00:00 GMT",
            "2026-01-05T10:00:00+0000", "2026-01-05T10:00:00+01:00", "2026-01-05 10:00:00 +0100", "2026-01-05T10:00:00.123Z",
            "2026-01-05T10:00:00-0130", "2026-01-05 10:00 +0100", "2026-01-05T10:00:00", "2024-02-29T23:59:59Z",
        ]
        for (n, date) in forms.enumerated() {
            let expected = try #require(try gitsAuthorLine(repo, date: date), "git refuses \(date)")
            let r = try repo.goalsync(["new", "Goal number \(n)", "--id", "g\(n)"], env: ["GIT_AUTHOR_DATE": date])
            #expect(r.status == 0, "\(date): \(r)")
            let line = try repo.gitOutput("cat-file", "commit", "HEAD").split(separator: "\n").first { $0.hasPrefix("author ") }.map(String.init)
            #expect(line == expected, "\(date)")
        }
    }

    /// A date git refuses (or that is not one: an offset 99 hours from UTC, a month 13, a
    /// timestamp past Int64) is one line naming the variable and what to do, exit 2, no commit;
    /// before, `+9900` in ISO form crashed goalsync (`TimeZone(secondsFromGMT:)!`).
    @Test(arguments: [
        ("GIT_AUTHOR_DATE", "2026-01-05T10:00:00+9900"), ("GIT_AUTHOR_DATE", "garbage"),
        ("GIT_AUTHOR_DATE", "2026-13-45T10:00:00Z"), ("GIT_AUTHOR_DATE", "@99999999999999999999 +0000"),
        ("GIT_AUTHOR_DATE", "2026-02-30 10:00:00"), ("GIT_AUTHOR_DATE", "Mon, 5 Jan 2026 10:00:00 +2500"),
        ("GIT_AUTHOR_DATE", "@1700000000 +01x0"), ("GIT_AUTHOR_DATE", "2026-01-05T25:00:00Z"),
        ("GIT_COMMITTER_DATE", "2026-01-05T10:00:00-9959"), ("GIT_COMMITTER_DATE", "\u{1}\u{7f}\u{1b}[2J"),
    ])
    func aDateThatIsNotOneIsAClearError(variable: String, date: String) throws {
        let repo = try TestRepo()
        let before = try repo.commitCount()
        let r = try repo.goalsync(["new", "A goal"], env: [variable: date])
        expectCleanFailure(r, exit: 2, mentioning: variable)
        #expect(r.stderr.contains("unset it"), "\(r)")
        #expect(try repo.commitCount() == before)
    }

    // MARK: Times in commits from a remote

    /// A commit whose author time is past what any calendar holds (9223372036854775807, or
    /// -9223372036854775808) is shown as git shows a date it cannot represent; the audit commands
    /// that turn times into dates do not overflow.
    @Test(arguments: ["9223372036854775807 +0000", "-9223372036854775808 -9959", "99999999999 +9959"])
    func aCommitTimeBeyondAnyCalendarDoesNotOverflow(_ when: String) throws {
        let repo = try TestRepo()
        _ = try repo.newGoal(id: "g")
        let head = try repo.gitOutput("rev-parse", "HEAD")
        try repo.write("goals/g.md", try repo.read("goals/g.md").replacingOccurrences(of: "status: draft", with: "status: proposed"))
        try repo.git("add", "goals/g.md").requireOK("add")
        let tree = try repo.gitOutput("write-tree")
        let text = "tree \(tree)\nparent \(head)\nauthor Mallory <m@example.com> \(when)\ncommitter Mallory <m@example.com> \(when)\n\nfrom the future\n"
        let input = repo.path("commit.txt")
        try Data(text.utf8).write(to: URL(fileURLWithPath: input))
        let commit = try repo.gitOutput("hash-object", "-t", "commit", "-w", "--literally", input)
        try repo.git("update-ref", "refs/heads/main", commit).requireOK("update-ref")
        try repo.git("reset", "-q", "--hard").requireOK("reset")
        for args in [["log", "g"], ["blame", "g"], ["contributors"], ["report"], ["log", "g", "--json"], ["status"], ["show", "g"]] {
            let r = try repo.goalsync(args)
            expectNoCrash(r)
            #expect(r.status == 0, "\(args): \(r)")
        }
    }

    // MARK: .git/goalsync/merge.json

    /// Ways a state file can be damaged: by a disk, an editor, a person, a crash of another tool.
    static let damage: [String] = ["empty", "truncated", "not json", "wrong types", "not an id", "binary", "deep nesting", "huge", "folder", "fifo", "symlink"]

    /// Puts `kind` of damage at `path` (replacing whatever is there), from the file's intact `bytes`.
    static func damage(_ kind: String, at path: String, intact bytes: [UInt8]) throws {
        let fm = FileManager.default
        if FileSystem.isDirectory(path) { try fm.removeItem(atPath: path) } else { unlink(path) }
        func write(_ b: [UInt8]) throws { try Data(b).write(to: URL(fileURLWithPath: path)) }
        switch kind {
        case "empty": try write([])
        case "truncated": try write(Array(bytes.prefix(bytes.count / 2)))
        case "not json": try write(Array("{ not json".utf8))
        case "wrong types": try write(Array(#"{"ours": 5, "theirs": [], "touched": "x", "conflicts": {}, "source": null, "message": 1, "reference": 2}"#.utf8))
        case "not an id":
            // The file's own shape, with every commit id replaced by text that is not one.
            var text = String(decoding: bytes, as: UTF8.self)
            for hex in Swift.Set(text.matches(of: #/[0-9a-f]{40}/#).map { String($0.output) }) { text = text.replacingOccurrences(of: hex, with: "not-a-commit-id") }
            try write(Array(text.utf8))
        case "binary": try write((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131) })
        case "deep nesting": try write(Array(repeating: UInt8(ascii: "["), count: 200_000))
        case "huge":
            // 300 MiB, sparse: over every state file's limit without using the disk.
            try write([])
            #expect(truncate(path, 300 << 20) == 0)
        case "folder": try fm.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
        case "fifo": #expect(mkfifo(path, 0o644) == 0)
        case "symlink": try fm.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
        default: Issue.record("unknown damage \(kind)")
        }
    }

    /// Whatever `.git/goalsync/merge.json` holds, the commands that read it give one clear line
    /// naming the file and `goalsync pull --abort` (exit 2), none crashes or hangs, and
    /// `pull --abort` then returns the clone to before the pull.
    @Test(arguments: damage)
    func aDamagedMergeStateNamesTheFileAndTheWayOut(_ kind: String) throws {
        let (_, _, ben) = try StoppedPullTests().statusConflict(benCloses: false)
        let before = try ben.state()
        #expect(try ben.goalsync("pull").status == 1)
        let path = ben.dir + "/.git/goalsync/merge.json"
        try Self.damage(kind, at: path, intact: try ben.file(".git/goalsync/merge.json"))
        for args in [["resolve", "g", "status", "--ours"], ["resolve", "--all", "--theirs"], ["resolve", "--active", "g"], ["pull", "--continue"], ["status"]] {
            let r = try ben.goalsync(args)
            expectCleanFailure(r, exit: 2, mentioning: "merge.json")
            #expect(r.stderr.contains("goalsync pull --abort"), "\(kind) \(args): \(r)")
        }
        let refused = try ben.goalsync("set", "g", "persona", "x")
        expectNoCrash(refused)
        #expect(refused.stderr.contains("goalsync pull --abort"), "\(kind): \(refused)")
        let abort = try ben.goalsync("pull", "--abort")
        #expect(abort.status == 0, "\(kind): \(abort)")
        #expect(!FileSystem.exists(path), "\(kind)")
        #expect(try ben.state() == before, "\(kind)")
        try ben.goalsync("set", "g", "persona", "Works again").requireOK("set after abort")
    }

    // MARK: The other files under .git/goalsync/

    /// The caches (status-cache, tree-summary), the journals (write.json, pull.json), the lock
    /// and the temporary folder in any damaged shape: the hook's check, a write, a pull and the
    /// reading commands still work (a cache is rebuilt, a journal that cannot be read counts as
    /// none) or say in one line what is wrong; none crashes or hangs.
    @Test(arguments: ["status-cache", "tree-summary", "write.json", "pull.json", "lock", "tmp"])
    func damagedStateFilesNeverCrash(_ name: String) throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Goal G", "--id", "g").requireOK("new")
        try ana.goalsync("push").requireOK("push")
        // A commit with goalsync's hook, so the caches exist.
        try ana.write("goals/g.md", try ana.text("goals/g.md").replacingOccurrences(of: "status: draft", with: "status: proposed"))
        try ana.git("commit", "-qam", "propose").requireOK("commit with the hook")
        let path = ana.dir + "/.git/goalsync/" + name
        let intact = (try? ana.file(".git/goalsync/" + name)) ?? Array(#"{"reference":"refs/heads/main","new":"0000000000000000000000000000000000000000","paths":["goals/g.md"],"head":null,"tree":"x","files":[]}"#.utf8)
        for kind in Self.damage {
            try Self.damage(kind, at: path, intact: intact)
            let commands: [[String]] = [["validate", "--staged"], ["set", "g", "persona", "Persona \(kind)"], ["status"], ["list"], ["pull"], ["log", "g"]]
            for args in commands {
                let r = try ana.goalsync(args)
                expectNoCrash(r)
                if r.status != 0 {
                    #expect(r.stderrLines.count == 1, "\(name) \(kind) \(args): \(r)")
                    #expect(r.status == 2, "\(name) \(kind) \(args): \(r)")
                }
            }
            // git's own commit runs goalsync's hook, which reads the caches.
            let commit = try ana.git("commit", "-q", "--allow-empty", "-m", "with the hook, \(name) \(kind)")
            expectNoCrash(commit)
            #expect(commit.status == 0, "\(name) \(kind): \(commit)")
            if FileSystem.isDirectory(path) { try FileManager.default.removeItem(atPath: path) } else { unlink(path) }
        }
    }

    // MARK: The team's pre-commit hook, through the one process runner

    /// A chained pre-commit hook that leaves a process running with its output open and writes
    /// more than a pipe holds neither hangs a goalsync commit nor loses the hook's verdict; it runs
    /// in the work tree's root; a script without `#!` runs through /bin/sh, as git runs it.
    @Test func theTeamsHookRunsToItsEndWithoutHanging() throws {
        let repo = try TestRepo()
        _ = try repo.newGoal(id: "g")
        let chained = repo.path(".git/hooks/pre-commit.goalsync-chained")
        let pidFile = repo.base + "/background.pid"
        // 1: a background process keeps the hook's output open for 30 s; 1.5 MB of output (more
        // than a pipe holds, and more than goalsync shows).
        try writeExecutable("""
            #!/bin/sh
            sleep 30 &
            echo $! > '\(pidFile)'
            head -c 1500000 /dev/zero | tr '\\0' x
            exit 0
            """, to: chained)
        defer {
            if let pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) { kill(pid, SIGTERM) }
        }
        let start = Date()
        let r = try repo.goalsync(["set", "g", "persona", "Someone"])
        #expect(r.status == 0, "\(r.stderr.suffix(300))")
        #expect(Date().timeIntervalSince(start) < 25, "goalsync waited for the hook's background process")
        #expect(r.stderr.contains("the rest is not shown"), "\(r.stderr.count) bytes: \(r.stderr.suffix(300))")
        #expect(r.stderr.utf8.count < 1_100_000)
        // 2: a failing hook without `#!`: its verdict and output stop the commit.
        let count = try repo.commitCount()
        try writeExecutable("echo \"refused by the team hook in $(pwd)\"\nexit 3\n", to: chained)
        let refused = try repo.goalsync(["set", "g", "persona", "Someone else"])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("refused by the team hook in \(repo.root)\n"), "\(refused)")
        #expect(try repo.commitCount() == count)
    }

    // MARK: Guards over the sources

    /// The sources' root, from this file's path.
    static var sources: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/Sources"
    }

    /// Every line of every Swift source containing `needle` (comments too), as `File.swift: line`.
    static func lines(containing needle: String) throws -> [String] {
        var out = [String]()
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: sources) else { return [] }
        for case let relative as String in walker where relative.hasSuffix(".swift") {
            let text = try String(contentsOfFile: sources + "/" + relative, encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains(needle) && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                out.append("\((relative as NSString).lastPathComponent): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        return out
    }

    /// No `try!`, `fatalError`, `precondition` or Foundation `Process` and `Pipe` in the sources, but for
    /// the allow-listed lines (each a constant that no input reaches); libgit2's process-wide
    /// hash verification is set in one place, where libgit2 starts.
    @Test func theSourcesHoldNoTrapsButTheAllowedOnes() throws {
        let allowedTry = ["static let int = try! NSRegularExpression", "static let float = try! NSRegularExpression", "static let timestamp = try! NSRegularExpression"]
        for line in try Self.lines(containing: "try!") {
            #expect(allowedTry.contains { line.contains($0) }, "try! on a path input may reach: \(line)")
        }
        for needle in ["fatalError(", "precondition(", "preconditionFailure(", "unsafelyUnwrapped", "Process()", "= Pipe()"] {
            #expect(try Self.lines(containing: needle) == [], "\(needle)")
        }
        let strict = try Self.lines(containing: "goalsync_set_strict_hash_verification(")
        #expect(strict.count == 1 && strict[0].hasPrefix("GitError.swift:"), "\(strict)")
    }
}
