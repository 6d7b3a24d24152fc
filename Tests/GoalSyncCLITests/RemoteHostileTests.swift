import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// Issue 13, item 3: hostile content arriving from a remote, built with plain git as a teammate
/// (or a broken tool) could push it. Each case goes through `clone`, `pull` (by fast-forward and by
/// merging), the reading commands and, where a file is merged, git's merge with goalsync's driver.
/// Each must end in a clear error or a safe merge, nothing executed and nothing written outside
/// the repository, within bounds: every goalsync run here is killed (and the test fails) after
/// ``seconds`` and runs under `ulimit -v` ``memoryKB`` (1 GiB of address space; set
/// `GOALSYNC_TEST_MEMORY_LIMIT_KB=0` to lift it for a sanitizer build, whose shadow memory needs more).
@Suite("Hostile content from a remote")
struct RemoteHostileTests {
    /// The wall-clock bound of one goalsync run (a debug build on a busy machine).
    static let seconds = 120.0
    /// The address-space bound of one goalsync run, in KiB.
    static let memoryKB: Int = ProcessInfo.processInfo.environment["GOALSYNC_TEST_MEMORY_LIMIT_KB"].flatMap { Int($0) } ?? 1 << 20

    /// Runs goalsync bounded in time and memory; fails the test on a hang, a crash or a stack trace.
    static func bounded(_ binary: String, _ args: [String], in dir: String, env: [String: String], seconds: Double = seconds,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        let limited = memoryKB > 0
        let r = try ProcessRunner.run(
            limited ? "/bin/sh" : binary, limited ? ["-c", "ulimit -v \(memoryKB) && exec \"$0\" \"$@\"", binary] + args : args,
            in: dir, environment: env, timeout: seconds)
        #expect(!r.killedBySignal, "goalsync \(args.joined(separator: " ")) did not finish within \(seconds) s: \(r)", sourceLocation: sourceLocation)
        expectNoCrash(r, sourceLocation: sourceLocation)
        #expect([0, 1, 2].contains(r.status), "goalsync \(args.joined(separator: " ")): \(r)", sourceLocation: sourceLocation)
        return r
    }

    /// A remote with one goal `g`; Ana pushes hostile commits straight into it (``publish(_:message:)``),
    /// Cy pulls them by fast-forward, Ben (who has a commit of his own) by merging.
    struct Scene {
        let team: Team
        let ana: Member, ben: Member, cy: Member
        let remote: TreeBuilder
        /// The remote's main before anything hostile.
        let good: String
        /// A folder beside the clones that a `..` or a pushed path would reach: it must stay empty.
        let sentinel: String

        init() throws {
            team = try Team()
            ana = try team.founder("Ana")
            try ana.goalsync("new", "Raise activation from 30% to 50%", "--id", "g").requireOK("new")
            try ana.goalsync("push").requireOK("push")
            cy = try team.join("Cy")
            ben = try team.join("Ben")
            try ben.goalsync("set", "g", "persona", "New admins").requireOK("set")
            remote = TreeBuilder(dir: team.remote, environment: team.env.merging(ana.identity) { $1 })
            good = try remote.git(["rev-parse", "refs/heads/main"])
            sentinel = team.base + "/sentinel"
            try FileManager.default.createDirectory(atPath: sentinel, withIntermediateDirectories: true)
        }

        /// The good root tree with `goals` entries added (replacing those of the same name) and root
        /// entries replaced (`root`, by name; a root entry named `goals` replaces the folder).
        func tree(goals extra: [TreeBuilder.Entry] = [], root replacing: [TreeBuilder.Entry] = []) throws -> String {
            var goals = try remote.entries(of: "\(good):goals").filter { e in !extra.contains { $0.name == e.name } }
            goals += extra
            var root = try remote.entries(of: good).filter { e in e.name != Array("goals".utf8) && !replacing.contains { $0.name == e.name } }
            if !replacing.contains(where: { $0.name == Array("goals".utf8) }) { root.append(.init("40000", "goals", try remote.tree(goals))) }
            return try remote.tree(root + replacing)
        }

        /// The good tree with `.goalsync/config.yaml` holding `bytes`.
        func tree(config bytes: [UInt8]) throws -> String {
            let settings = try remote.entries(of: "\(good):.goalsync").filter { $0.name != Array("config.yaml".utf8) }
            return try tree(root: [.init("40000", ".goalsync", try remote.tree(settings + [.init("100644", "config.yaml", try remote.blob(bytes))]))])
        }

        /// Commits `tree` on the remote's main (parent: its tip) with plain git.
        @discardableResult
        func publish(_ tree: String, message: String = "hostile") throws -> String {
            let commit = try remote.commit(tree: tree, parent: try remote.git(["rev-parse", "refs/heads/main"]), message: message)
            try remote.setBranch("refs/heads/main", to: commit)
            return commit
        }

        /// goalsync in `member`'s clone, bounded.
        func run(_ member: Member, _ args: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
            try RemoteHostileTests.bounded(team.binary, args, in: member.dir, env: team.env.merging(member.identity) { $1 }, sourceLocation: sourceLocation)
        }

        /// `goalsync clone REMOTE name` beside the clones, bounded.
        func clone(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
            try RemoteHostileTests.bounded(team.binary, ["clone", team.remote, name], in: team.base, env: team.env, sourceLocation: sourceLocation)
        }

        /// Nothing was written beside the clones, in the home folder, or by a command a name or
        /// a setting tried to run.
        func expectNothingOutside(_ before: [String: [UInt8]], sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(outside() == before, "written outside the clones: \(Set(outside().keys).symmetricDifference(before.keys).sorted())", sourceLocation: sourceLocation)
            for marker in ["/tmp/goalsync-pwned", team.base + "/pwned"] {
                #expect(!FileSystem.exists(marker), "\(marker) was made", sourceLocation: sourceLocation)
            }
        }

