import ArgumentParser
import Foundation
import GoalSyncCore

struct MergeDriverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-driver",
        abstract: "Merge one goal file for git (git's merge driver protocol: %O %A %B %P).",
        discussion: """
            Configured by goalsync init, clone and hooks install as merge.goalsync.driver, and named \
            for goals/*.md and VISION.md in .gitattributes, so plain git merge and git pull merge goal \
            files per goal and per field, byte for byte as goalsync pull does. Writes the result to \
            OURS; exits 0 when clean, 1 on conflict (the file then carries conflict markers around each \
            conflicting field, which goalsync validate rejects until settled). With --virtual-base \
            (merge.goalsync.recursive), git is merging the several merge bases of a criss-cross \
            history into a virtual one: a conflicting field takes the value of the bases' own merge \
            base, as goalsync pull does, and the merge is always clean.
            """)

    @Flag(name: .customLong("virtual-base"), help: "Merge two merge bases into a virtual base (git's inner merge).") var virtualBase = false
    @Argument(help: "The merge base's version (%O).") var base: String
    @Argument(help: "Our version (%A); the result is written here.") var ours: String
    @Argument(help: "Their version (%B).") var theirs: String
    @Argument(help: "The file's path in the repository (%P).") var path: String

    func run() throws {
        try Self.merge(base: base, ours: ours, theirs: theirs, path: path, virtualBase: virtualBase)
    }

    /// The command's work, also called without the argument parser (see `GoalSync.hotCommand`).
    static func merge(base: String, ours: String, theirs: String, path: String, virtualBase: Bool = false) throws {
        try goalsync.run {
            let report = try MergeDriver.run(base: base, ours: ours, theirs: theirs, path: path, virtualBase: virtualBase)
            if !report.clean {
                for c in report.conflicts {
                    Output.err("goalsync merge-driver: \(path): conflict on \(c.field): ours \(c.ours ?? "absent"), theirs \(c.theirs ?? "absent")")
                }
                throw ExitCode(1)
            }
        }
    }
}

struct Resolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Settle a conflict of a pull (goalsync's or plain git's) that stopped.",
        discussion: """
            goalsync status lists the pending conflicts with base, ours, theirs and who wrote each.
              goalsync resolve faster-activation title --theirs
              goalsync resolve faster-activation metrics.activation.target --value 55
              goalsync resolve --active faster-activation      (two goals were activated concurrently)
              goalsync resolve --all --ours
            Then goalsync pull --continue commits the merge (goalsync pull --abort returns to before \
            the pull). The goal is checked before it is written: when a field alone would break a \
            rule that ties it to others (status and closed; a metric's direction, baseline and \
            target; timeframe.start and end), --ours, --theirs and --base take those fields from the \
            same side and say so; otherwise nothing is written and the error says what to settle \
            together. It works the same on a merge plain git stopped (git pull, git merge): the files \
            git left in conflict are merged field by field again, written without markers and staged, \
            and the merge then goes on as a stopped goalsync pull (finish with goalsync pull \
            --continue or git commit).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The goal's id.", completion: Completions.goalIDs) var id: String?
    @Argument(help: "The conflicting field, as goalsync status names it.") var field: String?
    @Flag(help: "Keep our value.") var ours = false
    @Flag(help: "Take their value.") var theirs = false
    @Flag(help: "Go back to the merge base's value.") var base = false
    @Option(help: "Set this value.") var value: String?
    @Option(help: "Keep this goal as the one active goal.") var active: String?
    @Flag(help: "Settle every pending conflict (with --ours or --theirs).") var all = false

    func validate() throws {
        let choices = [ours, theirs, base, value != nil].filter { $0 }.count
        if active != nil {
            if choices > 0 || all || id != nil { throw ValidationError("--active ID stands alone") }
            return
        }
        if all {
            if id != nil || !(ours || theirs) || choices != 1 { throw ValidationError("--all takes --ours or --theirs and no ID") }
            return
        }
        if id == nil || field == nil { throw ValidationError("name the goal and the field: goalsync resolve ID FIELD --ours|--theirs|--base|--value V") }
        if choices != 1 { throw ValidationError("choose one of --ours, --theirs, --base, --value V") }
    }

    func run() throws {
        try goalsync.run {
            let repo = try global.openDespiteConfig()
            let id = try self.id.map(repo.resolveGoalID)
            if let active = try self.active.map(repo.resolveGoalID) {
                try Syncer(repo).resolveActive(active)
                print("\(active) stays the active goal")
            } else if all {
                let (n, notes) = try Syncer(repo).resolveAll(with: ours ? .ours : .theirs)
                print("settled \(n) conflict\(n == 1 ? "" : "s") with \(ours ? "ours" : "theirs")")
                for note in notes { print(note) }
            } else if let id, let field {
                let choice: Resolution = ours ? .ours : theirs ? .theirs : base ? .base : .value(value ?? "")
                let notes = try Syncer(repo).resolve(goal: id, field: field, with: choice)
                print("settled \(field) of \(id)")
                for note in notes { print(note) }
            }
            if let state = try MergeState.load(gitDir: repo.git.gitDir) {
                if state.isSettled {
                    print("All conflicts settled: run goalsync pull --continue (or goalsync pull --abort to return to before the pull)")
                } else {
                    print("\(state.pending.count + (state.active?.resolution == nil && state.active != nil ? 1 : 0)) conflict(s) still pending (goalsync status lists them; goalsync pull --abort returns to before the pull)")
                }
            }
        }
    }
}
