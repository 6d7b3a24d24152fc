import GoalSyncCore
import GoalSyncTestSupport
import PropertyBased
import Testing

/// The CSV codec and the goal table behind `goalsync import` and `goalsync export --format csv`.
@Suite("CSV and the goal table")
struct GoalTableTests {
    @Test("RFC 4180: quoted commas, doubled quotes, line breaks inside quotes, CRLF, a byte order mark")
    func parsesWhatSpreadsheetsWrite() throws {
        let text = "\u{FEFF}kind,title,note\r\ngoal,\"Raise activation, fast\",\"She said \"\"go\"\"\"\r\ncheckin,,\"two\nlines\"\r\nmetric,x,\r\n"
        let records = try CSV.parse(text)
        #expect(records.map(\.fields) == [
            ["kind", "title", "note"], ["goal", "Raise activation, fast", "She said \"go\""], ["checkin", "", "two\nlines"], ["metric", "x", ""],
        ])
        #expect(records.map(\.line) == [1, 2, 3, 5], "a record's line counts the line breaks inside quotes before it")
        #expect(try CSV.parse("a,b\nc,d") .map(\.fields) == [["a", "b"], ["c", "d"]], "no line break at the end")
        #expect(try CSV.parse("a\n\nb\n").map(\.fields) == [["a"], ["b"]], "an empty line is no record")
    }

    @Test("A damaged file names its line")
    func damagedFiles() {
        #expect(throws: CSV.ParseError(line: 2, message: "a quoted field is not closed before the end of the file")) { try CSV.parse("a,b\n\"open,c\nd\n") }
        #expect((try? CSV.parse("a,b\nx\"y,z\n")) == nil)
        #expect((try? CSV.parse("a,b\n\"x\"y,z\n")) == nil)
    }

    @Test("Whatever is written reads back as itself")
    func roundTrip() async {
        let cell = Gen.element(of: ["", "plain", "a,b", "say \"hi\"", "two\nlines", "\r\n", "ü ✓", " spaced ", ",", "\"", "x\ry"])
        let row = cell.map { $0 ?? "" }.array(of: 1...5)
        await propertyCheck(count: 500, input: row.array(of: 1...6)) { rows in
            let text = CSV.write(rows)
            let back = try? CSV.parse(text).map(\.fields)
            // A record of one empty field is an empty line, which is no record.
            #expect(back == rows.filter { $0 != [""] }, "\(text.debugDescription)")
        }
    }

    @Test("Rows: every problem of every row, each with its line")
    func rowErrors() {
        let csv = """
            kind,goal,title,metric,value,target
            goal,,Raise activation,,,
            goal,x,,,,
            metric,x,,a,,50
            checkin,x,,a,,
            epic,x,T,,,
            checkin,x,,a,3,9
            ,x,T,,,

            """
        guard case .failure(let failure) = GoalTable.rows(fromCSV: csv) else {
            Issue.record("the rows should not pass")
            return
        }
        #expect(failure.errors.map(\.line) == [3, 5, 6, 7, 8])
        #expect(failure.errors[0].message.contains("needs a title"))
        #expect(failure.errors[1].message.contains("needs goal, metric and value"))
        #expect(failure.errors[2].message.contains("kind 'epic'"))
        #expect(failure.errors[3].message.contains("does not take target"))
        #expect(failure.errors[4].message.contains("no kind"))
        guard case .failure(let header) = GoalTable.rows(fromCSV: "kind,colour\ngoal,red\n") else {
            Issue.record("an unknown column should not pass")
            return
        }
        #expect(header.errors == [GoalTable.RowError(line: 1, message: "unknown column 'colour'; the columns are \(GoalTable.columns.joined(separator: ", "))")])
        guard case .success(let rows) = GoalTable.rows(fromCSV: "Kind, Goal ,Title\ngoal,g, Raise activation \n") else {
            Issue.record("a valid file should pass")
            return
        }
        #expect(rows == [GoalTable.Row(line: 2, kind: .goal, cells: ["goal": "g", "title": "Raise activation"])])
    }
}
