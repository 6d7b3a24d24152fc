import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// SPEC §5: bad input gives one clear line on stderr (plus diagnostics for validation), the exit
/// code of its kind (1 validation, 2 repository, 64 usage), no crash, and changes nothing.
@Suite("Bad input")
struct BadInputTests {
    struct BadFile: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        /// What `validate` says about it.
        var says: String
        /// The line it names (nil: the message names none).
        var line: Int?
        /// True when the file cannot be read as a goal at all (so `show` refuses it too).
        var unreadable: Bool
        var testDescription: String { name }

        init(_ name: String, _ text: String, says: String, line: Int?, unreadable: Bool = true) {
            self.init(name, Array(text.utf8), says: says, line: line, unreadable: unreadable)
        }

        init(_ name: String, _ bytes: [UInt8], says: String, line: Int?, unreadable: Bool = true) {
            self.name = name
            self.bytes = bytes
            self.says = says
            self.line = line
            self.unreadable = unreadable
        }
    }

    static let good = GoalText.clean(id: "bad")

    static let badFiles: [BadFile] = [
        BadFile("malformed YAML", "---\nid: bad\ntitle: [unclosed\nstatus: draft\n---\nbody\n", says: "front matter is not valid YAML", line: 4),
        BadFile("a tab used for indentation", "---\nid: bad\ntitle: T\nproof:\n\t- x\n---\n", says: "front matter is not valid YAML", line: 5),
        BadFile("no front matter", "# Just a heading\n\nSome text.\n", says: "does not start with a front matter line '---'", line: 1),
        BadFile("an empty file", "", says: "does not start with a front matter line '---'", line: 1),
        BadFile("unterminated front matter", "---\nid: bad\ntitle: T\nstatus: draft\n", says: "front matter is not closed", line: 1),
        BadFile("front matter that is a list", "---\n- id\n- title\n---\n", says: "must be a YAML mapping", line: 2),
        BadFile("a key twice", "---\nid: bad\ntitle: T\nstatus: draft\ntitle: U\n---\n", says: "field 'title' appears twice", line: 3),
        BadFile("wrong types", good.setting("title", "[a, b]").setting("order", "first").text, says: "title must be text, not a list", line: 3, unreadable: false),
        BadFile("an unknown status", good.setting("status", "someday").text, says: "status 'someday' is not one of", line: 4, unreadable: false),
        BadFile("an id that differs from the file name", good.setting("id", "other").text, says: "differs from the file name 'bad.md'", line: 2, unreadable: false),
        BadFile("invalid UTF-8", Array("---\nid: bad\ntitle: caf".utf8) + [0xC3, 0x28] + Array("\nstatus: draft\n---\n".utf8), says: "not valid UTF-8", line: nil),
        BadFile("a NUL byte", Array("---\nid: bad\ntitle: T".utf8) + [0] + Array("\nstatus: draft\n---\n".utf8), says: "binary data (a NUL byte)", line: nil),
        BadFile("over 1 MiB", good.withBody(String(repeating: "x", count: 1 << 20)).text, says: "over goalsync's limit of 1 MiB", line: nil),
        BadFile("conflict markers", "---\nid: bad\n<<<<<<< ours\ntitle: A\n=======\ntitle: B\n>>>>>>> theirs\nstatus: draft\n---\n", says: "conflict markers", line: 3),
    ]

    @Test("A bad goal file: validate reports it with its line, show and set refuse it, nothing changes", arguments: badFiles)
    func badFile(_ bad: BadFile) throws {
        let repo = try TestRepo()
        try repo.commitGoal("good", GoalText.clean(id: "good").text)
        try repo.writeBytes("goals/bad.md", bad.bytes)
        let before = try repo.snapshot()

        let v = try repo.goalsync("validate")
        #expect(v.status == 1, "\(v)")
        let location = "goals/bad.md" + (bad.line.map { ":\($0)" } ?? "") + ": error: "
        let reported = v.stdout.split(separator: "\n").first { $0.hasPrefix(location) && $0.contains(bad.says) }
        #expect(reported != nil, "validate should say \(location)…\(bad.says): \(v)")
        #expect(!v.stdout.contains("goals/good.md"), "the good goal is fine: \(v.stdout)")
        expectNoCrash(v)

        let show = try repo.goalsync("show", "bad")
        if bad.unreadable {
            expectCleanFailure(show, exit: 1, mentioning: bad.says)
            #expect(show.stderr.hasPrefix("goalsync: error: goals/bad.md"))
        } else {
            #expect(show.status == 0)
        }

        let set = try repo.goalsync("set", "bad", "why", "Because")
        expectCleanFailure(set, exit: 1, mentioning: bad.says, allowDiagnostics: !bad.unreadable)
        let list = try repo.goalsync("list")
        #expect(list.status == 0)
        #expect(list.stdout.contains("good"))
        expectNoCrash(list)
        let after = try repo.snapshot()
        #expect(after == before, "changed: \(after.changedFiles(since: before))")
    }

    @Test("Duplicate ids: validate names both files; a write that keeps them is refused")
    func duplicateIDs() throws {
        let repo = try TestRepo()
        try repo.commitGoal("good", GoalText.clean(id: "good").text)
        try repo.write("goals/copy.md", GoalText.clean(id: "good").text)
        #expect(try repo.commitAll("copy", verify: false).status == 0)
        let before = try repo.snapshot()
        let v = try repo.goalsync("validate")
        #expect(v.status == 1)
        #expect(v.stdout.contains("goals/copy.md: error: id: id 'good' is already used by goals/good.md"), "\(v)")
        #expect(v.stdout.contains("goals/copy.md:2: error: id: id 'good' differs from the file name 'copy.md'"))
        let set = try repo.goalsync("set", "good", "why", "Because")
        expectCleanFailure(set, exit: 1, mentioning: "already used by", allowDiagnostics: true)
        #expect(try repo.snapshot() == before)
    }

    static let hostileIDs = ["../x", "../../outside", "a/b", "UPPER", "", ".hidden", "x.md", "a b", "ünï", String(repeating: "a", count: 65), "a\nb"]

    @Test("Hostile ids on the command line are usage errors and write nothing anywhere", arguments: hostileIDs)
    func hostileID(_ id: String) throws {
        let repo = try TestRepo()
        try repo.commitGoal("good", GoalText.clean(id: "good").text)
        let before = try repo.snapshot()
        let commands: [[String]] = [
            ["show", id], ["set", id, "title", "X"], ["new", "A title", "--id", id], ["add", id, "tags", "x"],
            ["remove", id, "tags", "x"], ["checkin", id, "activation", "3"], ["activate", id], ["edit", id],
        ]
        for args in commands {
            let r = try repo.goalsync(args, env: ["EDITOR": "true"])
            expectCleanFailure(r, exit: 64, mentioning: "is not a valid goal id")
        }
        let after = try repo.snapshot()
        #expect(after == before, "changed: \(after.changedFiles(since: before))")
    }

    @Test("An unknown goal id is a usage error")
    func unknownID() throws {
        let repo = try TestRepo()
        let before = try repo.snapshot()
        for args in [["show", "nope"], ["set", "nope", "title", "X"], ["checkin", "nope", "m", "1"], ["activate", "nope"], ["add", "nope", "tags", "x"]] {
            expectCleanFailure(try repo.goalsync(args), exit: 64, mentioning: "no goal with id 'nope' (goals/nope.md); there are no goals yet")
        }
        #expect(try repo.snapshot() == before)
    }

    @Test("A goal file that is a symbolic link out of the repository: reported, refused, its target untouched")
    func symlinkGoal() throws {
        let repo = try TestRepo()
        let outside = repo.base + "/outside.md"
        let target = GoalText.clean(id: "link").text
        try target.write(toFile: outside, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: repo.path("goals/link.md"), withDestinationPath: "../../outside.md")
        let before = try repo.snapshot()

        let v = try repo.goalsync("validate")
        #expect(v.status == 1)
        #expect(v.stdout.contains("goals/link.md: error: goal file is a symbolic link"), "\(v)")
        expectCleanFailure(try repo.goalsync("show", "link"), exit: 1, mentioning: "symbolic link")
        expectCleanFailure(try repo.goalsync("set", "link", "title", "Hijacked"), exit: 1, mentioning: "symbolic link")
        expectCleanFailure(try repo.goalsync(["edit", "link"], env: ["EDITOR": "true"]), exit: 1, mentioning: "symbolic link")
        expectCleanFailure(try repo.goalsync("checkin", "link", "activation", "40"), exit: 1, mentioning: "symbolic link")
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == target)
        #expect(try repo.snapshot() == before)
    }

    @Test("A missing identity: exit 2, says how to set it, commits and changes nothing")
    func missingIdentity() throws {
        let repo = try TestRepo()
        try repo.newGoal(id: "g")
        let emptyHome = repo.base + "/empty-home", emptyXDG = repo.base + "/empty-xdg"
        try FileManager.default.createDirectory(atPath: emptyHome, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: emptyXDG, withIntermediateDirectories: true)
        let env: [String: String?] = [
            "HOME": emptyHome, "XDG_CONFIG_HOME": emptyXDG, "GIT_CONFIG_NOSYSTEM": "1", "EMAIL": nil,
            "GIT_AUTHOR_NAME": nil, "GIT_AUTHOR_EMAIL": nil, "GIT_COMMITTER_NAME": nil, "GIT_COMMITTER_EMAIL": nil,
        ]
        #expect(try repo.git(["config", "--local", "--get", "user.name"]).status != 0, "the repository has no local user")
        let before = try repo.snapshot()
        for args in [["set", "g", "title", "X"], ["new", "Another goal"], ["add", "g", "tags", "x"], ["set", "g", "status", "proposed"]] {
            let r = try repo.goalsync(args, env: env)
            expectCleanFailure(r, exit: 2, mentioning: "git config --global user.name")
        }
        #expect(try repo.snapshot() == before)
        // An email alone is not enough; a name alone is not either.
        var onlyEmail = env
        onlyEmail["EMAIL"] = "ana@example.com"
        expectCleanFailure(try repo.goalsync(["set", "g", "title", "X"], env: onlyEmail), exit: 2, mentioning: "user.name")
        var onlyName = env
        onlyName["GIT_AUTHOR_NAME"] = "Ana"
        onlyName["GIT_COMMITTER_NAME"] = "Ana"
        expectCleanFailure(try repo.goalsync(["set", "g", "title", "X"], env: onlyName), exit: 2, mentioning: "git config --global user.email")
        #expect(try repo.snapshot() == before)
        // Reading needs no identity.
        #expect(try repo.goalsync(["list"], env: env).status == 0)

        // init checks the identity before it writes anything.
        let fresh = repo.base + "/fresh"
        expectCleanFailure(try repo.goalsync(["init", fresh], env: env), exit: 2, mentioning: "user.name")
        #expect(!FileManager.default.fileExists(atPath: fresh + "/.git"))
    }

    @Test("Not a git repository, and a git repository that is not a goal repository: exit 2")
    func notARepository() throws {
        let repo = try TestRepo(initialize: false)
        let before = try repo.snapshot()
        for args in [["list"], ["show", "x"], ["set", "x", "title", "y"], ["validate"], ["status"], ["hooks", "install"]] {
            expectCleanFailure(try repo.goalsync(args), exit: 2, mentioning: "is not in a git repository; run goalsync init there")
        }
        #expect(try repo.snapshot() == before)
        try repo.git("init", "-q")
        let plain = try repo.snapshot()
        for args in [["list"], ["new", "T"], ["validate"], ["status"]] {
            expectCleanFailure(try repo.goalsync(args), exit: 2, mentioning: "is a git repository but not a goal repository")
        }
        #expect(try repo.snapshot() == plain)
    }

    @Test("Usage errors from the argument parser exit 64 without a crash")
    func usageErrors() throws {
        let repo = try TestRepo()
        for args in [["bogus"], ["set", "g"], ["show"], ["list", "--status"], ["checkin", "g", "m"], ["--no-such-flag"]] {
            let r = try repo.goalsync(args)
            #expect(r.status == 64, "\(args): \(r)")
            expectNoCrash(r)
        }
    }
}