        /// The sentinel, home and XDG folders and the names beside the clones.
        func outside() -> [String: [UInt8]] {
            var files = [String: [UInt8]]()
            for dir in ["sentinel", "home", "xdg"] {
                for (k, v) in TestRepo.files(under: team.base + "/" + dir) { files[dir + "/" + k] = v }
            }
            for name in (try? FileManager.default.contentsOfDirectory(atPath: team.base)) ?? [] where name != "fresh" { files["/" + name] = [] }
            return files
        }
    }

    // MARK: 1. Deep nesting

    enum Deep: String, CaseIterable, Sendable {
        case goalFlowLists, goalBlockLists, goalFlowMappings, configFlowLists, configBlockLists

        static let n = 100_000
        var isConfig: Bool { self == .configFlowLists || self == .configBlockLists }
        var text: String {
            let n = Self.n
            switch self {
            case .goalFlowLists: return "---\nid: deep\ntitle: Deep\nstatus: draft\nx: " + String(repeating: "[", count: n) + String(repeating: "]", count: n) + "\n---\n"
            case .goalBlockLists: return "---\nid: deep\ntitle: Deep\nstatus: draft\nx:\n" + String(repeating: "- ", count: n) + "a\n---\n"
            case .goalFlowMappings: return "---\nid: deep\ntitle: Deep\nstatus: draft\nx: " + String(repeating: "{a: ", count: n) + "1" + String(repeating: "}", count: n) + "\n---\n"
            case .configFlowLists: return "format: 1\nlint: " + String(repeating: "[", count: n) + String(repeating: "]", count: n) + "\n"
            case .configBlockLists: return "format: 1\nlint:\n" + String(repeating: "- ", count: n) + "a\n"
            }
        }
        /// The file and line every message names.
        var location: String {
            switch self {
            case .goalFlowLists, .goalFlowMappings: return "goals/deep.md:5"
            case .goalBlockLists: return "goals/deep.md:6"
            case .configFlowLists: return ".goalsync/config.yaml:2"
            case .configBlockLists: return ".goalsync/config.yaml:3"
            }
        }
    }

    @Test("100,000 levels of nesting in a goal file or the config: every command says the file, the line and the bound of 100 levels", arguments: Deep.allCases)
    func deepNesting(_ deep: Deep) throws {
        let scene = try Scene()
        let before = scene.outside()
        let tree = deep.isConfig ? try scene.tree(config: Array(deep.text.utf8))
            : try scene.tree(goals: [.init("100644", "deep.md", try scene.remote.blob(deep.text))])
        try scene.publish(tree)
        let bound = "nests lists and mappings more than 100 levels deep; goalsync reads at most 100"
        let (cy, ben) = (scene.cy, scene.ben)
        if deep.isConfig {
            #expect(try scene.run(cy, "pull").status == 0)
            let validate = try scene.run(cy, "validate")
            expectCleanFailure(validate, exit: 2, mentioning: "goalsync: error: \(deep.location): the YAML \(bound)")
            for args in [["status"], ["list"], ["report"], ["log"]] {
                let r = try RemoteHostileTests.bounded(scene.team.binary, args, in: cy.dir, env: scene.team.env.merging(cy.identity) { $1 })
                #expect(r.status == 0 && r.stderrLines == ["goalsync: warning: \(deep.location): the YAML \(bound); going on with the default settings until it is fixed"], "\(args): \(r)")
            }
            expectCleanFailure(try scene.run(cy, "set", "g", "why", "x"), exit: 2, mentioning: deep.location)
            let merge = try scene.run(ben, "pull")
            #expect(merge.status == 0 && merge.stdout.contains("Merged"), "\(merge)")
            // A clone of it says what is wrong with the config and still sets up the hook.
            let clone = try scene.clone("fresh")
            #expect(clone.status == 0 && clone.stdout.contains("pre-commit hook installed"), "\(clone)")
            #expect(clone.stderrLines == ["goalsync: warning: \(deep.location): the YAML \(bound); going on with the default settings until it is fixed"], "\(clone)")
        } else {
            let error = "\(deep.location): error: the YAML \(bound)"
            let ff = try scene.run(cy, "pull")
            #expect(ff.status == 1 && ff.stdout.contains("Fast-forwarded") && ff.stderr.contains(error), "\(ff)")
            #expect(try scene.run(cy, "sync").status == 0, "nothing of Cy's to push, nothing to refuse")
            let validate = try scene.run(cy, "validate")
            #expect(validate.status == 1 && validate.stdout.contains(error), "\(validate)")
            for args in [["status"], ["list"], ["report"], ["report", "--json"]] {
                let r = try RemoteHostileTests.bounded(scene.team.binary, args, in: cy.dir, env: scene.team.env.merging(cy.identity) { $1 })
                #expect(r.status == 0 && r.stderr.contains(error), "\(args): \(r)")
            }
            let log = try scene.run(cy, "log", "deep")
            #expect(log.status == 0 && log.stdout.contains("file did not parse: line \(deep.location.split(separator: ":")[1]): the YAML \(bound)"), "\(log)")
            expectCleanFailure(try scene.run(cy, "blame", "deep"), exit: 1, mentioning: bound)
            expectCleanFailure(try scene.run(cy, "show", "deep"), exit: 1, mentioning: error)
            let merge = try scene.run(ben, "sync")
            #expect(merge.status == 1 && merge.stderr.contains("The pull stopped before committing") && merge.stderr.contains(error), "\(merge)")
            #expect(try scene.run(ben, "pull", "--abort").status == 0)
            let clone = try scene.clone("fresh")
            #expect(clone.status == 0 && clone.stdout.contains("pre-commit hook installed"), "\(clone)")
        }
        scene.expectNothingOutside(before)
    }

    // MARK: 2. 50 MB

    /// 50 MB of one letter after a goal's front matter (the body), as one line.
    static let fiftyMB = 50_000_000

