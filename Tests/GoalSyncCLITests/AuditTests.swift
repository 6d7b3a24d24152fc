import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// `goalsync log`, `blame` and `contributors` over real histories: several authors, goalsync
/// commands and plain-git edits, merges made with plain git, a commit that broke a goal file, a
/// file renamed by hand, an empty repository and a shallow clone.
@Suite struct AuditTests {
    static let id = "faster-activation"

    /// The story of one goal, one teammate per step:
    /// Ana creates it; Ben retitles it and adds a key result; Caro edits it by hand with plain
    /// git (why, a proof item, a body line); Dee proposes it; Eli activates it; Fay and Gil check in.
    static func story() throws -> TestRepo {
        let repo = try TestRepo()
        try repo.goalsync(as: .ana, on: "2026-01-05", "new", "Raise activation", "--id", id, "--set", "persona=Admins of new workspaces", "--set", "problem=Most new admins never invite a teammate")
        try repo.goalsync(as: .ben, on: "2026-01-06", "set", id, "title", "Raise new-admin activation from 30% to 50%")
        try repo.goalsync(as: .ben, on: "2026-01-06", "add", id, "metrics", "{id: activation, name: Workspaces with 3+ members, unit: percent, direction: increase, baseline: 30, target: 50}")
        try repo.editByHand(id, as: .caro, on: "2026-01-07", { text in
            addingFrontMatter("why: Activated workspaces retain at 3x the rate\nproof:\n  - \"Q3 funnel: 70% never invite\"")(text) + "Caro's note: see the funnel review.\n"
        })
        try repo.goalsync(as: .dee, on: "2026-01-08", "set", id, "timeframe.start", "2026-01-05")
        try repo.goalsync(as: .dee, on: "2026-01-08", "set", id, "timeframe.end", "2026-03-31")
        try repo.goalsync(as: .dee, on: "2026-01-08", "set", id, "status", "proposed")
        try repo.goalsync(as: .eli, on: "2026-01-09", "activate", id)
        try repo.goalsync(as: .fay, on: "2026-01-12", "checkin", id, "activation", "34", "--confidence", "on_track")
        try repo.goalsync(as: .gil, on: "2026-01-19", "checkin", id, "activation", "33", "--confidence", "at_risk", "--note", "Cohort still small")
        return repo
    }

    @Test func logSaysWhoChangedWhichFieldFromWhatToWhat() throws {
        let repo = try Self.story()
        let log = try repo.json("log", Self.id)
        let all = entries(log)
        // Newest first, one entry per commit that touched the goal.
        #expect(all.map { authorName($0) ?? "?" } == ["Gil Ito", "Fay Gul", "Eli Moss", "Dee Park", "Dee Park", "Dee Park", "Caro Lim", "Ben Ode", "Ben Ode", "Ana Ruiz"])
        let created = try #require(all.last)
        #expect(created["kind"] as? String == "created")
        #expect(changes(created).contains { $0.field == "title" && $0.old == nil && $0.new == "Raise activation" })

        let retitled = try #require(entry(by: "Ben Ode", changing: "title", in: log))
        #expect(changes(retitled).map(\.field) == ["title"])
        #expect(changes(retitled)[0].old == "Raise activation")
        #expect(changes(retitled)[0].new == "Raise new-admin activation from 30% to 50%")
        #expect(entry(by: "Ben Ode", changing: "metrics.activation", in: log) != nil)

        // The plain-git edit counts like any other, read from the files, not from the message.
        let byHand = try #require(all.first { authorName($0) == "Caro Lim" })
        #expect(byHand["summary"] as? String == "edit by hand")
        #expect(Set(changes(byHand).map(\.field)) == ["why", "proof"])
        #expect(changes(byHand).contains { $0.field == "proof" && $0.old == nil && $0.new == "Q3 funnel: 70% never invite" }, "a value is typed JSON, not YAML text")
        #expect((byHand["body"] as? [String: Any])?["added"] as? Int == 1)
        #expect((byHand["body"] as? [String: Any])?["removed"] as? Int == 0)

        let proposed = try #require(entry(by: "Dee Park", changing: "status", in: log))
        #expect(changes(proposed).first { $0.field == "status" }.map { [$0.old, $0.new] } == ["draft", "proposed"])
        let activated = try #require(entry(by: "Eli Moss", changing: "status", in: log))
        #expect(changes(activated).first { $0.field == "status" }.map { [$0.old, $0.new] } == ["proposed", "active"])
        let checkin = try #require(all.first { authorName($0) == "Gil Ito" })
        #expect(changes(checkin).count == 1)
        #expect(changes(checkin)[0].field.hasPrefix("checkins."))
        #expect(changes(checkin)[0].new?.contains("\"value\":33") == true, "\(changes(checkin))")
        #expect(checkin["date"] as? String == "2026-01-19")

        // The text form says the same, readably.
        let text = try repo.ok("log", Self.id).stdout
        #expect(text.contains("title: Raise activation → Raise new-admin activation from 30% to 50%"))
        #expect(text.contains("status: proposed → active"))
        #expect(text.contains("body: +1 −0 line"))
        #expect(text.contains("Caro Lim <caro@example.com>"))
        #expect(!text.contains("\u{1B}["), "no colour when stdout is not a terminal")
    }

