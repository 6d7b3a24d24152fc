import ArgumentParser
import Foundation
import GoalSyncCore

/// Fetch progress on stderr when it is a terminal.
func progressReporter() -> ((SyncProgress) -> Void)? {
    guard isatty(STDERR_FILENO) == 1 else { return nil }
    return { p in
        guard p.totalObjects > 0 else { return }
        let line = "\rreceiving objects: \(p.receivedObjects)/\(p.totalObjects) (\(p.receivedBytes / 1024) KiB)"
        FileHandle.standardError.write(Data(Terminal.masked(line).utf8))
        if p.receivedObjects == p.totalObjects { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

func describe(_ outcome: IntegrateOutcome) throws {
    switch outcome {
    case .upToDate: print("Already up to date.")
    case .fastForward(let to, let files, let problems):
        print("Fast-forwarded to \(to.prefix(8)) (\(files) file\(files == 1 ? "" : "s") updated).")
        guard !problems.isEmpty else { return }
        // The pull is done; what it brought breaks the rules, and every commit is refused until
        // that is fixed: every offending file, then what to do.
        for d in problems { Output.err(d.formatted) }
        let files = Swift.Set(problems.map(\.file)).count
        Output.err("goalsync: error: the pull completed (fast-forwarded to \(to.prefix(8))), but it leaves \(files) goal file\(files == 1 ? "" : "s") breaking the rules (above), and goalsync refuses every commit until they are fixed. Fix them all in one commit (edit the files, then git commit -a; goalsync validate checks them first), or ask whoever pushed them to.")
        throw ExitCode(1)
    case .merged(let commit, let files):
        print("Merged (commit \(commit.prefix(8))); merged field by field: \(files.isEmpty ? "nothing on both sides" : files.joined(separator: ", ")).")
    case .conflicts(let state):
        // What stopped it: values to settle, rule errors in the merged files to fix, or both.
        let n = state.pending.count + (state.active != nil ? 1 : 0)
        var reasons = [String]()
        if n > 0 { reasons.append("\(n) conflict\(n == 1 ? "" : "s") to settle") }
        if !state.message.isEmpty { reasons.append("the merged files break the rules below, to fix by editing") }
        let files = state.message.isEmpty ? "your files are valid and nothing was committed" : "nothing was committed"
        Output.err("The pull stopped before committing: \(reasons.isEmpty ? "the merge needs finishing" : reasons.joined(separator: "; ")). A merge is in progress; \(files).")
        for c in state.pending { Output.err("  \(c.goal ?? c.path) \(c.field): ours \(c.ours ?? "(absent)"), theirs \(c.theirs ?? "(absent)")") }
        if let a = state.active { Output.err("  goals activated concurrently: \(a.goals.joined(separator: ", ")) (goalsync resolve --active ID)") }
        if !state.message.isEmpty { Output.err(state.message) }
        var steps = [String]()
        if n > 0 { steps.append("settle each conflict with goalsync resolve (goalsync status lists them)") }
        if !state.message.isEmpty { steps.append("fix the files named above and stage them (git add)") }
        let todo = steps.joined(separator: "; ")
        let finish = "goalsync pull --continue commits the merge, or goalsync pull --abort returns to before the pull."
        Output.err(todo.isEmpty ? finish.prefix(1).uppercased() + finish.dropFirst() : todo.prefix(1).uppercased() + todo.dropFirst() + "; then " + finish)
        throw ExitCode(1)
    }
}

struct Pull: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch and merge per goal and per field.",
        discussion: """
            Defaults to the branch's upstream, else origin and the branch of the same name. A pull that \
            only fast-forwards needs no identity. When both sides moved, goal files merge field by field \
            against the merge base and the merge commit has both parents. A true conflict stops the pull \
            before anything is committed: see goalsync status, settle with goalsync resolve, then \
            --continue; --abort returns exactly to before the pull, and always can. --continue and \
            --abort also work on a merge plain git pull or git merge stopped on conflicts (see \
            goalsync resolve --help). After criss-cross \
            merges (several merge bases), the bases are first merged into a virtual base, as git \
            does, where a field that conflicts between them keeps the value of their own merge \
            base. A failed fetch changes nothing local; a remote that makes no progress for \
            goalsync.timeout seconds (git config, default 60) ends it (exit 2). ssh remotes go through \
            OpenSSH's ssh as with git (GIT_SSH_COMMAND, core.sshCommand, GIT_SSH, ~/.ssh/config). \
            The fetched tree is checked before anything is written: a path such as .., .git (in any \
            case or disguise), a name over 255 bytes, a symbolic link or a submodule, goals/ or \
            .goalsync/ that is not a folder, a folder named like a goal file (goals/x.md) or \
            .goalsync/config.yaml or VISION.md that is not a file is refused, naming the entry, and \
            nothing changes. A fast-forward that brings goal files breaking the rules completes, lists every \
            offending file and exits 1. A .goalsync/config.yaml that cannot be read does not stop a \
            pull (so a teammate's fix can be fetched): one warning names the problem and the default \
            settings are used. Over http(s), credentials and git's http.* settings are read as for \
            goalsync clone (see its --help); a server that sends nothing for goalsync.timeout seconds \
            (default 60) ends the pull with exit 2.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The remote (a name such as origin, or a URL).", completion: Completions.remotes) var remote: String?
    @Flag(name: .customLong("continue"), help: "Commit the merge once every conflict is settled.") var continueMerge = false
    @Flag(help: "Return exactly to before the pull.") var abort = false
    @Flag(name: .customLong("no-verify"), help: "Skip the team's other pre-commit hooks when continuing.") var noVerify = false

    func validate() throws {
        if continueMerge && abort { throw ValidationError("choose --continue or --abort") }
        if (continueMerge || abort) && remote != nil { throw ValidationError("--continue and --abort take no REMOTE") }
    }

    func run() throws {
        try goalsync.run {
            let repo = try global.openDespiteConfig()
            if continueMerge {
                print("Merged (commit \(try Syncer(repo).continueMerge(noVerify: noVerify).prefix(8))).")
            } else if abort {
                switch try Syncer(repo).abortMerge() {
                case .restored:
                    print("Pull aborted; the repository is as it was before it.")
                case .cleared:
                    print("Pull aborted: the branch had moved since it stopped, so only its state was cleared; no file was touched.")
                case .undidGitMerge(let restored, let kept):
                    print("Merge aborted, as git merge --abort does; put back as HEAD has them: \(restored.isEmpty ? "none" : restored.joined(separator: ", ")).")
                    if !kept.isEmpty { Output.err("note: kept \(kept.joined(separator: ", ")), which had edits besides what the merge staged (see git status)") }
                case .restoredWithoutState(let restored, let kept):
                    print("Pull aborted; its state was damaged, so the staged changes were undone as git reset --merge does: \(restored.isEmpty ? "none" : restored.joined(separator: ", ")).")
                    if !kept.isEmpty { Output.err("note: kept \(kept.joined(separator: ", ")), which had edits besides what was staged (see git status)") }
                }
            } else {
                try describe(try Syncer(repo).pull(remote: remote, progress: progressReporter()))
            }
        }
    }
}

struct Push: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Push the branch; never forces.",
        discussion: """
            Every commit the push would add to the remote is checked first with goalsync validate's rules \
            (its errors, not lint warnings): a commit that breaks them stops the push (exit 1), naming the \
            commit and each error, unless --allow-invalid. When the remote's branch moved on (it has \
            commits this branch lacks, or another push updated it first), goalsync pulls, merging per goal \
            and per field, and pushes again: up to \(Syncer.pushAttempts) pushes in all, a short \
            random wait between them. A remote that refuses the push while its branch did not move (its \
            hooks declined it) stops the push with the remote's reason (exit 2). "Pushed" is said only \
            when the remote's branch holds the commit. A remote by path or file:// is pushed to through \
            git's own git-receive-pack, as git push does, so its hooks run. A remote that makes no \
            progress for goalsync.timeout seconds (git config, default 60) ends the push (exit 2). The \
            first push to an empty \
            remote sets the branch's upstream. Every local commit stays as it was.

            What the remote's hooks write is shown on stderr, each line after "remote: " as git shows \
            it, whether the push is accepted or refused. A remote named by a URL is shown without its \
            password or token.

            \(pushJSONHelp)
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The remote (default: the upstream's, else origin).", completion: Completions.remotes) var remote: String?
    @Flag(name: .customLong("allow-invalid"), help: "Push commits that break the rules anyway, with a warning for each.")
    var allowInvalid = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try goalsync.run {
            let repo = try global.open()
            let outcome = try pushOutcome(json: json, wrap: { $0 }) {
                try Syncer(repo).push(remote: remote, allowInvalid: allowInvalid, progress: progressReporter())
            }
            try describe(outcome, mergedNote: true, json: json)
        }
    }
}

/// `push --help`'s and `sync --help`'s words on the JSON of a push.
let pushJSONHelp = """
    --json prints {format, result, branch, remote, commit, pulls, set_upstream, reason, server_messages} \
    (result: pushed, up_to_date, refused or stopped_on_conflicts; server_messages: the lines the \
    remote's hooks wrote, as strings; what does not apply is null), also when the remote refuses the \
    push (exit 2).
    """

/// Runs a push; with `json`, a push the remote refused prints its JSON (`wrap` puts it in the
/// command's document) before the error goes on to be shown.
func pushOutcome(json: Bool, wrap: (JSONValue) -> JSONValue, _ push: () throws -> PushOutcome) throws -> PushOutcome {
    do {
        return try push()
    } catch GoalSyncError.pushRefused(let remote, let reference, let reason, let messages) where json {
        let branch = reference.hasPrefix("refs/heads/") ? String(reference.dropFirst("refs/heads/".count)) : reference
        printJSON(wrap(pushJSON(result: "refused", branch: branch, remote: remote, reason: reason, serverMessages: messages)))
        throw GoalSyncError.pushRefused(remote: remote, reference: reference, reason: reason, serverMessages: messages)
    }
}

/// One push's JSON (see ``pushJSONHelp``).
func pushJSON(
    result: String, branch: String? = nil, remote: String? = nil, commit: String? = nil, pulls: Int? = nil, setUpstream: Bool? = nil,
    reason: String? = nil, serverMessages: [String] = []
) -> JSONValue {
    .object([
        ("result", .string(result)), ("branch", branch.map(JSONValue.string) ?? .null), ("remote", remote.map(JSONValue.string) ?? .null),
        ("commit", commit.map(JSONValue.string) ?? .null), ("pulls", pulls.map { .number(Double($0)) } ?? .null),
        ("set_upstream", setUpstream.map(JSONValue.bool) ?? .null), ("reason", reason.map(JSONValue.string) ?? .null),
        ("server_messages", .array(serverMessages.map(JSONValue.string))),
    ])
}

/// The JSON of a push's outcome (see ``pushJSONHelp``).
func pushJSON(_ outcome: PushOutcome) -> JSONValue {
    switch outcome {
    case .upToDate:
        return pushJSON(result: "up_to_date")
    case .pushed(let branch, let remote, let commit, let pulls, let setUpstream, _, let serverMessages):
        return pushJSON(
            result: "pushed", branch: branch, remote: remote, commit: commit, pulls: pulls, setUpstream: setUpstream,
            serverMessages: serverMessages)
    case .stoppedOnConflicts:
        return pushJSON(result: "stopped_on_conflicts", reason: "the remote's new commits conflict with yours; see goalsync status")
    }
}

/// Prints what a push did (warnings for commits pushed with --allow-invalid, and the server's words,
/// on stderr); with `json`, its JSON instead of the lines on stdout.
func describe(_ outcome: PushOutcome, mergedNote: Bool, json: Bool = false) throws {
    if json {
        if case .pushed(_, _, _, _, _, let allowedInvalid, let serverMessages) = outcome {
            Output.serverMessages(serverMessages)
            warnAllowedInvalid(allowedInvalid)
        }
        printJSON(pushJSON(outcome))
        if case .stoppedOnConflicts(let state) = outcome { try describe(.conflicts(state)) }
        return
    }
    switch outcome {
    case .upToDate: print("Nothing to push.")
    case .pushed(let branch, let remote, let commit, let pulls, let setUpstream, let allowedInvalid, let serverMessages):
        Output.serverMessages(serverMessages)
        warnAllowedInvalid(allowedInvalid)
        let merged = pulls == 0 || !mergedNote ? "" : " after merging the remote's new commits\(pulls > 1 ? " (\(pulls) times: other pushes landed first)" : "")"
        print("Pushed \(branch) to \(remote) (\(commit.prefix(8)))\(merged).")
        if setUpstream { print("\(branch) now tracks \(remote)/\(branch).") }
    case .stoppedOnConflicts(let state):
        try describe(.conflicts(state))
    }
}

/// A warning on stderr for each commit pushed with --allow-invalid.
func warnAllowedInvalid(_ problems: [OutgoingCommitProblem]) {
    for problem in problems {
        Output.err(
            "goalsync: warning: pushed \(problem.label), which breaks the rules (--allow-invalid): "
                + oneLine(problem.diagnostics.map(\.formatted).joined(separator: "; ")))
    }
}

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Pull, then push.",
        discussion: """
            The push checks and retries as goalsync push does, and shows what the remote's hooks write \
            (see goalsync push --help).

            --json prints {format, pull: {result, commit, files}, push: {result, branch, remote, commit, pulls, \
            set_upstream, reason, server_messages}} (pull's result: up_to_date, fast_forward, merged or \
            conflicts; push as goalsync push --json prints it, null when the pull stopped).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The remote (default: the upstream's, else origin).", completion: Completions.remotes) var remote: String?
    @Flag(name: .customLong("allow-invalid"), help: "Push commits that break the rules anyway, with a warning for each.")
    var allowInvalid = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try goalsync.run {
            let repo = try global.open()
            let pulled = try Syncer(repo).pull(remote: remote, progress: progressReporter())
            guard json else {
                try describe(pulled)
                try describe(try Syncer(repo).push(remote: remote, allowInvalid: allowInvalid, progress: progressReporter()), mergedNote: false)
                return
            }
            let pull = Self.json(pulled)
            let stopped: Bool
            switch pulled {
            case .conflicts: stopped = true
            case .fastForward(_, _, let problems): stopped = !problems.isEmpty  // files that break the rules
            case .upToDate, .merged: stopped = false
            }
            if stopped {
                printJSON(.object([("pull", pull), ("push", .null)]))
                try describe(pulled)
            } else {
                let outcome = try pushOutcome(json: true, wrap: { .object([("pull", pull), ("push", $0)]) }) {
                    try Syncer(repo).push(remote: remote, allowInvalid: allowInvalid, progress: progressReporter())
                }
                if case .pushed(_, _, _, _, _, let allowedInvalid, let serverMessages) = outcome {
                    Output.serverMessages(serverMessages)
                    warnAllowedInvalid(allowedInvalid)
                }
                printJSON(.object([("pull", pull), ("push", pushJSON(outcome))]))
                if case .stoppedOnConflicts(let state) = outcome { try describe(.conflicts(state)) }
            }
        }
    }

    /// A pull's JSON: {result, commit, files}.
    static func json(_ outcome: IntegrateOutcome) -> JSONValue {
        let (result, commit, files): (String, String?, Int?)
        switch outcome {
        case .upToDate: (result, commit, files) = ("up_to_date", nil, nil)
        case .fastForward(let to, let count, _): (result, commit, files) = ("fast_forward", to, count)
        case .merged(let merge, let merged): (result, commit, files) = ("merged", merge, merged.count)
        case .conflicts: (result, commit, files) = ("conflicts", nil, nil)
        }
        return .object([
            ("result", .string(result)), ("commit", commit.map(JSONValue.string) ?? .null), ("files", files.map { .number(Double($0)) } ?? .null),
        ])
    }
}

struct Clone: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Clone a goal repository and set up its hook and merge driver.",
        discussion: """
            URL: a local path, file://, git://, ssh (ssh://[user@]host[:port]/path or [user@]host:path, \
            reached as git reaches it: OpenSSH's ssh, or GIT_SSH_COMMAND, git config core.sshCommand, \
            GIT_SSH; ~/.ssh/config, ssh-agent, keys and known_hosts are OpenSSH's) or https:// \
            (the URL's password, GOALSYNC_TOKEN, git's credential helpers, then GIT_ASKPASS or \
            core.askPass; GOALSYNC_TOKEN goes over plain http:// only with git config \
            goalsync.allowTokenOverHTTP true). http(s) follows git's settings: http.sslCAInfo, \
            http.sslCAPath, GIT_SSL_CAINFO, http.sslVerify, http.proxy, remote.NAME.proxy, \
            http_proxy/https_proxy/no_proxy, http.extraHeader, http.lowSpeedLimit/lowSpeedTime. A \
            server that makes no progress for goalsync.timeout seconds (git config, default 60) ends \
            the clone (exit 2), leaving nothing. The tree is checked before anything is \
            written: a path such as .., .git (in any case or disguise), a name over 255 bytes, a \
            symbolic link or a submodule, or what goalsync reads (goals/, .goalsync/, its config, \
            VISION.md, goals/x.md) of the wrong kind is refused, naming the entry, and nothing is left \
            of the clone. A .goalsync/config.yaml that cannot be read is named in one warning; the \
            hook and merge driver are set up all the same. The URL is \
            shown without its password or token (git config keeps it as given, as git clone does).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The remote's URL or path.") var url: String
    @Argument(help: "The folder to clone into (default: from the URL).") var dir: String?

    func run() throws {
        try goalsync.run {
            let target = dir.map { $0.hasPrefix("/") ? $0 : global.path + "/" + $0 }
            let result = try Cloner.clone(url: url, into: target, environment: ProcessInfo.processInfo.environment, executablePath: executablePath(), progress: progressReporter(), warn: Output.transportWarning)
            print("Cloned \(result.displayURL) into \(result.root)")
            if let hook = result.hook { print(describe(hook)) }
            if let problem = result.configProblem { Output.warnInvalidConfig(problem) }
            if result.empty { print("The remote is empty: run goalsync init \(result.root), then goalsync push.") }
            else if !result.isGoalRepository { Output.err("note: this is not a goal repository yet (no .goalsync/config.yaml); run goalsync init in it") }
        }
    }
}
