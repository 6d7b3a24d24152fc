import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// Hostile content (SPEC §6: content from a remote is untrusted): YAML that would expand or nest
/// without bound, goals with very many keys, and text that would drive the terminal. Every command
/// runs with a deadline of its own on the child process and must finish within it, with a clear
/// message.
@Suite("Hostile input")
struct HostileInputTests {
    // MARK: Inputs

    /// A "billion laughs": ten levels of ten aliases each, about 500 bytes that expand to 10⁹
    /// scalars. Its aliases cross the bound on the line of `a5` (10⁵ values and more).
    static func laughs(indent: String = "") -> String {
        var lines = ["\(indent)a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for i in 1...8 { lines.append("\(indent)a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ",") + "]") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A goal file that is a billion laughs after its first fields (`a0` on line 5).
    static let bombGoal = "---\nid: bomb\ntitle: Bomb\nstatus: draft\n" + laughs() + "---\nbody\n"
    static let bombLine = 9  // a4: 110 + 1,110 + 11,110 + 111,110 values made by aliases

    /// Runs goalsync with a deadline on the child: a command still running after `seconds` is
    /// killed, and the test fails saying so.
    @discardableResult
    static func bounded(_ binary: String, _ args: [String], in dir: String, env: [String: String], seconds: Double = 30,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        let r = try ProcessRunner.run(binary, args, in: dir, environment: env, timeout: seconds)
        #expect(!r.killedBySignal, "goalsync \(args.joined(separator: " ")) did not finish within \(seconds) s: \(r)", sourceLocation: sourceLocation)
        expectNoCrash(r, sourceLocation: sourceLocation)
        return r
    }

    // MARK: The reader's bounds, in process

    @Test("The YAML reader refuses an alias bomb, deep nesting, too many aliases and too many values, with the line, in bounded time",
          arguments: [
            ("billion laughs", "---\n" + laughs() + "---\n", YAMLLimits.Excess.aliasValues(1_234_567_880), 6),
            ("billion laughs as a complex key", "---\n" + laughs() + "? *a8\n: x\n---\n", .aliasValues(2_345_678_991), 6),
            ("10,000 [", "---\nx: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n---\n", .depth, 2),
            ("10,000 nested block lists", "---\nx:\n" + String(repeating: "- ", count: 10_000) + "a\n---\n", .depth, 3),
            ("10,000 nested flow mappings", "---\nx: " + String(repeating: "{a: ", count: 10_000) + "1" + String(repeating: "}", count: 10_000) + "\n---\n", .depth, 2),
            ("10,001 aliases", "---\na: &a x\nb: [" + Array(repeating: "*a", count: 10_001).joined(separator: ",") + "]\n---\n", .aliases(10_001), 3),
            ("a deep anchor aliased deep", "---\na: &a " + String(repeating: "[", count: 60) + String(repeating: "]", count: 60) + "\nb: " + String(repeating: "[", count: 50) + "*a" + String(repeating: "]", count: 50) + "\n---\n", .depth, 3),
            ("1,000,001 values", "---\nx: [" + Array(repeating: "1", count: 1_000_001).joined(separator: ",") + "]\n---\n", .values(1_000_004), 2),
          ] as [(String, String, YAMLLimits.Excess, Int)])
    func readerBounds(_ name: String, _ text: String, _ excess: YAMLLimits.Excess, _ line: Int) {
        let start = ContinuousClock.now
        #expect(throws: MarkdownDocument.ParseError.overLimit(excess, line: line), "\(name)") { try MarkdownDocument.parse(text) }
        // Unbounded, the bombs would run for hours; the longest text here is 2 MB.
        #expect(ContinuousClock.now - start < .seconds(20), "\(name) took \(ContinuousClock.now - start)")
    }