    @Test func logFiltersBySinceAndAuthorAndCoversAllGoals() throws {
        let repo = try Self.story()
        try repo.goalsync(as: .ben, on: "2026-01-20", "new", "Cut churn", "--id", "cut-churn")
        let since = entries(try repo.json("log", Self.id, "--since", "2026-01-09"))
        #expect(since.map { authorName($0) ?? "?" } == ["Gil Ito", "Fay Gul", "Eli Moss"])
        let ben = entries(try repo.json("log", "--author", "BEN@example"))
        #expect(ben.map { $0["goal"] as? String ?? "?" } == ["cut-churn", Self.id, Self.id])
        let all = entries(try repo.json("log"))
        #expect(all.first?["goal"] as? String == "cut-churn")
        #expect(all.filter { $0["goal"] as? String == Self.id }.count == 10)
        let text = try repo.ok("log").stdout
        #expect(text.contains("  cut-churn\n"))
        let bad = try repo.goalsync("log", "--since", "last week")
        expectCleanFailure(bad, exit: 64, mentioning: "--since")
    }

    @Test func mergeCreditsEachChangeToWhoMadeItOnce() throws {
        let repo = try Self.story()
        try repo.git(as: .ben, on: "2026-01-20", "checkout", "-q", "-b", "side")
        try repo.goalsync(as: .ben, on: "2026-01-20", "set", Self.id, "persona", "Admins of workspaces created this month")
        try repo.git(as: .ben, on: "2026-01-20", "checkout", "-q", "main")
        try repo.editByHand(Self.id, as: .caro, on: "2026-01-21", replacingLine(startingWith: "problem:", with: "problem: New admins rarely invite anyone"))
        try repo.git(as: .ana, on: "2026-01-22", "merge", "--no-edit", "side")
        #expect(try repo.gitOutput("rev-list", "--parents", "-1", "HEAD").split(separator: " ").count == 3, "a merge commit")

        let log = try repo.json("log", Self.id)
        let persona = try #require(entries(log).first { changes($0).contains { $0.field == "persona" } && authorName($0) != "Ana Ruiz" && $0["kind"] as? String != "created" })
        #expect(authorName(persona) == "Ben Ode")
        #expect(entries(log).filter { changes($0).contains { $0.field == "persona" } }.count == 2, "created by Ana, changed by Ben, once")
        #expect(authorName(try #require(entry(by: "Caro Lim", changing: "problem", in: log))) == "Caro Lim")
        #expect(!entries(log).contains { $0["merge"] as? Bool == true }, "the merge settled nothing itself")
        #expect(!entries(log).contains { authorName($0) == "Ana Ruiz" && $0["kind"] as? String != "created" })

        let blame = try repo.json("blame", Self.id)
        let fields = blame["fields"] as? [[String: Any]] ?? []
        func setter(_ field: String) -> String? { fields.first { $0["field"] as? String == field }.flatMap(authorName) }
        #expect(setter("persona") == "Ben Ode")
        #expect(setter("problem") == "Caro Lim")
        #expect(setter("title") == "Ben Ode")
        #expect(setter("status") == "Eli Moss")
        #expect(setter("why") == "Caro Lim")
        #expect(setter("metrics.activation.target") == "Ben Ode")
        #expect(setter("timeframe.end") == "Dee Park")
        #expect(setter("body") == "Caro Lim")
        #expect(fields.first { $0["field"] as? String == "proof" }?["item"] as? String == "Q3 funnel: 70% never invite")
        let checkins = fields.filter { ($0["field"] as? String)?.hasPrefix("checkins.") == true }
        #expect(checkins.compactMap(authorName) == ["Fay Gul", "Gil Ito"])
        #expect(setter("id") == "Ana Ruiz")
    }

