import ArgumentParser
import Foundation
import GoalSyncCore

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show, commit by commit, who changed which field of a goal from what to what.",
        discussion: """
            Newest first. Without ID, every goal. Everything is derived from the files in each \
            commit (edits made with plain git count like any other): each change is credited to the \
            commit that made it, and a merge commit shows only what it settled itself (values \
            neither parent had). A commit where the file did not parse is shown as such; a goal file \
            renamed by hand is followed when, in one commit, another goal file with the same id \
            field (or the same content) disappears. In a shallow clone the history stops at the \
            shallow boundary.
            --json prints {format, goal, commits, shallow, boundary, entries: [{commit, author: {name, email}, \
            date, time, summary, merge, goal, path, kind, renamed_from, error, changes: [{field, old, \
            new}], body: {added, removed}}]}; kind is created, changed, renamed, deleted, unparsable, \
            merge or boundary.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The goal's id (default: every goal).", completion: Completions.goalIDs) var id: String?
    @Option(help: ArgumentHelp("Only commits made on or after DATE (YYYY-MM-DD).", valueName: "DATE")) var since: String?
    @Option(help: ArgumentHelp("Only commits whose author (Name <email>) contains TEXT, ignoring case.", valueName: "TEXT")) var author: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try goalsync.run {
            let sinceDate = try since.map { text in
                guard let d = SimpleDate(text) else { throw GoalSyncError.usage("--since takes a date YYYY-MM-DD, not '\(text)'") }
                return d
            }
            let repo = try global.openDespiteConfig()
            let id = try self.id.map(repo.resolveGoalID)
            let log = try Auditor(repo).log(id: id, since: sinceDate, author: author)
            if json {
                printJSON(log.json)
                return
            }
            let style = TextStyle.stdout
            if log.commitCount == 0 {
                print("No commits yet: the history is empty.")
                return
            }
            if log.entries.isEmpty {
                print(since != nil || author != nil ? "No changes match." : id.map { "No commits change goals/\($0).md yet." } ?? "No commits change a goal yet.")
            }
            var lastCommit: String?
            for entry in log.entries {
                if entry.commit.id.hex != lastCommit {
                    if lastCommit != nil { print("") }
                    lastCommit = entry.commit.id.hex
                    let merge = entry.commit.isMerge ? "  " + style.dim("(merge: only what it settled)") : ""
                    print("\(style.yellow(entry.commit.id.short))  \(entry.commit.author.date)  \(entry.commit.author.person)\(merge)")
                    print("    \(style.dim(entry.commit.summary))")
                }
                var indent = "    "
                if id == nil {
                    print("  \(style.bold(entry.goal))")
                    indent = "      "
                }
                for line in describe(entry, style: style) { print(indent + line) }
            }
            if log.isShallow {
                print("\nThe history is cut at \(log.boundary.map { String($0.prefix(8)) }.joined(separator: ", ")): this is a shallow clone, so earlier commits are not here (git fetch --unshallow gets them).")
            }
        }
    }

    /// The lines that say what one entry did (Core's ``GoalLogEntry/lines``, which `serve` shows too):
    /// the field name plain, what happened to it coloured.
    func describe(_ entry: GoalLogEntry, style: TextStyle) -> [String] {
        entry.lines.map { line in
            let text: String
            switch line.tone {
            case .plain: text = line.text
            case .dim: text = style.dim(line.text)
            case .added: text = style.green(line.text)
            case .removed: text = style.red(line.text)
            }
            return line.field.map { "\($0): " + text } ?? text
        }
    }
}

struct Blame: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show, for each field of a goal, who set its current value, when, in which commit.",
        discussion: """
            Each scalar field, each metric's fields, each check-in, each sprint goal, each item of \
            proof, assumptions, contributors and tags, and the body as a whole, as of HEAD. Like git \
            blame: a value is credited to the commit that set it, through merges to the side that \
            made it; in a shallow clone a value may have been set at or before the boundary commit.
            --json prints {format, goal, path, head, shallow, fields: [{field, item, value, commit, author: \
            {name, email}, date, time, summary, boundary}]}.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The goal's id.", completion: Completions.goalIDs) var id: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try goalsync.run {
            let repo = try global.openDespiteConfig()
            let id = try repo.resolveGoalID(self.id)
            let blame = try Auditor(repo).blame(id: id)
            if json {
                printJSON(blame.json)
                return
            }
            let style = TextStyle.stdout
            let rows = blame.lines.map { l -> [String] in
                let value = l.field == "body" ? "(the body)" : clip(l.item ?? l.value ?? "", 48)
                return [l.field, value, l.commit.author.person, l.commit.author.date.description, (l.atBoundary ? "^" : "") + l.commit.id.short]
            }
            for line in tableLines(header: ["FIELD", "VALUE", "SET BY", "DATE", "COMMIT"], rows: rows, style: style) { print(line) }
            if blame.isShallow {
                print("\n^ shallow clone: the value was set in that boundary commit or before it.")
            }
        }
    }
}

