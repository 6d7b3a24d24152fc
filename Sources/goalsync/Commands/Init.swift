import ArgumentParser
import Foundation
import GoalSyncCore

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a goal repository (a new git repository, or an existing one) and commit it.",
        discussion: """
            Writes VISION.md, .goalsync/config.yaml, .gitattributes (goal files merge with goalsync), \
            the JSON schemas for editors and tools under .goalsync/schema/, and installs the pre-commit \
            hook. A new repository starts on git's init.defaultBranch, else main. Running it again on a \
            goal repository only reinstalls the hook.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The folder (default: the current one).") var dir: String?
    @Option(help: "The product's name (default: the folder's name).") var product: String?

    func run() throws {
        try goalsync.run {
            let target = dir.map { $0.hasPrefix("/") ? $0 : global.path + "/" + $0 } ?? global.path
            let result = try Initializer.initialize(
                at: target, product: product, environment: ProcessInfo.processInfo.environment,
                executablePath: executablePath())
            if let commit = result.commit {
                print("Initialized goal repository in \(result.root) on branch \(result.branch) (commit \(commit.prefix(8)))")
            } else {
                print("\(result.root) is already a goal repository")
            }
            print(describe(result.hook))
        }
    }
}

func executablePath() -> String? {
    let path = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
    if CommandLine.arguments[0].contains("/") { return path }
    return Bundle.main.executableURL?.path
}

func describe(_ hook: Initializer.HookInstall, name: String = "pre-commit") -> String {
    switch hook {
    case .installed(let p): return "\(name) hook installed: \(p)"
    case .updated(let p): return "\(name) hook updated: \(p)"
    case .chained(let p, let previous): return "\(name) hook installed: \(p) (the hook that was there runs after it, from \(previous))"
    }
}

struct Hooks: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Git integration.",
        subcommands: [Install.self, PreReceive.self])

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install goalsync's pre-commit hook (or with --server, a server's pre-receive hook), keeping (and chaining) a hook that is already there.",
            discussion: """
                --server, run in the bare repository teammates push to (on your own server or a shared \
                drive), installs a pre-receive hook that refuses a push whose new commits break the rules \
                validate checks (every goal file valid, unique ids, at most one active goal) or hold a \
                path a goalsync clone refuses; the reasons reach the pusher as remote: lines. It runs this \
                goalsync binary by its absolute path: install goalsync where it stays, and run this again \
                after moving it (where that binary is missing, as on a shared drive reached from another \
                machine, the goalsync on the pusher's PATH runs; with neither, every push is refused). \
                Every new commit is checked, not only the tip. Every branch is checked, or only --branch NAME; tags and deletions pass. \
                Hosted GitHub and GitLab run no custom pre-receive hooks: there, run goalsync validate \
                --range in CI (examples/github-actions.yml and examples/gitlab-ci.yml in goalsync's source).
                """)

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Install the server's pre-receive hook into this bare repository.") var server = false
        @Option(help: ArgumentHelp("With --server, check only this branch.", valueName: "NAME")) var branch: String?

        func run() throws {
            try goalsync.run {
                if server {
                    let repo = try GoalRepository.openForCommitChecks(at: global.path, environment: ProcessInfo.processInfo.environment)
                    print(describe(try Initializer.installServerHook(repo, executablePath: executablePath(), branch: branch), name: "pre-receive"))
                    return
                }
                guard branch == nil else { throw GoalSyncError.usage("--branch goes with --server") }
                let repo = try global.open()
                print(describe(try Initializer.installHook(repo, executablePath: executablePath())))
            }
        }
    }

    struct PreReceive: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pre-receive",
            abstract: "Check a push's new commits (run by the hook hooks install --server installs).",
            discussion: """
                Reads git's pre-receive input (OLD NEW REF lines) and checks every commit each branch \
                update brings that the repository does not have, as validate --range does; exit 1 with \
                the reasons on stderr when one breaks a rule, which refuses the whole push.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Check only this branch.", valueName: "NAME")) var branch: String?

        func run() throws {
            try Self.check(branch: branch, in: global.path)
        }

        /// The command's work, also run without the argument parser (see `GoalSync.hotCommand`).
        static func check(branch: String?, in directory: String) throws {
            try goalsync.run {
                // libgit2 starts (it loads the system's TLS certificates) on another core while git's
                // input is read.
                GitRuntime.startInBackground()
                let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                // A commit's goals/ tree and its parent's are read several times: keep them parsed.
                GitRuntime.keepParsedTrees(upTo: 16 << 20)
                let repo = try GoalRepository.openForCommitChecks(at: directory, environment: ProcessInfo.processInfo.environment)
                let updates = try RepositoryChecks(repo).checkReceivedUpdates(input, branch: branch)
                var refused = 0
                for u in updates where u.unusable != nil || !u.problems.isEmpty {
                    refused += 1
                    if let why = u.unusable {
                        Output.err("goalsync: \(u.reference): \(why)")
                        continue
                    }
                    let n = u.problems.count
                    Output.err("goalsync: \(u.reference): \(n) new commit\(n == 1 ? "" : "s") break\(n == 1 ? "s" : "") the goal rules:")
                    for problem in u.problems {
                        for d in problem.diagnostics { Output.err("commit \(problem.label): \(oneLine(d.formatted))") }
                    }
                }
                guard refused > 0 else { return }
                // The command that lists the same problems in the pusher's clone.
                let range = updates.first { !$0.problems.isEmpty }?.range ?? "OLD..NEW"
                Output.err("goalsync: push refused; nothing was updated. Fix the files (goalsync validate --range \(range) lists every problem), amend or rewrite the commits, and push again")
                throw ExitCode(1)
            }
        }
    }
}
