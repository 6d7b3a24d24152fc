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

func describe(_ hook: Initializer.HookInstall) -> String {
    switch hook {
    case .installed(let p): return "pre-commit hook installed: \(p)"
    case .updated(let p): return "pre-commit hook updated: \(p)"
    case .chained(let p, let previous): return "pre-commit hook installed: \(p) (the hook that was there runs after it, from \(previous))"
    }
}

struct Hooks: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Git integration.",
        subcommands: [Install.self])

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install goalsync's pre-commit hook, keeping (and chaining) a hook that is already there.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try goalsync.run {
                let repo = try global.open()
                print(describe(try Initializer.installHook(repo, executablePath: executablePath())))
            }
        }
    }
}