    @Test("A 50 MB goal file is reported by size (goalsync reads at most 1 MiB of a goal), by every command, in bounded time and memory")
    func fiftyMegabyteGoal() throws {
        let scene = try Scene()
        let before = scene.outside()
        var bytes = Array("---\nid: big\ntitle: Big\nstatus: draft\n---\n".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: Self.fiftyMB)
        bytes.append(0x0A)
        try scene.publish(try scene.tree(goals: [.init("100644", "big.md", try scene.remote.blob(bytes))]))
        let error = "goals/big.md: error: file is \(bytes.count) bytes, over goalsync's limit of 1 MiB for a goal"
        let (cy, ben) = (scene.cy, scene.ben)
        var timings = [String]()
        @discardableResult
        func timed(_ m: Member, _ args: String...) throws -> ProcessResult {
            let start = ContinuousClock.now
            let r = try RemoteHostileTests.bounded(scene.team.binary, args, in: m.dir, env: scene.team.env.merging(m.identity) { $1 })
            timings.append("\(args.joined(separator: " ")) \(ContinuousClock.now - start)")
            return r
        }
        let ff = try timed(cy, "pull")
        #expect(ff.status == 1 && ff.stdout.contains("Fast-forwarded") && ff.stderr.contains(error), "\(ff)")
        #expect(try timed(cy, "validate").stdout.contains(error))
        for args in [["status"], ["list"], ["report"], ["log"], ["log", "big"], ["contributors"]] {
            let r = try RemoteHostileTests.bounded(scene.team.binary, args, in: cy.dir, env: scene.team.env.merging(cy.identity) { $1 })
            #expect(r.status == 0, "\(args): \(r)")
        }
        expectCleanFailure(try timed(cy, "blame", "big"), exit: 1, mentioning: "over goalsync's limit of 1 MiB for a goal")
        expectCleanFailure(try timed(cy, "show", "big"), exit: 1, mentioning: "over goalsync's limit of 1 MiB for a goal")
        let merge = try timed(ben, "pull")
        #expect(merge.status == 1 && merge.stderr.contains("The pull stopped before committing") && merge.stderr.contains(error), "\(merge)")
        #expect(try scene.run(ben, "pull", "--abort").status == 0)
        let clone = try scene.clone("fresh")
        #expect(clone.status == 0, "\(clone)")
        print("50 MB goal file: \(timings.joined(separator: "; "))")
        scene.expectNothingOutside(before)
    }

    @Test("git's merge of a goal file grown to 50 MB through goalsync's merge driver finishes in bounded time, and the hook refuses to commit it")
    func fiftyMegabyteGoalThroughTheMergeDriver() throws {
        let scene = try Scene()
        let (ana, cy) = (scene.ana, scene.cy)
        // Ana grows g's body to 50 MB (plain git); Cy changes its title (plain git); Cy's git merge
        // runs goalsync's driver on the three versions.
        var grown = try ana.file("goals/g.md")
        grown += [UInt8](repeating: UInt8(ascii: "y"), count: Self.fiftyMB) + [0x0A]
        try Data(grown).write(to: URL(fileURLWithPath: ana.dir + "/goals/g.md"))
        try ana.git("commit", "-q", "--no-verify", "-am", "big body").requireOK("commit")
        try ana.git("push", "-q", "origin", "main").requireOK("push")
        try cy.write("goals/g.md", try cy.text("goals/g.md").replacingOccurrences(of: "title: Raise activation from 30% to 50%", with: "title: Raise activation to 60%"))
        try cy.git("commit", "-q", "--no-verify", "-am", "title").requireOK("commit")
        let head = cy.head
        let start = ContinuousClock.now
        let merge = try ProcessRunner.run(
            "/bin/sh", ["-c", "ulimit -v \(RemoteHostileTests.memoryKB > 0 ? String(RemoteHostileTests.memoryKB * 2) : "unlimited") && exec git -c pull.rebase=false pull --no-edit"],
            in: cy.dir, environment: scene.team.env.merging(cy.identity) { $1 }, timeout: Self.seconds)
        let took = ContinuousClock.now - start
        #expect(!merge.killedBySignal, "\(merge)")
        #expect(merge.status != 0 && (merge.stdout + merge.stderr).contains("over goalsync's limit of 1 MiB for a goal"), "\(merge)")
        #expect(cy.head == head, "nothing was committed")
        // The driver merged both changes into the work tree; the hook (pre-merge-commit) refused.
        let merged = try cy.file("goals/g.md")
        #expect(merged.count > Self.fiftyMB)
        #expect(String(decoding: merged.prefix(400), as: UTF8.self).contains("title: Raise activation to 60%"))
        print("git merge of a 50 MB goal file through goalsync merge-driver: \(took)")
    }

    @Test("A 50 MB file elsewhere in the tree is written as git writes it and never read by goalsync's checks")
    func fiftyMegabyteFileElsewhere() throws {
        let scene = try Scene()
        let before = scene.outside()
        let bytes = [UInt8](repeating: 0x5A, count: Self.fiftyMB)
        try scene.publish(try scene.tree(root: [.init("100644", "video.bin", try scene.remote.blob(bytes))]))
        var timings = [String]()
        for (m, args) in [(scene.cy, ["pull"]), (scene.ben, ["pull"]), (scene.cy, ["validate"]), (scene.cy, ["status"]), (scene.cy, ["report"]), (scene.cy, ["log"])] {
            let start = ContinuousClock.now
            let r = try RemoteHostileTests.bounded(scene.team.binary, args, in: m.dir, env: scene.team.env.merging(m.identity) { $1 })
            timings.append("\(m.name) \(args.joined(separator: " ")) \(ContinuousClock.now - start)")
            #expect(r.status == 0 && r.stderr.isEmpty, "\(args): \(r)")
        }
        #expect(try scene.cy.file("video.bin") == bytes)
        #expect(try scene.clone("fresh").status == 0)
        print("50 MB file elsewhere: \(timings.joined(separator: "; "))")
        scene.expectNothingOutside(before)
    }

    // MARK: 3. Many keys, many goals

    /// 100,000 keys of four characters (`k000` … `kQ1b`), a goal of them under 1 MiB.
    static let manyKeys: [String] = {
        let digits = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return (0..<100_000).map { i in "k" + String([digits[i / 3844], digits[i / 62 % 62], digits[i % 62]]) }
    }()

