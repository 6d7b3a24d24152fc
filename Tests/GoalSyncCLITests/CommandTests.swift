import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// SPEC §5 through the built binary: init, new, the reading commands, validate, status, identity
/// and `-C`. Each test works in its own temporary repository.
@Suite("Commands: init, new, reading, validate, status")
struct CommandTests {
    // MARK: init

    @Test("init makes a new repository on main with the goal files, the hook and one commit")
    func initNewRepository() throws {
        let repo = try TestRepo(initialize: false)
        let r = try repo.goalsync("init")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("on branch main"))
        #expect(try repo.gitOutput("symbolic-ref", "HEAD") == "refs/heads/main")
        #expect(try repo.commitCount() == 1)
        #expect(try repo.lastMessage().hasPrefix("init: goal repository for repo"))
        #expect(try repo.gitOutput("log", "-1", "--format=%an <%ae>") == "Ana Ruiz <ana@example.com>")
        for file in ["VISION.md", ".goalsync/config.yaml", ".gitattributes", "goals/.gitkeep", ".goalsync/schema/goal.schema.json"] {
            #expect(try repo.gitOutput("ls-files", file) == file, "\(file) is committed")
        }
        #expect(try repo.read(".gitattributes").contains("goals/*.md merge=goalsync"))
        let config = try RepoConfig.parse(try repo.read(".goalsync/config.yaml"))
        #expect(config.product == "repo")
        #expect(LintRule.allCases.allSatisfy { config.severity(of: $0) == .warning })
        let hook = repo.root + "/.git/hooks/pre-commit"
        #expect(FileManager.default.isExecutableFile(atPath: hook))
        #expect(try repo.read(".git/hooks/pre-commit").contains("goalsync pre-commit hook"))
        #expect(try repo.gitOutput("status", "--porcelain") == "")
        // The work tree validates.
        #expect(try repo.goalsync("validate").status == 0)
    }

    @Test("init honours init.defaultBranch from the global git config")
    func initDefaultBranch() throws {
        let repo = try TestRepo(initialize: false)
        try "[init]\n\tdefaultBranch = trunk\n".write(toFile: repo.home + "/.gitconfig", atomically: true, encoding: .utf8)
        let r = try repo.goalsync("init")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("on branch trunk"))
        #expect(try repo.gitOutput("symbolic-ref", "HEAD") == "refs/heads/trunk")
    }

    @Test("init adopts an existing git repository, keeping its history, branch and attributes")
    func initExistingRepository() throws {
        let repo = try TestRepo(initialize: false)
        try repo.git("init", "-q", "-b", "work")
        try repo.write("README.md", "# Team\n")
        try repo.write(".gitattributes", "*.png binary")
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "-m", "first")
        let first = repo.head
        let r = try repo.goalsync("init")
        #expect(r.status == 0, "\(r)")
        #expect(try repo.commitCount() == 2)
        #expect(try repo.gitOutput("rev-parse", "HEAD~1") == first)
        #expect(try repo.gitOutput("symbolic-ref", "HEAD") == "refs/heads/work")
        #expect(try repo.read("README.md") == "# Team\n")
        let attributes = try repo.read(".gitattributes")
        #expect(attributes.hasPrefix("*.png binary\n"))
        #expect(attributes.contains("goals/*.md merge=goalsync"))
        #expect(try repo.gitOutput("status", "--porcelain") == "")
    }

    @Test("init run twice changes nothing the second time")
    func initIdempotent() throws {
        let repo = try TestRepo()
        let before = try repo.snapshot()
        let r = try repo.goalsync("init")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("already a goal repository"))
        let after = try repo.snapshot()
        #expect(after == before, "changed: \(after.changedFiles(since: before))")
        #expect(try repo.commitCount() == 1)
    }

    @Test("init DIR and -C DIR before the subcommand")
    func initDirectoryArgument() throws {
        let repo = try TestRepo(initialize: false)
        let r = try repo.goalsync(["-C", repo.base, "init", "elsewhere", "--product", "Acme: Billing"], in: "/")
        #expect(r.status == 0, "\(r)")
        let other = repo.base + "/elsewhere"
        #expect(FileManager.default.fileExists(atPath: other + "/.goalsync/config.yaml"))
        let config = try RepoConfig.parse(String(decoding: try Data(contentsOf: URL(fileURLWithPath: other + "/.goalsync/config.yaml")), as: UTF8.self))
        #expect(config.product == "Acme: Billing")
        #expect(try repo.goalsync(["-C", other, "list"], in: "/").status == 0)
        // -C is relative to the previous one, as in git.
        #expect(try repo.goalsync(["-C", repo.base, "-C", "elsewhere", "validate"], in: "/").status == 0)
        expectCleanFailure(try repo.goalsync(["-C", repo.base + "/missing", "list"]), exit: 2, mentioning: "no such directory")
    }

    // MARK: new

    @Test("new prints the id, commits a draft owned by the author, and the same title twice gives two goals")
    func newGoal() throws {
        let repo = try TestRepo()
        let title = "Raise activation: from 30% to 50%"
        let r = try repo.goalsync("new", title)
        #expect(r.status == 0, "\(r)")
        let id = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.range(of: #"^raise-activation-from-30-to-50-[0-9a-z]{6}$"#, options: .regularExpression) != nil, "\(id)")
        try repo.expectOneCommit(since: 1, subject: "new(\(id)): \(title)", ids: [id], fields: ["id", "title", "status", "owner", "created"])
        let fm = try repo.frontMatter(id)
        #expect(fm["id"] == .string(id))
        #expect(fm["title"] == .string(title))
        #expect(fm["status"] == .string("draft"))
        #expect(fm["owner"] == .string("Ana Ruiz <ana@example.com>"))
        #expect(fm["created"] == .plain(TestRepo.today))
        #expect(try repo.goalsync("validate", "goals/\(id).md").status == 0)

        let second = try repo.goalsync("new", title)
        #expect(second.status == 0)
        let id2 = second.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id2 != id)
        #expect(repo.exists("goals/\(id).md") && repo.exists("goals/\(id2).md"))
        #expect(try repo.commitCount() == 3)
    }

    @Test("new --id and --set")
    func newWithOptions() throws {
        let repo = try TestRepo()
        let r = try repo.goalsync(
            "new", "Cut churn", "--id", "cut-churn", "--set", "persona=Small teams", "--set", "timeframe.end=2026-06-30",
            "--set", "tags=retention", "--set", "tags=q2", "--set", "order=3", "--set", "x-squad=Growth")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == "cut-churn\n")
        let fm = try repo.frontMatter("cut-churn")
        #expect(fm["persona"] == .string("Small teams"))
        #expect(fm["timeframe"] == .map(YAMLMap([("end", .plain("2026-06-30"))])))
        #expect(fm["tags"] == .list([.string("retention"), .string("q2")]))
        #expect(fm["order"] == .plain("3"))
        #expect(fm["x-squad"] == .string("Growth"))
        try repo.expectOneCommit(since: 1, subject: "new(cut-churn): Cut churn", ids: ["cut-churn"], fields: ["persona", "timeframe", "tags", "x-squad"])

        let before = try repo.snapshot()
        expectCleanFailure(try repo.goalsync("new", "Again", "--id", "cut-churn"), exit: 64, mentioning: "already exists")
        expectCleanFailure(try repo.goalsync("new", "T", "--set", "status=active"), exit: 64, mentioning: "--set status")
        expectCleanFailure(try repo.goalsync("new", "T", "--set", "timeframe.end=soon"), exit: 64, mentioning: "YYYY-MM-DD")
        expectCleanFailure(try repo.goalsync("new", "T", "--set", "novalue"), exit: 64, mentioning: "FIELD=VALUE")
        expectCleanFailure(try repo.goalsync("new", "   "), exit: 64, mentioning: "title is empty")
        #expect(try repo.snapshot() == before)
    }

    // MARK: list, show

    /// Three goals: a draft, a proposed one and an active one with a metric and a check-in.
    static func threeGoals() throws -> TestRepo {
        let repo = try TestRepo()
        try repo.writeVision()
        try repo.newGoal("Draft idea", id: "draft-idea")
        try repo.commitGoal("next-up", GoalText.clean(id: "next-up").setting("order", "2").text)
        try repo.commitGoal("faster-activation", GoalText.clean(id: "faster-activation", status: "active").setting("order", "1").text)
        return repo
    }

    @Test("list shows the goals ordered by order then id; --status filters; --json parses")
    func list() throws {
        let repo = try Self.threeGoals()
        let r = try repo.ok("list")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ID") == true)
        #expect(lines.dropFirst().map { String($0.prefix { $0 != " " }) } == ["faster-activation", "next-up", "draft-idea"])
        #expect(lines[1].contains("active") && lines[1].contains("20%"))

        let proposed = try repo.ok("list", "--status", "proposed")
        #expect(proposed.stdout.contains("next-up"))
        #expect(!proposed.stdout.contains("draft-idea") && !proposed.stdout.contains("faster-activation"))

        let json = try repo.ok("list", "--json")
        let listed = try #require(try parseJSON(json.stdout) as? [String: Any])
        #expect(listed["format"] as? Int == 1)
        #expect((listed["unreadable"] as? [Any])?.isEmpty == true)
        let items = try #require(listed["goals"] as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == ["faster-activation", "next-up", "draft-idea"])
        for item in items {
            #expect(Set(item.keys) == ["id", "title", "status", "order", "owner", "timeframe", "progress", "path"])
            #expect((item["owner"] as? [String: Any]).map { Set($0.keys) } == ["name", "email"], "a person is {name, email}")
        }
        #expect(items[0]["status"] as? String == "active")
        #expect(items[0]["path"] as? String == "goals/faster-activation.md")
        #expect((items[0]["progress"] as? Double).map { abs($0 - 0.2) < 1e-9 } == true)
        #expect((items[0]["timeframe"] as? [String: Any])?["end"] as? String == "2026-03-31")
        #expect(items[2]["order"] is NSNull)

        let activeOnly = try #require((try parseJSON(try repo.ok("list", "--status", "active", "--json").stdout) as? [String: Any])?["goals"] as? [[String: Any]])
        #expect(activeOnly.map { $0["id"] as? String } == ["faster-activation"])

        expectCleanFailure(try repo.goalsync("list", "--status", "done"), exit: 64, allowDiagnostics: true)
    }

    @Test("show prints the goal file and its progress; --json has the documented shape")
    func show() throws {
        let repo = try Self.threeGoals()
        let r = try repo.ok("show", "faster-activation")
        let canonical = YAMLWriter.document(try MarkdownDocument.parse(try repo.readBytes("goals/faster-activation.md")))
        #expect(r.stdout.hasPrefix(canonical))
        #expect(r.stdout.contains("Progress: 20%"))
        #expect(r.stdout.contains("activation: 30 → 34 → 50 percent"))

        let json = try #require(try parseJSON(try repo.ok("show", "faster-activation", "--json").stdout) as? [String: Any])
        #expect(json["id"] as? String == "faster-activation")
        #expect(json["path"] as? String == "goals/faster-activation.md")
        #expect(json["body"] as? String == GoalText.clean().body)
        let fm = try #require(json["front_matter"] as? [String: Any])
        #expect(fm["title"] as? String == "Raise new-admin activation from 30% to 50%")
        #expect(fm["created"] as? String == "2026-01-05")
        let metrics = try #require(json["metrics"] as? [[String: Any]])
        #expect(metrics.first?["id"] as? String == "activation")
        #expect(metrics.first?["current"] as? Double == 34)
        #expect(metrics.first?["baseline"] as? Double == 30)
        #expect((json["progress"] as? Double).map { abs($0 - 0.2) < 1e-9 } == true)
        #expect(Set(json.keys) == ["format", "id", "path", "front_matter", "body", "progress", "metrics", "breached_guardrails"])
    }

    @Test("--json output is the same bytes on every run, keys in the documented order")
    func jsonIsStable() throws {
        let repo = try Self.threeGoals()
        for args in [["show", "faster-activation", "--json"], ["list", "--json"], ["status", "--json"], ["validate", "--json"]] {
            let first = try repo.goalsync(args).stdout
            for _ in 0..<3 {
                #expect(try repo.goalsync(args).stdout == first, "\(args.joined(separator: " ")) printed different bytes")
            }
        }
        #expect(topLevelKeys(ofJSONObject: try repo.ok("show", "faster-activation", "--json").stdout)
            == ["format", "id", "path", "front_matter", "body", "progress", "metrics", "breached_guardrails"])
        #expect(topLevelKeys(ofJSONObject: try repo.ok("validate", "--json").stdout) == ["format", "files", "errors", "warnings", "diagnostics"])
    }

    @Test("JSON text keeps key order and escapes what JSON needs")
    func jsonText() throws {
        let hostile = "quote \" backslash \\ newline \n tab \t cr \r ctrl \u{01} ls \u{2028} slash / unicode 🎯"
        let value = JSONValue.object([
            ("z", .string(hostile)), ("a", .array([.number(1), .number(0.25), .number(-3), .bool(true), .null, .array([]), .object([])])),
            ("m", .object([("k", .number(.infinity))])),
        ])
        let text = value.text
        #expect(topLevelKeys(ofJSONObject: text) == ["z", "a", "m"])
        let parsed = try #require(try parseJSON(text) as? [String: Any])
        #expect(parsed["z"] as? String == hostile)
        let array = try #require(parsed["a"] as? [Any])
        #expect(array.count == 7)
        #expect(array[1] as? Double == 0.25)
        #expect((parsed["m"] as? [String: Any])?["k"] is NSNull)
    }

    // MARK: validate

    @Test("validate: exit 0 when clean, 1 on an error; --json; PATH arguments; lint severities from the config")
    func validate() throws {
        let repo = try Self.threeGoals()
        let clean = try repo.goalsync("validate")
        #expect(clean.status == 0, "\(clean)")
        #expect(clean.stdout.contains("3 goal files checked: 0 errors, 0 warnings"))

        // A lint warning in one file, an error in another (not committed).
        try repo.write("goals/next-up.md", GoalText.clean(id: "next-up").removing("persona").text)
        try repo.write("goals/draft-idea.md", GoalText.minimal(id: "draft-idea").setting("status", "someday").text)
        let all = try repo.goalsync("validate")
        #expect(all.status == 1)
        #expect(all.stdout.contains("goals/draft-idea.md:4: error: status: status 'someday' is not one of"))
        #expect(all.stdout.contains("goals/next-up.md:3: warning: persona: [lens] "))
        #expect(all.stdout.contains("3 goal files checked: 1 error, 1 warning"))

        let json = try #require(try parseJSON(try repo.goalsync("validate", "--json").stdout) as? [String: Any])
        #expect(json["files"] as? Int == 3)
        #expect(json["errors"] as? Int == 1)
        #expect(json["warnings"] as? Int == 1)
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 2)
        let error = try #require(diagnostics.first { $0["severity"] as? String == "error" })
        #expect(error["file"] as? String == "goals/draft-idea.md")
        #expect(error["line"] as? Int == 4)
        #expect(error["field"] as? String == "status")
        #expect(error["code"] as? String == "error")
        #expect(diagnostics.contains { $0["code"] as? String == "lens" && $0["field"] as? String == "persona" })

        // PATH: that file in full; other files only for their errors.
        let one = try repo.goalsync("validate", "goals/next-up.md")
        #expect(one.status == 1)
        #expect(one.stdout.contains("[lens]"))
        #expect(one.stdout.contains("goals/draft-idea.md:4: error"))
        let other = try repo.goalsync(["validate", "draft-idea.md"], in: repo.path("goals"))
        #expect(other.status == 1)
        #expect(!other.stdout.contains("[lens]"))
        expectCleanFailure(try repo.goalsync("validate", repo.base + "/elsewhere.md"), exit: 64, mentioning: "outside the goal repository")
        expectCleanFailure(try repo.goalsync("validate", "VISION"), exit: 64, mentioning: "not a goal file")
        expectCleanFailure(try repo.goalsync("validate", "goals/ghost.md"), exit: 64, mentioning: "does not exist")
    }

    @Test("validate reads lint severities from .goalsync/config.yaml: error fails, off is silent")
    func validateSeverities() throws {
        let repo = try TestRepo()
        try repo.writeVision()
        let stale = GoalText.clean(status: "active").setting("created", "2025-12-20")
            .setting("checkins", "\n  - {id: c1, on: 2026-01-01, by: Ben <ben@example.com>, metric: activation, value: 31}")
        try repo.commitGoal("faster-activation", stale.text)
        let warn = try repo.goalsync("validate")
        #expect(warn.status == 0)
        #expect(warn.stdout.contains("warning: checkins: [stale] the last check-in was 31 days ago"))

        let config = try repo.read(".goalsync/config.yaml")
        try repo.write(".goalsync/config.yaml", config.replacingOccurrences(of: "  stale: warning", with: "  stale: error"))
        let fail = try repo.goalsync("validate", "--json")
        #expect(fail.status == 1)
        let json = try #require(try parseJSON(fail.stdout) as? [String: Any])
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?["code"] as? String == "stale")
        #expect(diagnostics.first?["severity"] as? String == "error")
        #expect(diagnostics.first?["line"] as? Int == stale.line(startingWith: "checkins:"))

        try repo.write(".goalsync/config.yaml", config.replacingOccurrences(of: "  stale: warning", with: "  stale: off"))
        let silent = try repo.goalsync("validate")
        #expect(silent.status == 0)
        #expect(silent.stdout.contains("0 errors, 0 warnings"))

        try repo.write(".goalsync/config.yaml", config.replacingOccurrences(of: "  stale: warning", with: "  stale: loud"))
        expectCleanFailure(try repo.goalsync("validate"), exit: 2, mentioning: ".goalsync/config.yaml:")
    }

    @Test("validate --staged checks the index, not the work tree")
    func validateStaged() throws {
        let repo = try TestRepo()
        try repo.commitGoal("faster-activation", GoalText.clean().text)
        let invalid = GoalText.clean().setting("status", "someday").text
        try repo.write("goals/faster-activation.md", invalid)
        try repo.git("add", "goals/faster-activation.md")
        try repo.write("goals/faster-activation.md", GoalText.clean().text)
        #expect(try repo.goalsync("validate").status == 0)
        let staged = try repo.goalsync("validate", "--staged")
        #expect(staged.status == 1)
        #expect(staged.stdout.contains("goals/faster-activation.md:4: error: status:"))
        // And the other way round.
        try repo.git("add", "goals/faster-activation.md")
        try repo.write("goals/faster-activation.md", invalid)
        #expect(try repo.goalsync("validate", "--staged").status == 0)
        #expect(try repo.goalsync("validate").status == 1)
        // Two active goals, one of them only staged, break the one-active rule across the staged tree.
        try repo.write("goals/faster-activation.md", GoalText.clean(status: "active").text)
        try repo.write("goals/second.md", GoalText.clean(id: "second", status: "active").text)
        try repo.git("add", "goals/second.md")
        let twoActive = try repo.goalsync("validate", "--staged")
        #expect(twoActive.status == 0, "only one active goal is staged: \(twoActive)")
        try repo.git("add", "goals/faster-activation.md")
        let broken = try repo.goalsync("validate", "--staged", "--json")
        #expect(broken.status == 1)
        let json = try #require(try parseJSON(broken.stdout) as? [String: Any])
        let fields = (json["diagnostics"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
        #expect(fields == ["status", "status"])
        expectCleanFailure(try repo.goalsync("validate", "--staged", "goals/second.md"), exit: 64, mentioning: "--staged")
    }

    // MARK: status

    @Test("status shows the active goal and its progress; --json has the documented shape")
    func status() throws {
        let repo = try TestRepo()
        let none = try repo.ok("status")
        #expect(none.stdout.contains("On branch main"))
        #expect(none.stdout.contains("No active goal"))
        let emptyJSON = try #require(try parseJSON(try repo.ok("status", "--json").stdout) as? [String: Any])
        #expect(emptyJSON["active"] is NSNull)

        try repo.commitGoal("faster-activation", GoalText.clean(status: "active").text)
        try repo.newGoal("Later", id: "later")
        let r = try repo.ok("status")
        #expect(r.stdout.contains("Active goal: faster-activation — Raise new-admin activation from 30% to 50%"))
        #expect(r.stdout.contains("  progress  ████░░░░░░░░░░░░░░░░ 20%"))
        #expect(r.stdout.contains("  KEY RESULT  BASELINE → CURRENT → TARGET  PROGRESS        PACE"))
        #expect(r.stdout.contains("  activation  30 → 34 → 50 percent         ██░░░░░░░░ 20%"))
        #expect(r.stdout.contains("Goals: 1 draft, 1 active"))

        let json = try #require(try parseJSON(try repo.ok("status", "--json").stdout) as? [String: Any])
        #expect(json["branch"] as? String == "main")
        #expect(json["upstream"] is NSNull)
        #expect(json["merging"] as? Bool == false)
        #expect((json["conflicts"] as? [Any])?.isEmpty == true)
        let active = try #require(json["active"] as? [String: Any])
        #expect(active["id"] as? String == "faster-activation")
        #expect((active["progress"] as? Double).map { abs($0 - 0.2) < 1e-9 } == true)
        let metric = try #require((active["metrics"] as? [[String: Any]])?.first)
        #expect(metric["current"] as? Double == 34)
        #expect(metric["confidence"] as? String == "on_track")
        #expect(metric["last_checkin"] as? String == "2026-01-25")
        let counts = try #require(json["goals"] as? [String: Any])
        #expect(counts["active"] as? Int == 1 && counts["draft"] as? Int == 1)
    }

    // MARK: identity

    @Test("The commit author comes from GIT_AUTHOR_NAME/EMAIL")
    func authorFromEnvironment() throws {
        let repo = try TestRepo()
        try repo.newGoal(id: "g")
        let count = try repo.commitCount()
        try repo.ok(["set", "g", "title", "Raise activation to 60%"], env: ["GIT_AUTHOR_NAME": "Ben Ode", "GIT_AUTHOR_EMAIL": "ben@example.com"])
        try repo.expectOneCommit(since: count, subject: "set(g): title Raise activation from 30% to 50% -> Raise activation to 60%", ids: ["g"], fields: ["title"])
        #expect(try repo.gitOutput("log", "-1", "--format=%an <%ae>") == "Ben Ode <ben@example.com>")
        #expect(try repo.gitOutput("log", "-1", "--format=%cn <%ce>") == "Ana Ruiz <ana@example.com>")
    }

    @Test("The commit author comes from git config when no identity variable is set")
    func authorFromConfig() throws {
        let repo = try TestRepo()
        try repo.newGoal(id: "g")
        try repo.git("config", "user.name", "Caro Lim")
        try repo.git("config", "user.email", "caro@example.com")
        let noIdentity: [String: String?] = ["GIT_AUTHOR_NAME": nil, "GIT_AUTHOR_EMAIL": nil, "GIT_COMMITTER_NAME": nil, "GIT_COMMITTER_EMAIL": nil]
        try repo.ok(["set", "g", "persona", "New admins"], env: noIdentity)
        #expect(try repo.gitOutput("log", "-1", "--format=%an <%ae>|%cn <%ce>") == "Caro Lim <caro@example.com>|Caro Lim <caro@example.com>")
        // And the owner of a new goal is that person.
        let id = try repo.goalsync(["new", "Another"], env: noIdentity).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try repo.frontMatter(id)["owner"] == .string("Caro Lim <caro@example.com>"))
    }
}