    @Test func aMergeShowsOnlyWhatItSettledItself() throws {
        let repo = try Self.story()
        try repo.git(as: .ben, on: "2026-01-20", "checkout", "-q", "-b", "side")
        try repo.goalsync(as: .ben, on: "2026-01-20", "set", Self.id, "why", "Ben's reason")
        try repo.git(as: .ben, on: "2026-01-20", "checkout", "-q", "main")
        try repo.goalsync(as: .caro, on: "2026-01-21", "set", Self.id, "why", "Caro's reason")
        let merge = try repo.git(["merge", "--no-edit", "side"], env: Teammate.eli.env("2026-01-22"))
        #expect(merge.status != 0, "both changed why: a conflict \(merge)")
        // Eli settles it on a third value: Caro's side, with the reason they agreed on.
        let ours = try repo.git("show", "HEAD:goals/\(Self.id).md").stdout
        try repo.write("goals/\(Self.id).md", replacingLine(startingWith: "why:", with: "why: The reason we agreed on")(ours))
        try repo.git(as: .eli, on: "2026-01-22", "add", "-A")
        try repo.git(as: .eli, on: "2026-01-22", "commit", "-q", "--no-edit")

        let log = try repo.json("log", Self.id)
        let mergeEntry = try #require(entries(log).first { $0["merge"] as? Bool == true })
        #expect(authorName(mergeEntry) == "Eli Moss")
        #expect(mergeEntry["kind"] as? String == "merge")
        #expect(changes(mergeEntry).map(\.field) == ["why"])
        #expect(changes(mergeEntry).first?.new == "The reason we agreed on")
        #expect(entry(by: "Ben Ode", changing: "why", in: log).flatMap { changes($0).first?.new } == "Ben's reason")
        #expect(entry(by: "Caro Lim", changing: "why", in: log) != nil)
        let fields = try repo.json("blame", Self.id)["fields"] as? [[String: Any]] ?? []
        #expect(fields.first { $0["field"] as? String == "why" }.flatMap(authorName) == "Eli Moss")
        let text = try repo.ok("log", Self.id).stdout
        #expect(text.contains("settled in the merge:"))
    }

    @Test func aCommitThatBrokeTheFileIsShownAndTheLogGoesOn() throws {
        let repo = try Self.story()
        try repo.editByHand(Self.id, as: .fay, on: "2026-01-20", verify: false, message: "oops", replacingLine(startingWith: "why:", with: "why: [unclosed"))
        try repo.editByHand(Self.id, as: .gil, on: "2026-01-21", message: "fix", replacingLine(startingWith: "why:", with: "why: Fixed by Gil"))
        let log = try repo.json("log", Self.id)
        let all = entries(log)
        #expect(authorName(all[0]) == "Gil Ito")
        #expect(changes(all[0]).map { [$0.field, $0.old, $0.new] } == [["why", "Activated workspaces retain at 3x the rate", "Fixed by Gil"]])
        #expect(all[1]["kind"] as? String == "unparsable")
        #expect(authorName(all[1]) == "Fay Gul")
        #expect((all[1]["error"] as? String)?.isEmpty == false)
        #expect(all.count == 12, "and the rest of the history is there")
        let text = try repo.ok("log", Self.id).stdout
        #expect(text.contains("file did not parse: "))
        let fields = try repo.json("blame", Self.id)["fields"] as? [[String: Any]] ?? []
        #expect(fields.first { $0["field"] as? String == "why" }.flatMap(authorName) == "Gil Ito")
        #expect(fields.first { $0["field"] as? String == "title" }.flatMap(authorName) == "Ben Ode")
    }