    @Test("A goal with 100,000 keys in its front matter: pulled, merged field by field by goalsync pull and by git's merge driver, validated, logged and blamed in bounded time")
    func hundredThousandKeys() throws {
        let scene = try Scene()
        let (ana, ben, cy) = (scene.ana, scene.ben, scene.cy)
        let keys = Self.manyKeys
        var text = "---\nid: many\ntitle: Many keys\nstatus: draft\n"
        for key in keys { text += key + ": 1\n" }
        text += "---\nbody\n"
        #expect(text.utf8.count < 1 << 20)
        try ana.write("goals/many.md", text)
        try ana.git("add", "-A").requireOK("add")
        try ana.git("commit", "-q", "--no-verify", "-m", "many keys").requireOK("commit")
        try ana.git("push", "-q", "origin", "main").requireOK("push")
        var timings = [String]()
        @discardableResult
        func timed(_ m: Member, _ args: String...) throws -> ProcessResult {
            let start = ContinuousClock.now
            let r = try RemoteHostileTests.bounded(scene.team.binary, args, in: m.dir, env: scene.team.env.merging(m.identity) { $1 })
            timings.append("\(m.name) \(args.joined(separator: " ")) \(ContinuousClock.now - start)")
            return r
        }
        try #require(try timed(cy, "pull").status == 0)
        try #require(try timed(ben, "pull").status == 0)
        // Three people change three different keys at once: Ana pushes first; Ben merges with
        // goalsync pull; Cy with git's merge and goalsync's driver.
        func change(_ m: Member, _ key: String, to value: String) throws {
            try m.write("goals/many.md", try m.text("goals/many.md").replacingOccurrences(of: "\n\(key): 1\n", with: "\n\(key): \(value)\n"))
            try m.git("commit", "-q", "--no-verify", "-am", "\(key) \(value)").requireOK("commit")
        }
        try change(ana, keys[5], to: "2")
        try ana.git("push", "-q", "origin", "main").requireOK("push")
        try change(ben, keys[99_999], to: "3")
        try change(cy, keys[50_000], to: "4")
        let pull = try timed(ben, "pull")
        #expect(pull.status == 0 && pull.stdout.contains("Merged"), "\(pull)")
        let benFile = try ben.text("goals/many.md")
        #expect(benFile.contains("\n\(keys[5]): 2\n") && benFile.contains("\n\(keys[99_999]): 3\n"))
        let start = ContinuousClock.now
        let merge = try ProcessRunner.run(TestRepo.gitPath, ["-c", "pull.rebase=false", "pull", "--no-edit"], in: cy.dir,
                                          environment: scene.team.env.merging(cy.identity) { $1 }, timeout: Self.seconds)
        timings.append("Cy git pull (driver and hook) \(ContinuousClock.now - start)")
        #expect(merge.status == 0, "\(merge)")
        let cyFile = try cy.text("goals/many.md")
        #expect(cyFile.contains("\n\(keys[5]): 2\n") && cyFile.contains("\n\(keys[50_000]): 4\n"))
        #expect(try timed(cy, "validate").status == 0)
        #expect(try timed(cy, "log", "many").status == 0)
        #expect(try timed(cy, "blame", "many").status == 0)
        #expect(try timed(cy, "status").status == 0)
        print("100,000 keys: \(timings.joined(separator: "; "))")
    }

    /// How many goal files the many-goals case holds.
    static let manyGoals = 20_000

    @Test("20,000 goal files from a remote: cloned, pulled, validated and reported in bounded time")
    func twentyThousandGoals() throws {
        let scene = try Scene()
        let ana = scene.ana
        for i in 0..<Self.manyGoals {
            let id = String(format: "m%05d", i)
            try ana.write("goals/\(id).md", "---\nid: \(id)\ntitle: Goal \(i)\nstatus: draft\n---\nbody \(i)\n")
        }
        try ana.git("add", "-A").requireOK("add")
        try ana.git("commit", "-q", "--no-verify", "-m", "20,000 goals").requireOK("commit")
        try ana.git("push", "-q", "origin", "main").requireOK("push")
        var timings = [String]()
        @discardableResult
        func timed(_ dir: String, _ args: String...) throws -> ProcessResult {
            let start = ContinuousClock.now
            let r = try RemoteHostileTests.bounded(scene.team.binary, args, in: dir, env: scene.team.env.merging(scene.cy.identity) { $1 }, seconds: 300)
            timings.append("\(args.first ?? "") \(ContinuousClock.now - start)")
            #expect(r.status == 0, "\(args): \(r)")
            return r
        }
        try timed(scene.cy.dir, "pull")
        try timed(scene.ben.dir, "pull")
        try timed(scene.team.base, "clone", scene.team.remote, "fresh")
        let fresh = scene.team.base + "/fresh"
        #expect(try timed(fresh, "validate").stdout.contains("goal files checked: 0 errors"))
        try timed(fresh, "status")
        try timed(fresh, "list")
        try timed(fresh, "report")
        try timed(fresh, "log", "m00042")
        print("20,000 goals: \(timings.joined(separator: "; "))")
    }

    // MARK: 4. NUL bytes and bytes that are not UTF-8