struct Contributors: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show who took part in each goal and how.",
        discussion: """
            From the history: who created, proposed, edited (which fields), checked in, activated \
            and closed each goal, with counts and first and last dates. Without ID, every goal, in \
            one pass over the history.
            --json prints {format, goals: [{goal, title, contributors: [{name, email, roles, commits, \
            created, proposed, edits, checkins, activated, closed, renamed, deleted, fields, first, \
            last}]}], shallow}.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The goal's id (default: every goal).", completion: Completions.goalIDs) var id: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try goalsync.run {
            let repo = try global.openDespiteConfig()
            let id = try self.id.map(repo.resolveGoalID)
            let (goals, log) = try Auditor(repo).contributors(id: id)
            if json {
                printJSON(JSONValue.object([("goals", .array(goals.map(\.json))), ("shallow", .bool(log.isShallow))]))
                return
            }
            if log.commitCount == 0 {
                print("No commits yet: the history is empty.")
                return
            }
            let style = TextStyle.stdout
            if goals.isEmpty { print("No goal has a history yet.") }
            for (n, g) in goals.enumerated() {
                if n > 0 { print("") }
                print(style.bold(g.goal) + (g.title.map { " — \($0)" } ?? ""))
                let rows = g.people.map { p -> [String] in
                    [p.person, p.roles.joined(separator: ", "), String(p.commits), String(p.checkins), p.first.description, p.last.description]
                }
                for line in tableLines(header: ["PERSON", "HOW", "COMMITS", "CHECK-INS", "FIRST", "LAST"], rows: rows, indent: "  ", style: style) {
                    print(line)
                }
                for p in g.people where !p.fields.isEmpty {
                    print("  \(p.name) edited: \(p.fields.sorted().joined(separator: ", "))")
                }
            }
            if log.isShallow { print("\nThis is a shallow clone: only the history since \(log.boundary.map { String($0.prefix(8)) }.joined(separator: ", ")) is counted.") }
        }
    }
}

/// Cuts `text` to `width` characters with an ellipsis.
func clip(_ text: String, _ width: Int) -> String {
    let oneLine = text.replacingOccurrences(of: "\n", with: " ")
    return oneLine.count <= width ? oneLine : String(oneLine.prefix(width - 1)) + "…"
}

/// Aligned columns (the last one unpadded), the header dimmed in a terminal. A cell is one line (a
/// line break in it is shown escaped). Widths count what shows: colour codes take no room.
func tableLines(header: [String], rows: [[String]], indent: String = "", style: TextStyle) -> [String] {
    let rows = rows.map { $0.map(oneLine) }
    var widths = header.map(Terminal.width)
    for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], Terminal.width(cell)) } }
    func line(_ cells: [String]) -> String {
        indent + cells.enumerated().map { i, c in i == cells.count - 1 ? c : c + String(repeating: " ", count: max(0, widths[i] - Terminal.width(c))) }
            .joined(separator: "  ")
    }
    return [style.dim(line(header))] + rows.map(line)
}

/// ANSI colour for a terminal: on only when stdout is a terminal and NO_COLOR is not set. The codes
/// are markers until ``Terminal/safe(_:)`` prints them.
struct TextStyle {
    let enabled: Bool

    static var stdout: TextStyle { TextStyle(enabled: Output.colorEnabled) }

    private func wrap(_ code: String, _ s: String) -> String { enabled ? Terminal.colour(code) + s + Terminal.colour("0") : s }
    func bold(_ s: String) -> String { wrap("1", s) }
    func dim(_ s: String) -> String { wrap("2", s) }
    func red(_ s: String) -> String { wrap("31", s) }
    func green(_ s: String) -> String { wrap("32", s) }
    func yellow(_ s: String) -> String { wrap("33", s) }
    func cyan(_ s: String) -> String { wrap("36", s) }
}