    @Test func aGoalRenamedByHandIsFollowed() throws {
        let repo = try TestRepo()
        try repo.goalsync(as: .ana, on: "2026-01-05", "new", "Cut churn", "--id", "old-name")
        try repo.goalsync(as: .ben, on: "2026-01-06", "set", "old-name", "why", "Churn costs us")
        try repo.git(as: .caro, on: "2026-01-07", "mv", "goals/old-name.md", "goals/new-name.md")
        try repo.editByHand("new-name", as: .caro, on: "2026-01-07", message: "rename", replacingLine(startingWith: "id:", with: "id: new-name"))
        try repo.goalsync(as: .dee, on: "2026-01-08", "set", "new-name", "problem", "Teams leave in month two")

        let log = try repo.json("log", "new-name")
        #expect(entries(log).map { authorName($0) ?? "?" } == ["Dee Park", "Caro Lim", "Ben Ode", "Ana Ruiz"])
        let renamed = entries(log)[1]
        #expect(renamed["kind"] as? String == "renamed")
        #expect(renamed["renamed_from"] as? String == "goals/old-name.md")
        #expect(changes(renamed).map { [$0.field, $0.old, $0.new] } == [["id", "old-name", "new-name"]])
        #expect(entries(log)[3]["path"] as? String == "goals/old-name.md")

        let all = try repo.json("contributors")["goals"] as? [[String: Any]] ?? []
        #expect(all.map { $0["goal"] as? String } == ["new-name"], "the old name's history is the new name's")
        let people = all.first?["contributors"] as? [[String: Any]] ?? []
        #expect(people.compactMap { $0["name"] as? String } == ["Ana Ruiz", "Ben Ode", "Caro Lim", "Dee Park"])
        #expect(people.first { $0["name"] as? String == "Caro Lim" }?["roles"] as? [String] == ["renamed"])
        let blame = try repo.json("blame", "new-name")["fields"] as? [[String: Any]] ?? []
        #expect(blame.first { $0["field"] as? String == "why" }.flatMap(authorName) == "Ben Ode")
        #expect(blame.first { $0["field"] as? String == "id" }.flatMap(authorName) == "Caro Lim")
        let old = try repo.goalsync("blame", "old-name")
        #expect(old.status == 64)
        #expect(old.stderr.contains("goal old-name is not in HEAD"), "the history knows it: not an unknown id")
    }