    @Test("NUL bytes and bytes that are not UTF-8 in goal files, a commit message and its author: named, escaped, never a crash")
    func nulAndInvalidUTF8() throws {
        let scene = try Scene()
        let before = scene.outside()
        let nul = Array("---\nid: nul\ntitle: a".utf8) + [0] + Array("b\nstatus: draft\n---\n".utf8)
        let bad = Array("---\nid: bad\ntitle: caf".utf8) + [0xC3, 0x28] + Array("\nstatus: draft\n---\n".utf8)
        let tree = try scene.tree(goals: [.init("100644", "nul.md", try scene.remote.blob(nul)), .init("100644", "bad.md", try scene.remote.blob(bad))])
        // The commit object written as it is: a NUL and an escape in its message, bytes that are
        // not UTF-8 in the author's name and a NUL in the e-mail.
        var raw = Array("tree \(tree)\nparent \(scene.good)\nauthor Ev".utf8) + [0xFF] + Array("il <e".utf8) + [0] + Array("v@x> 1700000000 +0000\n".utf8)
        raw += Array("committer Ev".utf8) + [0xC3] + Array("il <ev@x> 1700000000 +0000\n\nmsg with ".utf8) + [0] + Array(" nul and ".utf8) + [0xFF, 0xFE] + Array(" bytes\u{1B}[2J\n".utf8)
        let commit = try scene.remote.git(["hash-object", "-t", "commit", "-w", "--literally", "--stdin"], stdin: raw)
        try scene.remote.setBranch("refs/heads/main", to: commit)
        let (cy, ben) = (scene.cy, scene.ben)
        let errors = ["goals/bad.md: error: file is not valid UTF-8", "goals/nul.md: error: file holds binary data (a NUL byte)"]
        let ff = try scene.run(cy, "pull")
        #expect(ff.status == 1 && errors.allSatisfy { ff.stderr.contains($0) }, "\(ff)")
        #expect(cy.head == commit)
        let validate = try scene.run(cy, "validate")
        #expect(validate.status == 1 && errors.allSatisfy { validate.stdout.contains($0) }, "\(validate)")
        for args in [["log"], ["log", "nul"], ["contributors"], ["report"], ["status"], ["list"], ["status", "--json"]] {
            let r = try RemoteHostileTests.bounded(scene.team.binary, args, in: cy.dir, env: scene.team.env.merging(cy.identity) { $1 })
            #expect(r.status == 0, "\(args): \(r)")
            #expect(!(r.stdout + r.stderr).unicodeScalars.contains { $0.value == 0 || $0.value == 0x1B }, "\(args) printed a raw NUL or ESC: \(r)")
        }
        let log = try scene.run(cy, "log")
        #expect(log.stdout.contains("msg with \\u{0} nul and \u{FFFD}\u{FFFD} bytes\\e[2J"), "\(log)")
        #expect(log.stdout.contains("Ev\u{FFFD}il <e\\u{0}v@x>"), "\(log)")
        let revision = try scene.run(cy, "validate", "--rev", "HEAD")
        #expect(revision.status == 1 && revision.stdout.contains("goals/nul.md: error: file holds binary data"), "\(revision)")
        expectCleanFailure(try scene.run(cy, "blame", "nul"), exit: 1, mentioning: "binary data (a NUL byte)")
        let merge = try scene.run(ben, "pull")
        #expect(merge.status == 1 && errors.allSatisfy { merge.stderr.contains($0) }, "\(merge)")
        #expect(try scene.run(ben, "pull", "--abort").status == 0)
        #expect(try scene.clone("fresh").status == 0)
        scene.expectNothingOutside(before)
    }

    @Test("A file name that is not UTF-8, and a tree whose entry name holds a NUL (a malformed tree): refused before anything is written")
    func badNames() throws {
        let scene = try Scene()
        let before = scene.outside()
        let (cy, ben) = (scene.cy, scene.ben)
        let blob = try scene.remote.git(["rev-parse", "\(scene.good):goals/g.md"])
        try scene.publish(try scene.tree(goals: [.init("100644", Array("caf".utf8) + [0xC3, 0x28] + Array(".md".utf8), blob)]))
        let states = (try cy.state(), try ben.state())
        for m in [cy, ben] {
            expectCleanFailure(try scene.run(m, "pull"), exit: 2, mentioning: "because of goals/caf\\xC3(.md: ")
        }
        expectCleanFailure(try scene.clone("fresh"), exit: 2, mentioning: "because of goals/caf\\xC3(.md in its commit")
        #expect(!FileSystem.exists(scene.team.base + "/fresh"))
        // A NUL inside a name ends it for git: the rest is read as the object id, and the tree no longer parses.
        try scene.publish(try scene.tree(goals: [.init("100644", Array("a".utf8) + [0] + Array("b.md".utf8), blob)]))
        for m in [cy, ben] {
            let r = try scene.run(m, "pull")
            expectCleanFailure(r, exit: 2)
        }
        expectCleanFailure(try scene.clone("fresh"), exit: 2)
        #expect(!FileSystem.exists(scene.team.base + "/fresh"))
        #expect(try cy.state() == states.0)
        #expect(try ben.state() == states.1)
        scene.expectNothingOutside(before)
    }

    // MARK: 5. What goalsync reads, as something else

    enum Layout: String, CaseIterable, Sendable {
        case goalFolder, goalsFile, goalsSymlink, goalsGitlink, settingsFile, settingsGitlink, configFolder, configSymlink, visionFolder
        case goalSymlinkUp, goalSymlinkAbsolute, longName

        /// The entry as the error shows it, and what it says of it.
        var refusal: (path: String, reason: String) {
            switch self {
            case .goalFolder: return ("goals/x.md", "a folder named like a goal file")
            case .goalsFile: return ("goals", "a file where goalsync keeps its folder goals/")
            case .goalsSymlink: return ("goals", "a symbolic link to '/etc'")
            case .goalsGitlink: return ("goals", "a submodule")
            case .settingsFile: return (".goalsync", "a file where goalsync keeps its folder .goalsync/")
            case .settingsGitlink: return (".goalsync", "a submodule")
            case .configFolder: return (".goalsync/config.yaml", "a folder where goalsync reads its settings file")
            case .configSymlink: return (".goalsync/config.yaml", "a symbolic link to '/etc/passwd'")
            case .visionFolder: return ("VISION.md", "a folder where goalsync reads a file")
            case .goalSymlinkUp: return ("goals/x.md", "a symbolic link to '../../x'")
            case .goalSymlinkAbsolute: return ("goals/x.md", "a symbolic link to '/tmp/goalsync-pwned'")
            case .longName: return ("goals/" + String(repeating: "L", count: 300) + ".md", "the name is 303 bytes long; file systems hold names of at most 255 bytes")
            }
        }

