import ArgumentParser
import Foundation
import GoalSyncCore

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a goal (status draft), commit it, and print its id.",
        discussion: """
            The id is the title's slug plus a random suffix, so two people who create goals with the \
            same title offline never collide; --id chooses it instead. The owner defaults to you.
              goalsync new "Raise activation from 30% to 50%" --set persona="New admins" --set timeframe.end=2026-03-31
            --template starts the goal's narrative with the questions of a framework, and the \
            product manager's: who it is for, the problem, the proof, why it matters, the \
            assumptions, how it is measured and how it moves the North Star. Templates: okr, smart, \
            north-star, heart (happiness, engagement, adoption, retention, task success), aarrr \
            (acquisition, activation, retention, referral, revenue), ebm (current value, unrealized \
            value, time to market, ability to innovate).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var commit: CommitOptions
    @Argument(help: "The goal's title: the outcome it aims for.") var title: String
    @Option(help: "The id (lower-case letters, digits, hyphens; it names the file goals/ID.md).") var id: String?
    @Option(name: .customLong("set"), help: ArgumentHelp("Set a field: FIELD=VALUE (repeatable; dotted paths such as timeframe.end).", valueName: "FIELD=VALUE"))
    var sets: [String] = []
    @Option(help: ArgumentHelp("Start the narrative with a framework's questions: okr, smart, north-star, heart, aarrr, ebm.", valueName: "NAME"))
    var template: String?

    func validate() throws {
        if let template, GoalTemplate(rawValue: template) == nil {
            throw ValidationError("--template takes one of \(GoalTemplate.names), not '\(template)'")
        }
    }

    func run() throws {
        try goalsync.run {
            let repo = try global.open()
            let (id, result) = try GoalEditor(repo).newGoal(title: title, id: id, sets: sets, template: template.flatMap(GoalTemplate.init(rawValue:)), noVerify: commit.noVerify)
            print(id)
            dateWarnings(result)
            lintNote(result)
        }
    }
}

struct Set: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Change one field of a goal and commit.",
        discussion: """
            FIELD is a name or a dotted path: title, owner, timeframe.end, metrics.activation.target, \
            sprint_goals.2026-S03.status. An empty VALUE removes an optional field. Closing a goal \
            (status achieved or abandoned) needs --reason; a draft or proposed goal can be abandoned \
            so too. Activation goes through goalsync activate. A timeframe.end before today is \
            written with a warning (activate refuses it).
              goalsync set faster-activation metrics.activation.target 50
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var commit: CommitOptions
    @Argument(help: "The goal's id.", completion: Completions.goalIDs) var id: String
    @Argument(help: "The field (dotted path).") var field: String
    @Argument(help: "The new value.") var value: String
    @Option(help: "Why the goal closes (with status achieved or abandoned).") var reason: String?

    func run() throws {
        try goalsync.run {
            let repo = try global.open()
            let id = try repo.resolveGoalID(self.id)
            let result = try GoalEditor(repo).set(id: id, field: field, value: value, reason: reason, noVerify: commit.noVerify)
            if field.hasPrefix("timeframe") { dateWarnings(result) }
            report(result, nothing: "\(field) of \(id) is already \(value); nothing to commit")
        }
    }
}

struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add an item to a goal's list and commit.",
        discussion: """
            LIST is proof, assumptions, contributors, tags, metrics or sprint_goals. An item of a keyed \
            list is a YAML flow mapping:
              goalsync add faster-activation metrics '{id: activation, name: Activation, unit: percent, direction: increase, baseline: 30, target: 50}'
              goalsync add faster-activation sprint_goals '{sprint: 2026-S03, goal: Invite from signup, status: planned}'
              goalsync add faster-activation proof "Q3 funnel: 70% never invite"
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var commit: CommitOptions
    @Argument(help: "The goal's id.", completion: Completions.goalIDs) var id: String
    @Argument(help: "The list.") var list: String
    @Argument(help: "The item.") var value: String

    func run() throws {
        try goalsync.run {
            let repo = try global.open()
            let id = try repo.resolveGoalID(self.id)
            report(try GoalEditor(repo).add(id: id, list: list, value: value, noVerify: commit.noVerify), nothing: "nothing to commit")
        }
    }
}

struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove an item from a goal's list and commit.",
        discussion: "A text item is named by its text; a metric by its id; a sprint goal by its sprint. Check-ins are never removed.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var commit: CommitOptions
    @Argument(help: "The goal's id.", completion: Completions.goalIDs) var id: String
    @Argument(help: "The list.") var list: String
    @Argument(help: "The item's text or key.") var value: String

    func run() throws {
        try goalsync.run {
            let repo = try global.open()
            let id = try repo.resolveGoalID(self.id)
            report(try GoalEditor(repo).remove(id: id, list: list, value: value, noVerify: commit.noVerify), nothing: "nothing to commit")
        }
    }
}

struct Checkin: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a key result's value, correct a check-in, or add a note to one; commit.",
        discussion: """
            Appends a check-in {id, on, by, metric, value, confidence, note}. Check-ins are never \
            changed or removed afterwards, so two people checking in offline both keep theirs. The \
            date (--on, default today) is never after today nor before the goal was created.
              goalsync checkin faster-activation activation 34 --confidence on_track --note "Invite step live for 20%"
            A correction is a new check-in that supersedes the old one: progress and the report use \
            it in place of the old value, and both stay in the file and the history. Give the \
            check-in's id (or the start of it; goalsync report --json lists them) and what changes; \
            the rest (date, value, confidence, note) is taken from the corrected check-in:
              goalsync checkin --amend 01jd4x7k2m 35 --note "the dashboard double-counted one team"
              goalsync checkin --amend 01jd4x7k2m --on 2026-01-19
            A note is added to a check-in (on a line after its note) without changing its value:
              goalsync checkin --add-note 01jd4x7k2m "The invite step reached 40% on Monday"
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var commit: CommitOptions
    @Argument(help: "The goal's id (with --amend: the corrected VALUE, if any; with --add-note: the note).", completion: Completions.goalIDs) var id: String?
    @Argument(help: "The metric's id.", completion: Completions.metricIDs) var metric: String?
    @Argument(help: "The measured value.") var value: String?

    /// The positional arguments given, in order.
    var arguments: [String] { [id, metric, value].compactMap { $0 } }
    @Option(help: "on_track, at_risk or off_track.", completion: Completions.confidences) var confidence: String?
    @Option(help: "What happened; needed with at_risk and off_track.") var note: String?
    @Option(help: "The date measured (default: today; with --amend, the corrected check-in's), YYYY-MM-DD.") var on: String?
    @Option(help: ArgumentHelp("Correct check-in CHECKIN (its id or the start of it) with a new check-in that supersedes it.", valueName: "CHECKIN")) var amend: String?
    @Option(name: .customLong("add-note"), help: ArgumentHelp("Add a note to check-in CHECKIN without changing its value.", valueName: "CHECKIN")) var addNote: String?

    func validate() throws {
        if amend != nil && addNote != nil { throw ValidationError("give --amend or --add-note, not both") }
        if amend != nil {
            if arguments.count > 1 { throw ValidationError("with --amend, give only the corrected VALUE (the goal and metric are the check-in's)") }
        } else if addNote != nil {
            if arguments.count != 1 { throw ValidationError("with --add-note, give the note: goalsync checkin --add-note CHECKIN TEXT") }
            if confidence != nil || note != nil || on != nil { throw ValidationError("--add-note changes only the note; to change a value, date or confidence use --amend") }
        } else if arguments.count != 3 {
            throw ValidationError("give ID METRIC VALUE, e.g. goalsync checkin faster-activation activation 34")
        }
    }

    func run() throws {
        try goalsync.run {
            let repo = try global.open()
            let editor = GoalEditor(repo)
            if let amend {
                let (goal, checkin, result) = try editor.amendCheckin(amend, value: arguments.first, confidence: confidence, note: note, on: on, noVerify: commit.noVerify)
                lintNote(result)
                print("checked in \(checkin), correcting a check-in of \(goal) (commit \(result.commit.prefix(8)))")
                return
            }
            if let addNote {
                let (_, checkin, result) = try editor.addNote(toCheckin: addNote, text: arguments.first ?? "", noVerify: commit.noVerify)
                lintNote(result)
                print("noted on \(checkin) (commit \(result.commit.prefix(8)))")
                return
            }
            guard let typed = self.id, let metric, let value else { throw GoalSyncError.usage("give ID METRIC VALUE, e.g. goalsync checkin faster-activation activation 34") }
            let id = try repo.resolveGoalID(typed)
            let (checkin, result) = try editor.checkin(id: id, metric: metric, value: value, confidence: confidence, note: note, on: on, noVerify: commit.noVerify)
            lintNote(result)
            print("checked in \(checkin) (commit \(result.commit.prefix(8)))")
        }
    }
}