    @Test func contributorsSayWhoTookPartAndHow() throws {
        let repo = try Self.story()
        try repo.goalsync(as: .ben, on: "2026-01-20", "new", "Cut churn", "--id", "cut-churn")
        try repo.goalsync(as: .ben, on: "2026-01-21", "set", "cut-churn", "status", "proposed")
        try repo.goalsync(as: .gil, on: "2026-01-25", "activate", "cut-churn", "--close", "achieved", "--reason", "Held 50% for a month")

        let goals = try repo.json("contributors")["goals"] as? [[String: Any]] ?? []
        #expect(goals.compactMap { $0["goal"] as? String } == ["cut-churn", Self.id])
        let people = goals.first { $0["goal"] as? String == Self.id }?["contributors"] as? [[String: Any]] ?? []
        func who(_ name: String) -> [String: Any] { people.first { $0["name"] as? String == name } ?? [:] }
        #expect(people.compactMap { $0["name"] as? String } == ["Ana Ruiz", "Ben Ode", "Caro Lim", "Dee Park", "Eli Moss", "Fay Gul", "Gil Ito"])
        #expect(who("Ana Ruiz")["roles"] as? [String] == ["created"])
        #expect(who("Ben Ode")["roles"] as? [String] == ["edited"])
        #expect(who("Ben Ode")["fields"] as? [String] == ["metrics.activation", "title"])
        #expect(who("Ben Ode")["commits"] as? Int == 2)
        #expect(who("Caro Lim")["fields"] as? [String] == ["body", "proof", "why"])
        #expect(who("Dee Park")["roles"] as? [String] == ["proposed", "edited"])
        #expect(who("Eli Moss")["roles"] as? [String] == ["activated"])
        #expect(who("Fay Gul")["roles"] as? [String] == ["checked in"])
        #expect(who("Fay Gul")["checkins"] as? Int == 1)
        #expect(who("Gil Ito")["roles"] as? [String] == ["checked in", "closed"])
        #expect(who("Gil Ito")["first"] as? String == "2026-01-19")
        #expect(who("Gil Ito")["last"] as? String == "2026-01-25")
        let churn = goals.first { $0["goal"] as? String == "cut-churn" }?["contributors"] as? [[String: Any]] ?? []
        #expect(churn.compactMap { $0["name"] as? String } == ["Ben Ode", "Gil Ito"])
        #expect(churn.first?["roles"] as? [String] == ["created", "proposed"])
        #expect(churn.last?["roles"] as? [String] == ["activated"])

        let one = try repo.json("contributors", Self.id)["goals"] as? [[String: Any]] ?? []
        #expect(one.count == 1)
        #expect((one.first?["contributors"] as? [[String: Any]])?.count == 7)
        let text = try repo.ok("contributors", Self.id).stdout
        #expect(text.contains("Ben Ode edited: metrics.activation, title"))
        #expect(text.contains("checked in, closed"))
    }

    @Test func unknownIdsEmptyRepositoriesAndBadIdsSayWhatIsWrong() throws {
        let repo = try Self.story()
        for command in ["log", "blame", "contributors"] {
            expectCleanFailure(try repo.goalsync(command, "no-such-goal"), exit: 64, mentioning: "no-such-goal")
        }
        expectCleanFailure(try repo.goalsync("log", "../etc"), exit: 64, mentioning: "not a valid goal id")

        let empty = try TestRepo(initialize: false)
        _ = try empty.gitOutput("init", "-q", "-b", "main")
        try empty.write(".goalsync/config.yaml", "format: 1\nproduct: Empty\n")
        let log = try empty.ok("log")
        #expect(log.stdout.contains("No commits yet"))
        #expect(try empty.ok("log", "anything").stdout.contains("No commits yet"))
        #expect(try empty.ok("contributors").stdout.contains("No commits yet"))
        let json = try empty.json("log")
        #expect(json["commits"] as? Int == 0)
        #expect(entries(json).isEmpty)
        expectCleanFailure(try empty.goalsync("blame", "anything"), exit: 64, mentioning: "no commits")
    }