        func tree(_ scene: Scene) throws -> String {
            let b = scene.remote
            let file = try b.blob("hello\n")
            let good = scene.good
            let gitlink = good
            func link(_ target: String) throws -> String { try b.blob(target) }
            func settings(_ config: TreeBuilder.Entry) throws -> TreeBuilder.Entry {
                .init("40000", ".goalsync", try b.tree(try b.entries(of: "\(good):.goalsync").filter { $0.name != config.name } + [config]))
            }
            switch self {
            case .goalFolder: return try scene.tree(goals: [.init("40000", "x.md", try b.tree([.init("100644", "inner.md", try b.git(["rev-parse", "\(good):goals/g.md"]))]))])
            case .goalsFile: return try scene.tree(root: [.init("100644", "goals", file)])
            case .goalsSymlink: return try scene.tree(root: [.init("120000", "goals", try link("/etc"))])
            case .goalsGitlink: return try scene.tree(root: [.init("160000", "goals", gitlink)])
            case .settingsFile: return try scene.tree(root: [.init("100644", ".goalsync", file)])
            case .settingsGitlink: return try scene.tree(root: [.init("160000", ".goalsync", gitlink)])
            case .configFolder: return try scene.tree(root: [try settings(.init("40000", "config.yaml", try b.git(["rev-parse", "\(good):goals"])))])
            case .configSymlink: return try scene.tree(root: [try settings(.init("120000", "config.yaml", try link("/etc/passwd")))])
            case .visionFolder: return try scene.tree(root: [.init("40000", "VISION.md", try b.git(["rev-parse", "\(good):goals"]))])
            case .goalSymlinkUp: return try scene.tree(goals: [.init("120000", "x.md", try link("../../x"))])
            case .goalSymlinkAbsolute: return try scene.tree(goals: [.init("120000", "x.md", try link("/tmp/goalsync-pwned"))])
            case .longName: return try scene.tree(goals: [.init("100644", String(repeating: "L", count: 300) + ".md", try b.git(["rev-parse", "\(good):goals/g.md"]))])
            }
        }
    }

    @Test("goals/, .goalsync/, the config, VISION.md or a goal file as a folder, a file, a symbolic link or a submodule: refused by pull and clone before any write, and named by validate --rev", arguments: Layout.allCases)
    func layout(_ layout: Layout) throws {
        let scene = try Scene()
        let before = scene.outside()
        let (cy, ben) = (scene.cy, scene.ben)
        let hostile = try scene.publish(try layout.tree(scene))
        let (path, reason) = layout.refusal
        let states = (try cy.state(), try ben.state())
        for (m, command) in [(cy, "pull"), (ben, "pull"), (cy, "sync"), (ben, "sync")] {
            let r = try scene.run(m, command)
            expectCleanFailure(r, exit: 2, mentioning: "origin/main (commit \(hostile.prefix(8))) was not applied because of \(path): \(reason)")
            #expect(r.stderr.contains("Nothing was written: your files, index and branch are as they were."), "\(r)")
        }
        #expect(try cy.state() == states.0)
        #expect(try ben.state() == states.1)
        expectCleanFailure(try scene.clone("fresh"), exit: 2, mentioning: "was not cloned because of \(path) in its commit \(hostile.prefix(8)): \(reason)")
        #expect(!FileSystem.exists(scene.team.base + "/fresh"))
        let revision = try scene.run(cy, "validate", "--rev", "origin/main")
        #expect(revision.status == 1 && revision.stdout.contains("\(path): error: \(reason)"), "\(revision)")
        scene.expectNothingOutside(before)

        // Fixed in a new commit: both pull it, and it clones.
        try scene.publish(try scene.remote.git(["rev-parse", "\(scene.good)^{tree}"]), message: "fix")
        #expect(try scene.run(cy, "pull").status == 0)
        #expect(try scene.run(ben, "pull").status == 0)
        #expect(try scene.clone("fresh").status == 0)
    }

    // MARK: 6. A malicious config