    @Test("Aliases within the bounds still read as before, expanded")
    func aliasesWithinBounds() throws {
        let doc = try MarkdownDocument.parse("---\nowner: &ana Ana Ruiz <ana@example.com>\ncontributors: [*ana]\ntimeframe: &t {start: 2026-01-05}\ncopy: *t\n---\n")
        #expect(doc.frontMatter["contributors"] == .list([.string("Ana Ruiz <ana@example.com>")]))
        #expect(doc.frontMatter["copy"] == doc.frontMatter["timeframe"])
        #expect(doc.frontMatter["copy"]?.map?["start"] == .plain("2026-01-05"))
        // Exactly at the bounds: 100 levels, and aliases adding 100,000 values.
        let deep = String(repeating: "[", count: 99) + String(repeating: "]", count: 99)
        #expect(try MarkdownDocument.parse("---\nx: \(deep)\n---\n").frontMatter["x"] != nil)
        let thousand = "[" + Array(repeating: "1", count: 999).joined(separator: ",") + "]"
        let hundred = "[" + Array(repeating: "*k", count: 100).joined(separator: ",") + "]"
        #expect(try MarkdownDocument.parse("---\nk: &k \(thousand)\nx: \(hundred)\n---\n").frontMatter["x"]?.list?.count == 100)
        #expect(throws: MarkdownDocument.ParseError.overLimit(.aliasValues(101_000), line: 4)) {
            try MarkdownDocument.parse("---\nk: &k \(thousand)\nx: \(hundred)\ny: *k\n---\n")
        }
    }

    @Test("The messages say how many, the most goalsync reads, and what to do")
    func excessMessages() {
        #expect(YAMLLimits.Excess.aliasValues(1_111_111_110).message.contains("the YAML's aliases expand to 1,111,111,110 values; goalsync reads at most 100,000"))
        #expect(YAMLLimits.Excess.aliases(10_001).message.contains("uses 10,001 aliases (*name); goalsync reads at most 10,000"))
        #expect(YAMLLimits.Excess.values(Int.max).message.contains("holds more than 9,223,372,036,854,775,807 values"))
        #expect(YAMLLimits.Excess.depth.message.contains("more than 100 levels deep"))
        #expect(FileSystem.ReadError.tooLarge(bytes: 50_000_020, limit: 1 << 20).message == "file is 50,000,020 bytes, over goalsync's limit of 1 MiB for it; make it smaller")
        #expect("\(FileSystem.ReadError.tooLarge(bytes: 50_000_020, limit: 1 << 20))".contains("50,000,020 bytes"))
        #expect(FileSystem.ReadError.symlink.localizedDescription.contains("symbolic link"))
    }

    // MARK: Hostile files in a repository

    @Test("An alias bomb as a goal file: every command finishes in bounded time and names the file, the line and the bound")
    func bombGoal() throws {
        let repo = try TestRepo()
        try repo.commitGoal("good", GoalText.clean(id: "good").text)
        try repo.write("goals/bomb.md", Self.bombGoal)
        try repo.git("add", "-A").requireOK("git add")
        try repo.git("commit", "-q", "--no-verify", "-m", "bomb").requireOK("commit")
        let location = "goals/bomb.md:\(Self.bombLine): error: the YAML's aliases expand to"
        func run(_ args: String...) throws -> ProcessResult {
            try Self.bounded(repo.binary, args, in: repo.root, env: repo.environment)
        }
        let validate = try run("validate")
        #expect(validate.status == 1 && validate.stdout.contains(location), "\(validate)")
        #expect(validate.stdout.contains("goalsync reads at most 100,000 values made by aliases"))
        let list = try run("list")
        #expect(list.status == 0 && list.stdout.contains("good") && list.stderr.contains(location), "\(list)")
        let status = try run("status")
        #expect(status.status == 0 && status.stderr.contains(location), "\(status)")
        let show = try run("show", "bomb")
        expectCleanFailure(show, exit: 1, mentioning: "goals/bomb.md:\(Self.bombLine): error: the YAML's aliases expand to")
        let report = try run("report")
        #expect(report.status == 0 && report.stderr.contains(location), "\(report)")
        for args in [["log"], ["log", "bomb"], ["contributors"], ["report", "--json"], ["status", "--json"]] {
            let r = try Self.bounded(repo.binary, args, in: repo.root, env: repo.environment)
            #expect(r.status == 0, "\(args): \(r)")
        }
        let blame = try run("blame", "bomb")
        expectCleanFailure(blame, exit: 1, mentioning: "aliases expand to")
        // A write to another goal is refused like with any unreadable goal file, quickly.
        let set = try run("set", "good", "why", "Because")
        #expect(set.status == 1 && set.stderr.contains(location), "\(set)")
    }

    @Test("An alias bomb as VISION.md: validate names it, report and status still finish")
    func bombVision() throws {
        let repo = try TestRepo()
        try repo.commitGoal("good", GoalText.clean(id: "good").text)
        try repo.write("VISION.md", "---\nproduct: P\nvision: V\n" + Self.laughs() + "---\n# Vision\n")
        let validate = try Self.bounded(repo.binary, ["validate"], in: repo.root, env: repo.environment)
        #expect(validate.status == 1 && validate.stdout.contains("VISION.md:8: error: the YAML's aliases expand to"), "\(validate)")
        for args in [["report"], ["report", "--json"], ["status"], ["list"], ["set", "good", "why", "Because"]] {
            let r = try Self.bounded(repo.binary, args, in: repo.root, env: repo.environment)
            #expect(r.status <= 1, "\(args): \(r)")
        }
    }

    @Test("An alias bomb as .goalsync/config.yaml: reading commands warn once and read with the defaults, writes refuse, nothing hangs")
    func bombConfig() throws {
        let repo = try TestRepo()
        try repo.commitGoal("good", GoalText.clean(id: "good").text)
        try repo.write(".goalsync/config.yaml", "format: 1\n" + Self.laughs())
        let problem = ".goalsync/config.yaml:6: the YAML's aliases expand to"
        for args in [["list"], ["status"], ["show", "good"], ["log"], ["blame", "good"], ["contributors"], ["report"], ["list", "--json"]] {
            let r = try Self.bounded(repo.binary, args, in: repo.root, env: repo.environment)
            #expect(r.status == 0, "\(args): \(r)")
            #expect(r.stderrLines.filter { $0.hasPrefix("goalsync: warning: \(problem)") }.count == 1, "\(args): \(r)")
            #expect(r.stderr.contains("going on with the default settings"))
        }
        for args in [["validate"], ["set", "good", "why", "Because"], ["new", "Another"], ["push"], ["hooks", "install"]] {
            let r = try Self.bounded(repo.binary, args, in: repo.root, env: repo.environment)
            expectCleanFailure(r, exit: 2, mentioning: "goalsync: error: \(problem)")
            #expect(r.stderr.contains("goalsync pull still fetches"), "\(args): \(r)")
        }
        let help = try Self.bounded(repo.binary, ["--help"], in: repo.root, env: repo.environment)
        #expect(help.status == 0 && help.stdout.contains("USAGE"))
        let pullHelp = try Self.bounded(repo.binary, ["pull", "--help"], in: repo.root, env: repo.environment)
        #expect(pullHelp.status == 0 && pullHelp.stdout.contains("--abort"))
    }

    @Test("A config over the size limit is named with its size and the limit, not a raw error")
    func hugeConfig() throws {
        let repo = try TestRepo()
        try repo.write(".goalsync/config.yaml", "format: 1\n# " + String(repeating: "x", count: (1 << 20) + 10) + "\n")
        let r = try Self.bounded(repo.binary, ["validate"], in: repo.root, env: repo.environment)
        expectCleanFailure(r, exit: 2, mentioning: ".goalsync/config.yaml: file is 1,048,599 bytes, over goalsync's limit of 1 MiB for it")
        #expect(!r.stderr.contains("tooLarge"))
    }

    @Test("A teammate's alias bomb arrives by merge and by fast-forward: each pull and every command after it finishes, and the stopped merge says what to do")
    func bombFromTeammate() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Raise activation", "--id", "good").requireOK("new")
        try ana.goalsync("push").requireOK("push")
        let ben = try team.join("Ben")
        let cleo = try team.join("Cleo")
        try ben.write("goals/bomb.md", Self.bombGoal)
        try ben.git("add", "-A").requireOK("add")
        try ben.git("commit", "-q", "--no-verify", "-m", "bomb").requireOK("commit")
        try ben.git("push", "-q", "origin", "main").requireOK("git push")
        func run(_ m: Member, _ args: String...) throws -> ProcessResult {
            try Self.bounded(team.binary, args, in: m.dir, env: team.env.merging(m.identity) { $1 })
        }
        let location = "goals/bomb.md:\(Self.bombLine): error: the YAML's aliases expand to"

        // A merge: Ana has a commit of her own. The merged tree holds an unreadable goal file.
        try ana.goalsync("set", "good", "why", "Because").requireOK("set")
        let before = ana.head
        let merge = try run(ana, "pull")
        #expect(merge.status == 1, "\(merge)")
        #expect(merge.stderr.contains("The pull stopped before committing: the merged files break the rules below"), "\(merge)")
        #expect(!merge.stderr.contains("0 conflicts"), "\(merge)")
        #expect(merge.stderr.contains(location))
        #expect(merge.stderr.contains("Fix the files named above and stage them (git add); then goalsync pull --continue commits the merge, or goalsync pull --abort"), "\(merge)")
        let stopped = try run(ana, "status")
        #expect(stopped.stdout.contains("Fix what is listed to fix and stage it (git add)"), "\(stopped)")
        #expect(!stopped.stdout.contains("All settled"), "\(stopped)")
        #expect(try run(ana, "pull", "--abort").status == 0)
        #expect(ana.head == before)

        // A fast-forward: Cleo pulls the bomb, then every reading command finishes.
        // The fast-forward completes, and says at once that it brought a file that breaks the rules.
        let ff = try run(cleo, "pull")
        #expect(ff.status == 1 && ff.stdout.contains("Fast-forwarded"), "\(ff)")
        #expect(ff.stderr.contains(location), "\(ff)")
        #expect(try run(cleo, "validate").stdout.contains(location))
        for args in [["status"], ["list"], ["log"], ["report"], ["contributors"], ["log", "bomb"]] {
            let r = try Self.bounded(team.binary, args, in: cleo.dir, env: team.env.merging(cleo.identity) { $1 })
            #expect(r.status == 0, "\(args): \(r)")
        }
        #expect(try run(cleo, "show", "bomb").status == 1)
        #expect(try run(cleo, "set", "good", "why", "Cleo's reason").status == 1)
    }

    @Test("A teammate pushes a broken config, then its fix: pull fetches the fix with one warning, even over a commit of one's own")
    func pullWithBrokenConfig() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Raise activation", "--id", "good").requireOK("new")
        try ana.goalsync("push").requireOK("push")
        let ben = try team.join("Ben")
        let good = try ben.text(".goalsync/config.yaml")
        try ben.write(".goalsync/config.yaml", "format: 1\n" + Self.laughs())
        try ben.git("commit", "-q", "--no-verify", "-am", "broken config").requireOK("commit")
        try ben.git("push", "-q", "origin", "main").requireOK("push")
        func run(_ m: Member, _ args: String...) throws -> ProcessResult {
            try Self.bounded(team.binary, args, in: m.dir, env: team.env.merging(m.identity) { $1 })
        }
        let warning = "goalsync: warning: .goalsync/config.yaml:6: the YAML's aliases expand to"

        #expect(try run(ana, "pull").status == 0)  // her config was fine: no warning, a fast-forward
        let list = try run(ana, "list")
        #expect(list.status == 0 && list.stderr.hasPrefix(warning), "\(list)")
        // Ana commits with plain git meanwhile (goalsync's writes refuse the broken config).
        try ana.write("goals/good.md", try ana.text("goals/good.md").replacingOccurrences(of: "title: Raise activation", with: "title: Raise activation to 50%"))
        try ana.git("commit", "-q", "--no-verify", "-am", "title").requireOK("commit")
        #expect(try run(ana, "set", "good", "why", "x").status == 2)

        try ben.write(".goalsync/config.yaml", good)
        try ben.git("commit", "-q", "--no-verify", "-am", "fix config").requireOK("commit")
        try ben.git("push", "-q", "origin", "main").requireOK("push")

        let pull = try run(ana, "pull")
        #expect(pull.status == 0 && pull.stdout.contains("Merged"), "\(pull)")
        #expect(pull.stderrLines.count == 1 && pull.stderr.hasPrefix(warning), "one warning line naming the problem: \(pull)")
        #expect(try ana.text(".goalsync/config.yaml") == good)
        let after = try run(ana, "set", "good", "why", "Fixed")
        #expect(after.status == 0 && after.stderr.isEmpty, "\(after)")
    }

    // MARK: Many keys

    /// 130,000 keys of four characters (`k000` … `kXdh`): a goal of them is under 1 MiB.
    static let manyKeys: [String] = {
        let digits = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return (0..<130_000).map { i in "k" + String([digits[i / 3844], digits[i / 62 % 62], digits[i % 62]]) }
    }()

    @Test("goalsync set on a goal with 130,000 keys (under 1 MiB) takes linear time")
    func manyKeys() throws {
        let repo = try TestRepo()
        var text = "---\nid: many\ntitle: Many keys\nstatus: draft\n"
        for key in Self.manyKeys { text += key + ": 1\n" }
        text += "---\nbody\n"
        #expect(text.utf8.count < 1 << 20)
        try repo.write("goals/many.md", text)
        try repo.git("add", "-A").requireOK("add")
        try repo.git("commit", "-q", "--no-verify", "-m", "many").requireOK("commit")
        // Quadratic, this took minutes (70 s in a release build); linear, about a second.
        let set = try Self.bounded(repo.binary, ["set", "many", "title", "Fewer keys"], in: repo.root, env: repo.environment, seconds: 120)
        #expect(set.status == 0, "\(set)")
        #expect(try repo.read("goals/many.md").contains("title: Fewer keys\n"))
    }

    @Test("Comparing and merging goals of 130,000 keys is linear")
    func manyKeysInProcess() throws {
        let keys = Self.manyKeys
        let base = YAMLMap([("id", .string("many")), ("title", .string("Many")), ("status", .plain("draft"))] + keys.map { ($0, YAMLValue.plain("1")) })
        var ours = base, theirs = base
        ours.entries[8].value = .plain("2")
        theirs.entries[129_000].value = .plain("3")
        theirs.entries.append(("new", .plain("4")))
        func file(_ map: YAMLMap) -> [UInt8] { Array(YAMLWriter.document(MarkdownDocument(frontMatter: map, body: "body\n")).utf8) }
        let start = ContinuousClock.now
        #expect(FieldDiff.changes(from: base, to: theirs).map(\.field) == [keys[128_997], "new"])
        let merged = FileMerge.merge(base: file(base), ours: file(ours), theirs: file(theirs), kind: .goal)
        #expect(merged.conflicts.isEmpty)
        let result = try MarkdownDocument.parse(try #require(merged.bytes)).frontMatter.lookup
        #expect(result[keys[5]] == YAMLValue.plain("2") && result[keys[128_997]] == YAMLValue.plain("3") && result["new"] == YAMLValue.plain("4"))
        #expect(ContinuousClock.now - start < .seconds(30), "took \(ContinuousClock.now - start)")
    }

    // MARK: The terminal

    @Test("Control characters in a title, a field value and a file name are printed escaped; JSON keeps them exact")
    func terminalEscapes() throws {
        let repo = try TestRepo()
        let title = "Evil \u{1B}]0;pwned\u{07}\u{1B}[2J title\r\u{9B}31m"
        try repo.ok("new", title, "--id", "evil")
        try repo.ok("set", "evil", "why", "because \u{1B}[8mhidden\u{1B}[0m")
        // The body is free text, printed by show as it is in the file.
        try repo.write("goals/evil.md", try repo.read("goals/evil.md") + "Raw \u{1B}[8mhidden\u{1B}[0m\n")
        try repo.git("commit", "-q", "--no-verify", "-am", "body \u{1B}[2J").requireOK("commit")
        for args in [["list"], ["show", "evil"], ["log", "evil"], ["blame", "evil"], ["report"], ["status"], ["contributors", "evil"]] {
            let r = try repo.goalsync(args)
            #expect(r.status == 0, "\(args): \(r)")
            for c in ["\u{1B}", "\u{07}", "\u{9B}", "\r"] {
                #expect(!(r.stdout + r.stderr).contains(c), "\(args) printed a raw \(c.unicodeScalars.first!.value): \(r)")
            }
        }
        let list = try repo.ok("list")
        #expect(list.stdout.contains("Evil \\e]0;pwned\\u{7}\\e[2J title\\r\\u{9b}31m"), "\(list)")
        #expect(try repo.ok("show", "evil").stdout.contains("Raw \\e[8mhidden\\e[0m\n"))
        #expect(try repo.ok("log", "evil").stdout.contains("body \\e[2J"))

        // JSON is exact: the title round-trips.
        let json = try repo.ok("list", "--json")
        let goals = try #require((try parseJSON(json.stdout) as? [String: Any])?["goals"] as? [[String: Any]])
        #expect(goals.first?["title"] as? String == title)
        #expect(!json.stdout.contains("\u{1B}"))

        // A file name: reported with the name escaped.
        try repo.write("goals/x\u{1B}[31mred.md", "---\nid: x\ntitle: T\nstatus: draft\n---\n")
        let validate = try repo.goalsync("validate")
        #expect(validate.status == 1)
        #expect(validate.stdout.contains("goals/x\\e[31mred.md"), "\(validate)")
        #expect(!(validate.stdout + validate.stderr).contains("\u{1B}"))
    }
}
