import Foundation
import GoalSyncTestSupport
import Testing

/// `goalsync export` (and, with it, the table `goalsync import` reads).
@Suite("Export")
struct TransferTests {
    /// Two goals, one with a key result and two check-ins (one note holding a comma, quotes and a
    /// line break), and a title with Markdown in it.
    static func repository() throws -> TestRepo {
        let repo = try TestRepo()
        try repo.ok("new", "Raise activation from 30% to 50%", "--id", "activation", "--set", "persona=Admins of new workspaces")
        try repo.ok("add", "activation", "metrics", "{id: invites, name: Invites sent, unit: invites, direction: increase, baseline: 0.4, target: 1.5}")
        try repo.ok("checkin", "activation", "invites", "0.6", "--confidence", "on_track", "--note", "first week")
        try repo.ok("checkin", "activation", "invites", "0.9", "--note", "said \"yes\", then\nwaited")
        try repo.ok("new", "Cut churn | *now*", "--id", "churn")
        return repo
    }

    @Test("CSV: a goal row, its metric rows and check-in rows, as RFC 4180 writes them")
    func csv() throws {
        let repo = try Self.repository()
        let r = try repo.goalsync(["export"])
        #expect(r.status == 0, "\(r)")
        let lines = r.stdout.components(separatedBy: "\r\n")
        #expect(lines[0] == "kind,goal,title,status,owner,start,end,persona,problem,metric,name,unit,direction,baseline,target,on,value,confidence,note,by")
        #expect(lines[1] == "goal,activation,Raise activation from 30% to 50%,draft,Ana Ruiz <ana@example.com>,,,Admins of new workspaces,,,,,,,,,,,,")
        #expect(lines[2] == "metric,activation,,,,,,,,invites,Invites sent,invites,increase,0.4,1.5,,,,,")
        #expect(lines[3] == "checkin,activation,,,,,,,,invites,,,,,,2026-02-01,0.6,on_track,first week,Ana Ruiz <ana@example.com>")
        #expect(lines[4] == "checkin,activation,,,,,,,,invites,,,,,,2026-02-01,0.9,,\"said \"\"yes\"\", then\nwaited\",Ana Ruiz <ana@example.com>")
        #expect(lines[5].hasPrefix("goal,churn,Cut churn | *now*,draft,"))
        #expect(lines.count == 7 && lines[6].isEmpty)
    }

    @Test("JSON: each goal as show --json shows it, matching schema/output/export.schema.json")
    func json() throws {
        let repo = try Self.repository()
        let r = try repo.goalsync(["export", "--format", "json"])
        #expect(r.status == 0, "\(r)")
        let mismatches = try JSONContractTests.mismatches(r.stdout, schema: "export")
        #expect(mismatches == nil, "\(mismatches ?? "")")
        let object = try #require(try parseJSON(r.stdout) as? [String: Any])
        let goals = try #require(object["goals"] as? [[String: Any]])
        #expect(goals.map { $0["id"] as? String } == ["activation", "churn"])
        let show = try #require(try parseJSON(try repo.ok("show", "activation", "--json").stdout) as? [String: Any])
        #expect(NSDictionary(dictionary: goals[0]) == NSDictionary(dictionary: show.filter { $0.key != "format" }))
    }

    @Test("Markdown: a section per goal, key results in a table, text from files escaped")
    func markdown() throws {
        let repo = try Self.repository()
        let r = try repo.goalsync(["export", "--format", "markdown"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasPrefix("# Goals\n\n## Raise activation from 30% to 50% (`activation`)\n"))
        #expect(r.stdout.contains("| Invites sent | 0.4 invites | 0.9 invites | 1.5 invites | 45% |"))
        #expect(r.stdout.contains("- 2026-02-01 invites = 0.9, Ana Ruiz \\<ana@example.com\\>: said \"yes\", then waited"))
        #expect(r.stdout.contains("## Cut churn \\| \\*now\\* (`churn`)"), "markup from a title is escaped")
    }

    @Test("--output writes the file; an unusable path, or an unreadable goal, says so")
    func output() throws {
        let repo = try Self.repository()
        let r = try repo.goalsync(["export", "--output", "goals.csv"])
        #expect(r.status == 0 && r.stdout.isEmpty, "\(r)")
        #expect(r.stderr.hasPrefix("wrote 2 goals to \(repo.root)/goals.csv"))
        #expect(try String(contentsOfFile: repo.path("goals.csv"), encoding: .utf8) == (try repo.ok("export").stdout))
        let folder = try repo.goalsync(["export", "-o", "no/such/folder.csv"])
        #expect(folder.status == 64 && folder.stderr.contains("cannot write the export to no/such/folder.csv: no folder"), "\(folder)")
        try repo.write("goals/broken.md", "not a goal\n")
        let broken = try repo.goalsync(["export"])
        #expect(broken.status == 1 && broken.stderr.contains("goals/broken.md"), "\(broken)")
        #expect(broken.stdout.contains("goal,activation,"), "the readable goals are still written")
    }
}