    /// A config pushed by a teammate, what `validate` says of it, and a mark of its own.
    struct BadConfig: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var says: String
        var testDescription: String { name }
        init(_ name: String, _ text: String, says: String) { self.init(name, Array(text.utf8), says: says) }
        init(_ name: String, _ bytes: [UInt8], says: String) {
            self.name = name
            self.bytes = bytes
            self.says = says
        }
    }

    /// `EVIL` in a text is replaced by the path of a bare repository beside the clones.
    static let badConfigs: [BadConfig] = [
        BadConfig("format of the wrong type", "format: [1]\n", says: ".goalsync/config.yaml:1: format a list is not one this goalsync reads (1)"),
        BadConfig("cadence past any integer", "format: 1\ncadence_days: 99999999999999999999999\n", says: ".goalsync/config.yaml:2: cadence_days must be a whole number"),
        BadConfig("lint of the wrong type", "format: 1\nlint: 7\n", says: ".goalsync/config.yaml:2: lint must map rule codes"),
        BadConfig("sync of the wrong type", "format: 1\nsync: [origin]\n", says: ".goalsync/config.yaml:2: sync must be a mapping"),
        BadConfig("sync.remote a path", "format: 1\nsync:\n  remote: EVIL\n", says: ".goalsync/config.yaml:3: sync.remote must name a git remote"),
        BadConfig("sync.remote a URL", "format: 1\nsync:\n  remote: https://attacker.invalid/steal.git\n", says: ".goalsync/config.yaml:3: sync.remote must name a git remote"),
        BadConfig("sync.remote an ssh option", "format: 1\nsync: {remote: '-oProxyCommand=touch pwned'}\n", says: ".goalsync/config.yaml:2: sync.remote must name a git remote"),
        BadConfig("sync.remote a mapping", "format: 1\nsync:\n  remote: {url: EVIL}\n", says: ".goalsync/config.yaml:3: sync.remote must name a git remote"),
        BadConfig("sync.branch a refspec", "format: 1\nsync:\n  remote: origin\n  branch: 'main:refs/heads/evil'\n", says: ".goalsync/config.yaml:4: sync.branch must be a branch name"),
        BadConfig("sync.branch a pattern", "format: 1\nsync:\n  branch: '*'\n", says: ".goalsync/config.yaml:3: sync.branch must be a branch name"),
        BadConfig("sync.branch climbing", "format: 1\nsync:\n  branch: ../../../HEAD\n", says: ".goalsync/config.yaml:3: sync.branch must be a branch name"),
        BadConfig("a NUL byte", Array("format: 1\nproduct: a".utf8) + [0] + Array("b\n".utf8), says: ".goalsync/config.yaml: front matter is not valid YAML"),
        BadConfig("not UTF-8", Array("format: 1\nproduct: ".utf8) + [0xFF, 0xFE, 0x0A], says: ".goalsync/config.yaml: file is not valid UTF-8"),
        BadConfig("a billion laughs", "format: 1\n" + HostileInputTests.laughs(), says: ".goalsync/config.yaml:6: the YAML's aliases expand to"),
        BadConfig("50 MB", "format: 1\nproduct: " + String(repeating: "x", count: 50_000_000) + "\n", says: ".goalsync/config.yaml: file is 50,000,020 bytes, over goalsync's limit of 1 MiB"),
    ]

    @Test("A teammate's malicious .goalsync/config.yaml: named by every command, never a way to push elsewhere or run anything; pull and clone go on", arguments: badConfigs)
    func maliciousConfig(_ bad: BadConfig) throws {
        let scene = try Scene()
        let evil = scene.team.base + "/evil.git"
        try scene.team.run(TestRepo.gitPath, ["init", "-q", "--bare", evil], in: scene.team.base).requireOK("init evil")
        let before = scene.outside()
        let text = String(decoding: bad.bytes, as: UTF8.self)
        let bytes = text.contains("EVIL") ? Array(text.replacingOccurrences(of: "EVIL", with: evil).utf8) : bad.bytes
        try scene.publish(try scene.tree(config: bytes))
        let (cy, ben) = (scene.cy, scene.ben)
        let warning = "goalsync: warning: \(bad.says)"
        #expect(try scene.run(cy, "pull").status == 0)
        expectCleanFailure(try scene.run(cy, "validate"), exit: 2, mentioning: "goalsync: error: \(bad.says)")
        for args in [["status"], ["list"], ["log"]] {
            let r = try RemoteHostileTests.bounded(scene.team.binary, args, in: cy.dir, env: scene.team.env.merging(cy.identity) { $1 })
            #expect(r.status == 0 && r.stderrLines.count == 1 && r.stderr.hasPrefix(warning), "\(args): \(r)")
        }
        // On a branch with no upstream, where sync.remote would apply: the push refuses (the config
        // is unusable), and the pull goes to origin with the default settings. Nothing reaches EVIL.
        try cy.git("switch", "-q", "-c", "feature").requireOK("switch")
        try cy.write("notes.txt", "mine\n")
        try cy.git("add", "notes.txt").requireOK("add")
        try cy.git("commit", "-q", "--no-verify", "-m", "notes").requireOK("commit")
        expectCleanFailure(try scene.run(cy, "push"), exit: 2, mentioning: bad.says)
        expectCleanFailure(try scene.run(cy, "sync"), exit: 2, mentioning: bad.says)
        let pull = try scene.run(cy, "pull")
        #expect(pull.status == 0 && pull.stderr.hasPrefix(warning), "\(pull)")
        #expect(try scene.team.run(TestRepo.gitPath, ["for-each-ref"], in: evil).stdout.isEmpty, "something was pushed to \(evil)")
        #expect(try scene.team.run(TestRepo.gitPath, ["for-each-ref", "refs/heads"], in: scene.team.remote).stdout.split(separator: "\n").count == 1)
        let merge = try scene.run(ben, "pull")
        #expect(merge.status == 0 && merge.stdout.contains("Merged"), "\(merge)")
        let clone = try scene.clone("fresh")
        #expect(clone.status == 0 && clone.stdout.contains("pre-commit hook installed"), "\(clone)")
        #expect(clone.stderrLines.count == 1 && clone.stderr.hasPrefix(warning), "\(clone)")
        scene.expectNothingOutside(before)
    }

    @Test("sync.remote and sync.branch as goalsync init documents them still read")
    func goodSyncSettings() throws {
        let config = try RepoConfig.parse("format: 1\nsync:\n  remote: team-origin\n  branch: release/2026.1\n")
        #expect(config.syncRemote == "team-origin" && config.syncBranch == "release/2026.1")
        for name in ["origin", "up_stream", "a.b", "o2"] { #expect(RepoConfig.isRemoteName(name), "\(name)") }
        for name in ["", "-x", ".x", "a/b", "a:b", "https://h/x", "a b", "ü"] { #expect(!RepoConfig.isRemoteName(name), "\(name)") }
        for name in ["main", "release/1.0", "feature/x-y", "v1"] { #expect(RepoConfig.isBranchName(name), "\(name)") }
        for name in ["", "-x", "a..b", "a:b", "*", "a b", "x.lock", ".hidden", "a/.b", "a/", "a//b", "@", "a@{1}", "a~1", "a^", "a?", "a[", "a\\b"] {
            #expect(!RepoConfig.isBranchName(name), "\(name)")
        }
    }

    // MARK: 7. File names that mean something to a shell

    static let weirdNames: [String] = [
        "new\nline.md", "$(touch pwned).md", "a`touch pwned`b.md", "x;touch pwned;.md", "-rf.md", "--output=x.md", "'q'.md",
        "\"dq\".md", "a b.md", "*.md", "ü.md", "esc\u{1B}[31m.md", String(repeating: "L", count: 240) + ".md",
    ]

    @Test("Goal files named with newlines, $(...), backticks, ;, a leading -, quotes or 244 bytes: pulled, merged by goalsync pull and by git's merge driver field by field, nothing run")
    func shellMeaningfulNames() throws {
        let scene = try Scene()
        let before = scene.outside()
        let (ana, ben, cy) = (scene.ana, scene.ben, scene.cy)
        let names = Self.weirdNames
        for (i, name) in names.enumerated() {
            try ana.write("goals/" + name, "---\nid: w\(i)\ntitle: Weird \(i)\nstatus: draft\nwhy: base\n---\nbody\n")
        }
        try ana.git("add", "-A").requireOK("add")
        try ana.git("commit", "-q", "--no-verify", "-m", "weird names").requireOK("commit")
        try ana.git("push", "-q", "origin", "main").requireOK("push")

        // A fast-forward: every file written; each breaks the rules (its id is not its name), each
        // named on one line of its own (the newline shown as \n).
        let ff = try scene.run(cy, "pull")
        #expect(ff.status == 1 && ff.stdout.contains("Fast-forwarded"), "\(ff)")
        for name in names { #expect(FileSystem.exists(cy.dir + "/goals/" + name), "\(name)") }
        #expect(ff.stderrLines.filter { $0.hasPrefix("goals/") }.count == names.count, "\(ff)")
        #expect(ff.stderr.contains("goals/new\\nline.md:2: error: id:"), "\(ff)")
        #expect(!ff.stderr.contains("\u{1B}"))
        try ben.git("-c", "pull.rebase=false", "pull", "-q", "--no-edit", "--no-verify").requireOK("ben's git pull")

        // Ana changes `why` in each; Cy and Ben change `title`.
        func edit(_ m: Member, _ from: String, _ to: String, _ message: String) throws {
            for name in names { try m.write("goals/" + name, try m.text("goals/" + name).replacingOccurrences(of: from, with: to)) }
            try m.git("commit", "-q", "--no-verify", "-am", message).requireOK("commit")
        }
        try edit(ana, "why: base", "why: Ana's reason", "why")
        try ana.git("push", "-q", "origin", "main").requireOK("push")
        try edit(cy, "title: Weird", "title: Cy's weird", "title")
        try edit(ben, "title: Weird", "title: Ben's weird", "title")

        // git's merge runs goalsync's driver with each name as %P (git quotes it for the shell).
        let merge = try scene.team.run(TestRepo.gitPath, ["-c", "pull.rebase=false", "pull", "--no-edit", "--no-verify"], in: cy.dir, extra: cy.identity)
        #expect(merge.status == 0, "\(merge)")
        for (i, name) in names.enumerated() {
            let text = try cy.text("goals/" + name)
            #expect(text.contains("title: Cy's weird \(i)\n") && text.contains("why: Ana's reason\n"), "\(name): \(text)")
        }
        // goalsync pull merges them field by field too; the merged tree still breaks the rules, so
        // it stops before committing, with each file on a line of its own.
        let pull = try scene.run(ben, "pull")
        #expect(pull.status == 1 && pull.stderr.contains("The pull stopped before committing"), "\(pull)")
        #expect(pull.stderrLines.filter { $0.hasPrefix("goals/") }.count == names.count, "\(pull)")
        for (i, name) in names.enumerated() {
            let text = try ben.text("goals/" + name)
            #expect(text.contains("title: Ben's weird \(i)\n") && text.contains("why: Ana's reason\n"), "\(name): \(text)")
        }
        #expect(try scene.run(ben, "pull", "--abort").status == 0)
        #expect(try scene.clone("fresh").status == 0)
        for dir in [cy.dir, ben.dir, scene.ana.dir, scene.team.base + "/fresh", scene.team.base] {
            #expect(!FileSystem.exists(dir + "/pwned"), "a name was run as a command in \(dir)")
        }
        scene.expectNothingOutside(before)
    }

    // MARK: 8. Conflict markers

    @Test("A goal file with conflict markers pushed past the hook: named with its line by pull, validate and writes; a merge stops; the fix pulls")
    func conflictMarkersFromRemote() throws {
        let scene = try Scene()
        let (ana, ben, cy) = (scene.ana, scene.ben, scene.cy)
        let clean = try ana.text("goals/g.md")
        try ana.write("goals/g.md", clean.replacingOccurrences(of: "title: Raise activation from 30% to 50%", with: "<<<<<<< ours\ntitle: A\n=======\ntitle: B\n>>>>>>> theirs"))
        try ana.git("commit", "-q", "--no-verify", "-am", "markers").requireOK("commit")
        try ana.git("push", "-q", "origin", "main").requireOK("push")
        let error = "goals/g.md:3: error: file holds git conflict markers"
        let ff = try scene.run(cy, "pull")
        #expect(ff.status == 1 && ff.stdout.contains("Fast-forwarded") && ff.stderr.contains(error), "\(ff)")
        #expect(try scene.run(cy, "validate").stdout.contains(error))
        let status = try scene.run(cy, "status")
        #expect(status.status == 0 && status.stderr.contains(error), "\(status)")
        expectCleanFailure(try scene.run(cy, "set", "g", "why", "x"), exit: 1, mentioning: error)
        let merge = try scene.run(ben, "pull")
        #expect(merge.status == 1 && merge.stderr.contains("The pull stopped before committing") && merge.stderr.contains(error), "\(merge)")
        #expect(try scene.run(ben, "pull", "--abort").status == 0)
        // Ana fixes it.
        try ana.write("goals/g.md", clean.replacingOccurrences(of: "title: Raise activation from 30% to 50%", with: "title: B"))
        try ana.git("commit", "-q", "--no-verify", "-am", "fix").requireOK("commit")
        try ana.git("push", "-q", "origin", "main").requireOK("push")
        #expect(try scene.run(cy, "pull").status == 0)
        let fixed = try scene.run(ben, "pull")
        #expect(fixed.status == 0 && fixed.stdout.contains("Merged"), "\(fixed)")
        #expect(try ben.text("goals/g.md").contains("title: B\n"))
        #expect(try ben.text("goals/g.md").contains("persona: New admins"))
    }
}