    @Test func aShallowCloneSaysWhereTheHistoryIsCut() throws {
        let repo = try Self.story()
        let clone = repo.base + "/shallow"
        _ = try repo.gitOutput("clone", "-q", "--depth", "1", "file://" + repo.root, clone)
        #expect(FileManager.default.fileExists(atPath: clone + "/.git/shallow"))
        let text = try repo.goalsync(["log", Self.id], in: clone)
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.contains("shallow clone"))
        #expect(text.stdout.contains("history is cut"))
        let json = try JSONSerialization.jsonObject(with: Data(try repo.goalsync(["log", Self.id, "--json"], in: clone).stdout.utf8)) as? [String: Any] ?? [:]
        #expect(json["shallow"] as? Bool == true)
        #expect(entries(json).map { $0["kind"] as? String } == ["boundary"])
        #expect((json["boundary"] as? [String])?.count == 1)
        let blame = try JSONSerialization.jsonObject(with: Data(try repo.goalsync(["blame", Self.id, "--json"], in: clone).stdout.utf8)) as? [String: Any] ?? [:]
        let fields = blame["fields"] as? [[String: Any]] ?? []
        #expect(!fields.isEmpty)
        #expect(fields.allSatisfy { $0["boundary"] as? Bool == true })
        let people = try repo.goalsync(["contributors"], in: clone)
        #expect(people.status == 0, "\(people)")
        #expect(people.stdout.contains("shallow clone"))
    }

    // MARK: Pieces

    @Test func aGoalRenamedAndEditedInOneCommitIsFollowed() throws {
        let repo = try TestRepo()
        try repo.goalsync(as: .ana, on: "2026-01-05", "new", "Cut churn", "--id", "old-name", "--set", "persona=Team admins", "--set", "problem=Teams leave in month two")
        try repo.goalsync(as: .ben, on: "2026-01-06", "set", "old-name", "why", "Churn costs us")
        try repo.git(as: .caro, on: "2026-01-07", "mv", "goals/old-name.md", "goals/new-name.md")
        try repo.editByHand("new-name", as: .caro, on: "2026-01-07", message: "rename and reword why", { text in
            replacingLine(startingWith: "why:", with: "why: Churn costs us a third of new revenue")(
                replacingLine(startingWith: "id:", with: "id: new-name")(text))
        })
        let log = entries(try repo.json("log", "new-name"))
        #expect(log.map { authorName($0) ?? "?" } == ["Caro Lim", "Ben Ode", "Ana Ruiz"])
        #expect(log.first?["renamed_from"] as? String == "goals/old-name.md")
        let blame = try repo.json("blame", "new-name")["fields"] as? [[String: Any]] ?? []
        #expect(blame.first { $0["field"] as? String == "persona" }.flatMap(authorName) == "Ana Ruiz")
        let all = try repo.json("contributors")["goals"] as? [[String: Any]] ?? []
        #expect(all.map { $0["goal"] as? String } == ["new-name"])
    }

    @Test func aListWrittenEmptyOrRemovedIsAChangeNotACrash() throws {
        let repo = try TestRepo()
        try repo.goalsync(as: .ana, on: "2026-01-05", "new", "Cut churn", "--id", "g")
        try repo.editByHand("g", as: .ben, on: "2026-01-06", message: "empty tags", addingFrontMatter("tags: []"))
        try repo.editByHand("g", as: .caro, on: "2026-01-07", message: "no tags", { text in
            text.split(separator: "\n", omittingEmptySubsequences: false).filter { $0 != "tags: []" }.joined(separator: "\n")
        })
        let log = entries(try repo.json("log", "g"))
        #expect(log.map { authorName($0) ?? "?" } == ["Caro Lim", "Ben Ode", "Ana Ruiz"])
        #expect(changes(log[0]).map { [$0.field, $0.old, $0.new] } == [["tags", "[]", nil]])
        #expect(changes(log[1]).map { [$0.field, $0.old, $0.new] } == [["tags", nil, "[]"]])
        try repo.ok("contributors")
    }

    @Test func bodyChangesAreCountedInLines() {
        #expect(BodyChange.between("a\nb\nc\n", "a\nB\nc\nd\ne\n") == BodyChange(added: 3, removed: 1))
        #expect(BodyChange.between("a\n", "a\n") == nil)
        #expect(BodyChange.between(nil, "x\ny\n") == BodyChange(added: 2, removed: 0))
        #expect(BodyChange.between("x\ny\nz\n", "z\nx\n") == BodyChange(added: 1, removed: 2))
        #expect(BodyChange.between("a\nb\n", "a\nb\nc\n")?.summary == "+1 −0 line")
        #expect(BodyChange.settled(result: "a\nb\nc\n", parents: ["a\nb\n", "a\nc\n"]) == nil)
        #expect(BodyChange.settled(result: "a\nz\n", parents: ["a\nb\n", "a\nc\n"]) == BodyChange(added: 1, removed: 0))
    }

    /// The audit's incremental parser reads every file exactly as `MarkdownDocument.parse` does:
    /// canonical files, hand-written ones, odd scalars in every position, broken files.
    @Test func theAuditParserAgreesWithTheFullParser() throws {
        let scalars = [
            "plain text", "\"double: quoted\"", "'single ''quoted'''", "2026-01-05", "34.5", "42", "-3", "yes", "No", "null", "~", "",
            "Ben Ode <ben@example.com>", "a, b", "C# code", "x #comment", "http://x.y/z", "{a: 1, b: [2, 3]}", "[x, 'y', \"z\"]",
            "\"esc \\\" and \\\\ and \\n\"", "|\n  block text\n  more", ">-\n  folded", "&anchor value", "*alias", "!!str 5",
            "<<", "=", "1e3", "0x1F", "1_000", ".inf", "2026-01-05 10:00:00", "Ünïcödé ✓", "trailing   ", "tab\there", "'unclosed",
            "[a,b]", "{x: }", "a: b", "-", "- item", "? key", "@at", "`tick", "%pct", "10:30", "1.", "+5",
        ]
        var texts = [String]()
        for s in scalars {
            texts.append("---\nid: g\ntitle: \(s)\nstatus: draft\n---\nbody\n")
            texts.append("---\nid: g\nproof:\n  - \(s)\n  - second\n---\n")
            texts.append("---\nid: g\ncheckins:\n  - {id: c1, on: 2026-01-05, note: \(s)}\n  - {id: c2, value: 3}\n---\n")
            texts.append("---\nid: g\nmetrics:\n  - id: m\n    name: \(s)\n    baseline: 30\n---\n")
            texts.append("---\nid: g\ntags: [\(s), b]\ntimeframe:\n  start: \(s)\n  end: 2026-03-31\n---\n")
        }
        texts += [
            GoalText.clean().text, GoalText.clean(status: "active").text, GoalText.minimal(id: "m").text,
            "---\nid: g\n# a comment\ntitle: t # trailing comment\n\nstatus: draft\n---\n",
            "---\nid: g\nproof:\n- compact one\n- compact two\ntags:\n  - a\n\n  - b\n---\n",
            "---\nid: g\nid: twice\n---\n", "---\nid: g\ntitle: [unclosed\n---\n", "no front matter\n", "---\nid: g\n",
            "---\r\nid: g\r\n---\r\n", "\u{FEFF}---\nid: g\n---\n", "---\nid: g\n<<<<<<< ours\n---\n", "---\n---\nbody\n",
            "---\n- a list\n---\n", "---\nid: g\n...\nbody after dots\n", "---\nid: g\nx.y: 1\n\"quoted key\": 2\n---\n",
            "---\nid: g\nproof:\n  - a long\n    continued line\n---\n", "---\nid: g\nnested:\n  deeper:\n    x: 1\n---\n",
            "---\nid: g\nlist: [a, [b, c]]\nmap: {a: {b: 1}}\n---\n", "---\nid: g\nkey:   spaced value  \n---\n",
        ]
        let parser = GoalFileParser()
        for text in texts + texts {  // twice: the second time from the caches
            let bytes = Array(text.utf8)
            let expected = Result { () throws(MarkdownDocument.ParseError) in try MarkdownDocument.parse(bytes) }
            let actual = Result { () throws(MarkdownDocument.ParseError) in try parser.parse(bytes) }
            switch (expected, actual) {
            case (.success(let e), .success(let a)):
                #expect(e.frontMatter == a.frontMatter, "front matter differs for:\n\(text)\nexpected \(e.frontMatter)\nactual \(a.frontMatter)")
                #expect(e.body == a.body, "body differs for:\n\(text)")
            case (.failure(let e), .failure(let a)):
                #expect(e == a, "error differs for:\n\(text)")
            default:
                Issue.record("one parser failed and the other did not for:\n\(text)\nexpected \(expected)\nactual \(actual)")
            }
        }
    }
}
