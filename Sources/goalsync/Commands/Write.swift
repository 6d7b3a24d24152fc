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
            (status achieved or abandoned) needs --reason. Activation goes through goalsync activate.
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
            report(try GoalEditor(repo).set(id: id, field: field, value: value, reason: reason, noVerify: commit.noVerify),
                   nothing: "\(field) of \(id) is already \(value); nothing to commit")
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
        abstract: "Record a key result's value and commit.",
        discussion: """
            Appends a check-in {id, on, by, metric, value, confidence, note}; check-ins are never \
            changed afterwards, so two people checking in offline both keep theirs.
              goalsync checkin faster-activation activation 34 --confidence on_track --note "Invite step live for 20%"
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var commit: CommitOptions
    @Argument(help: "The goal's id.", completion: Completions.goalIDs) var id: String
    @Argument(help: "The metric's id.", completion: Completions.metricIDs) var metric: String
    @Argument(help: "The measured value.") var value: String
    @Option(help: "on_track, at_risk or off_track.", completion: Completions.confidences) var confidence: String?
    @Option(help: "What happened; needed with at_risk and off_track.") var note: String?
    @Option(help: "The date measured (default: today), YYYY-MM-DD.") var on: String?

    func run() throws {
        try goalsync.run {
            let repo = try global.open()
            let id = try repo.resolveGoalID(self.id)
            let (checkin, result) = try GoalEditor(repo).checkin(id: id, metric: metric, value: value, confidence: confidence, note: note, on: on, noVerify: commit.noVerify)
            lintNote(result)
            print("checked in \(checkin) (commit \(result.commit.prefix(8)))")
        }
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
            report(try GoalEditor(repo).activate(id: id, close: close.flatMap(GoalStatus.init(rawValue:)), reason: reason, noVerify: commit.noVerify),
                   nothing: "\(id) is already the active goal")
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