struct Rm: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove a draft goal (its file) and commit.",
        discussion: """
            Only a draft can be removed: a goal the team has seen (proposed, active) is abandoned \
            with a reason instead, so the history says why (goalsync set ID status abandoned \
            --reason TEXT; a draft can be abandoned so too). The removal is a commit: the draft \
            stays in the history (goalsync log ID).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var commit: CommitOptions
    @Argument(help: "The draft's id.", completion: Completions.goalIDs) var id: String

    func run() throws {
        try goalsync.run {
            let repo = try global.open()
            let id = try repo.resolveGoalID(self.id)
            let result = try GoalEditor(repo).removeDraft(id: id, noVerify: commit.noVerify)
            print("removed \(id) (commit \(result.commit.prefix(8)))")
            lintNote(result)
        }
    }
}

/// Prints the `past-end` warnings of what was just committed in full (a date in the past is
/// easy to miss in the one-line lint note), for `new` and `set`.
func dateWarnings(_ result: CommitResult?) {
    for d in result?.warnings ?? [] where d.code == LintRule.pastEnd.code && d.severity == .warning {
        Output.err("warning: \(d.message)")
    }
}

struct Activate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a proposed goal the one active goal.",
        discussion: """
            Only one Product Goal is active at a time. With another goal active, goalsync refuses \
            unless told how to close it, in the same commit:
              goalsync activate next-goal --close achieved --reason "Activation reached 51%"
            When ID is already active and others are too (a pull can bring that), the same command \
            keeps ID active and closes the others.
            A goal without timeframe.start starts today (activate says so); one whose timeframe.end \
            is before today is refused until timeframe.end is changed (goalsync set ID timeframe.end \
            YYYY-MM-DD).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var commit: CommitOptions
    @Argument(help: "The goal's id.", completion: Completions.goalIDs) var id: String
    @Option(help: "Close the active goal as achieved or abandoned.") var close: String?
    @Option(help: "Why the active goal closes.") var reason: String?

    func validate() throws {
        if let close, close != "achieved" && close != "abandoned" {
            throw ValidationError("--close takes achieved or abandoned, not '\(close)'")
        }
        if close == nil && reason != nil { throw ValidationError("--reason goes with --close") }
    }

    func run() throws {
        try goalsync.run {
            let repo = try global.open()
            let id = try repo.resolveGoalID(self.id)
            let before = try? repo.loadGoal(id)
            let result = try GoalEditor(repo).activate(id: id, close: close.flatMap(GoalStatus.init(rawValue:)), reason: reason, noVerify: commit.noVerify)
            report(result, nothing: "\(id) is already the active goal")
            if result != nil, before?.status != .active, let after = try? repo.loadGoal(id), let start = after.timeframeStart {
                let set = before?.timeframeStart == nil
                print("\(id) runs from \(start)\(set ? " (timeframe.start, set to today)" : " (its timeframe.start)") to \(after.timeframeEnd?.description ?? "no end yet: goalsync set \(id) timeframe.end YYYY-MM-DD")")
            }
        }
    }
}

struct Edit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Edit a goal in $VISUAL or $EDITOR, validate it, and commit.",
        discussion: """
            If the edit does not validate, nothing is committed and your text is kept in \
            .git/goalsync/edit-ID.md; goalsync edit ID starts from it next time.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var commit: CommitOptions
    @Argument(help: "The goal's id.", completion: Completions.goalIDs) var id: String

    func run() throws {
        try goalsync.run {
            let repo = try global.open()
            let id = try repo.resolveGoalID(self.id)
            report(try EditSession(repository: repo, id: id).run(noVerify: commit.noVerify), nothing: "no change; nothing to commit")
        }
    }
}
