import Foundation
import GoalSyncTestSupport
import Testing

/// `goalsync import FILE.csv`: goals, key results and check-ins from a spreadsheet, in one commit
/// or not at all; every bad row named by its line.
@Suite("Import")
struct ImportTests {
    @Test("What export writes, import reads back: the same goals, key results and check-ins, in one commit")
    func roundTrip() throws {
        let source = try TransferTests.repository()
        let csv = try source.ok("export").stdout
        let target = try TestRepo()
        try Data(csv.utf8).write(to: URL(fileURLWithPath: target.base + "/goals.csv"))
        let head = try target.gitOutput("rev-parse", "HEAD")
        let r = try target.goalsync(["import", "../goals.csv"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasPrefix("imported 2 goals, 1 key result, 2 check-ins\ncommitted "), "\(r)")
        #expect(try target.gitOutput("rev-list", "--count", "\(head)..HEAD") == "1", "one commit")
        #expect(try target.gitOutput("log", "-1", "--format=%s").hasSuffix("2 goals, 1 key result, 2 check-ins from goals.csv"))
        #expect(try target.ok("export").stdout == csv, "export of the imported repository is the file imported")
        #expect(try target.gitOutput("status", "--porcelain").isEmpty)
    }

    @Test("A sheet as spreadsheets save it: a byte order mark, CRLF, quoted cells, columns in any order, a goal of the repository")
    func spreadsheet() throws {
        let repo = try TestRepo()
        try repo.ok("new", "Cut churn", "--id", "churn")
        try repo.ok("add", "churn", "metrics", "{id: churn, name: Monthly churn, unit: percent, direction: decrease, baseline: 5, target: 3}")
        let sheet = "\u{FEFF}Title,Kind,Goal,End,Metric,Name,Direction,Target,Baseline,Value,On,Note\r\n"
            + "\"Raise activation, for admins\",goal,activation,2026-04-30,,,,,,,,\r\n"
            + ",metric,activation,,invites,Invites sent,increase,1.5,0.4,,,\r\n"
            + ",checkin,activation,,invites,,,,,0.6,2026-01-20,\"said \"\"yes\"\"\"\r\n"
            + ",checkin,churn,,churn,,,,,4.5,,\r\n"
        try Data(sheet.utf8).write(to: URL(fileURLWithPath: repo.base + "/sheet.csv"))
        let r = try repo.goalsync(["import", repo.base + "/sheet.csv"])
        #expect(r.status == 0, "\(r)")
        let activation = try repo.frontMatter("activation")
        #expect(activation["title"] == .string("Raise activation, for admins"))
        #expect(activation["timeframe"]?.map?["end"]?.scalarText == "2026-04-30")
        #expect(activation["checkins"]?.list?.first?.map?["note"] == .string("said \"yes\""))
        #expect(activation["created"]?.scalarText == "2026-01-20", "a goal the import creates dates from its earliest check-in")
        #expect(try repo.frontMatter("churn")["created"]?.scalarText == TestRepo.today, "a goal of the repository keeps its created date")
        #expect(!(try repo.goalsync("validate").stdout.contains("checkin-date")))
        let churn = try repo.frontMatter("churn")
        #expect(churn["checkins"]?.list?.first?.map?["value"]?.scalarText == "4.5")
        #expect(churn["checkins"]?.list?.first?.map?["on"]?.scalarText == TestRepo.today, "a check-in with no date is today's")
    }

    @Test("Every bad row is named by its line, and nothing is written")
    func badRows() throws {
        let repo = try TestRepo()
        try repo.ok("new", "Cut churn", "--id", "churn")
        let head = try repo.gitOutput("rev-parse", "HEAD")
        let sheet = """
            kind,goal,title,metric,name,direction,target,value,on,end,confidence
            goal,fine,A fine goal,,,,,,,,
            goal,churn,Another churn,,,,,,,,
            metric,nowhere,,m,M,increase,5,,,,
            metric,fine,,m,M,increase,lots,,,,
            metric,fine,,k,K,increase,5,,,,
            checkin,fine,,missing,,,,3,,,
            checkin,fine,,k,,,,3,2099-01-01,,
            checkin,fine,,k,,,,3,,,sure
            goal,Bad Id,Title,,,,,,,,
            metric,fine,,n,,increase,5,,,,

            """
        try Data(sheet.utf8).write(to: URL(fileURLWithPath: repo.path("sheet.csv")))
        let r = try repo.goalsync(["import", "sheet.csv"])
        #expect(r.status == 1, "\(r)")
        let named = r.stderrLines.filter { $0.hasPrefix("sheet.csv:") }
        #expect(named.map { $0.split(separator: ":")[1] } == ["3", "4", "5", "7", "8", "9", "10", "11"], "\(r)")
        #expect(r.stderr.contains("sheet.csv:11: error: metrics.n.name: goal 'fine': the metric has no name"), "what the format says of a key result is named at its row")
        #expect(r.stderr.contains("sheet.csv:3: error: goal: a goal with id 'churn' already exists"))
        #expect(r.stderr.contains("sheet.csv:4: error: goal: no goal 'nowhere'"))
        #expect(r.stderr.contains("sheet.csv:5: error: target: target takes a number, not 'lots'"))
        #expect(r.stderr.contains("sheet.csv:7: error: metric: goal 'fine' has no metric 'missing'"))
        #expect(r.stderr.contains("sheet.csv:8: error: on: check-in date 2099-01-01 is after today"))
        #expect(r.stderr.contains("sheet.csv:9: error: confidence: confidence is one of on_track, at_risk, off_track, not 'sure'"))
        #expect(r.stderr.contains("sheet.csv:10: error: goal: 'Bad Id' is not a valid goal id"))
        #expect(r.stderrLines.last == "goalsync: error: the change breaks the rules above; nothing was committed")
        #expect(try repo.gitOutput("rev-parse", "HEAD") == head)
        #expect(try repo.gitOutput("status", "--porcelain") == "?? sheet.csv")
        // A file that is not a table.
        try Data("title\nRaise activation\n".utf8).write(to: URL(fileURLWithPath: repo.path("sheet.csv")))
        let noKind = try repo.goalsync(["import", "sheet.csv"])
        #expect(noKind.status == 1 && noKind.stderr.contains("sheet.csv:1: error: no 'kind' column"), "\(noKind)")
        let missing = try repo.goalsync(["import", "nothing.csv"])
        #expect(missing.status == 64 && missing.stderr.contains("cannot read nothing.csv"), "\(missing)")
    }
}
