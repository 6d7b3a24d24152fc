import ArgumentParser
import Foundation
import GoalSyncCore

@main
struct GoalSync: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "goalsync",
        abstract: "Keep a product team's Product Goals in git, one file per goal, and write them together.",
        discussion: """
            Goals live in goals/<id>.md (Markdown with YAML front matter). Every command that writes \
            makes one commit that says what changed. Use -C DIR, as in git, to run in another folder. \
            Text from files and remotes is printed with control characters escaped (\\e, \\u{9b}); \
            --json output is exact but for secrets: a password or token in a remote's URL is never \
            printed. URLs are shown without it (https://***@host/x.git, ssh://git:***@host/x.git), and \
            the secrets goalsync knows of (URL passwords on the command line and in git config, \
            GOALSYNC_TOKEN) are masked as *** in everything it writes. When .goalsync/config.yaml \
            cannot be read, pull, resolve and the reading commands warn and go on with the default \
            settings; the others refuse.

            A write waits up to 10 s for another goalsync writing to the same repository \
            (GOALSYNC_LOCK_TIMEOUT=SECONDS sets how long). A write killed before its commit is \
            rolled back by the next goalsync command, which says so. Commits are dated as git dates \
            them: GIT_AUTHOR_DATE and GIT_COMMITTER_DATE in git's own form (@1767603600 +0100), ISO \
            8601 or RFC 2822; a value that is not a date stops the command (exit 2).

            Exit codes: 0 success; 1 validation failed or conflicts remain; 2 the repository or a \
            remote could not be used; 64 usage error. Colour: --color auto|always|never, NO_COLOR, \
            CLICOLOR_FORCE.

            \(HelpTopics.list)
            """,
        version: "0.1.0",
        subcommands: [
            Init.self, New.self, List.self, Show.self, Set.self, Add.self, Remove.self, Rm.self, Checkin.self, Edit.self,
            Activate.self, VisionCommand.self, Status.self, Validate.self, Pull.self, Push.self, SyncCommand.self, Clone.self, Resolve.self,
            Hooks.self, MergeDriverCommand.self, Serve.self,
            Log.self, Blame.self, Contributors.self, Report.self, Export.self, Import.self,
        ]
    )

    /// Handles leading `-C DIR` options (as git does: each one relative to the previous) before the
    /// argument parser sees the rest.
    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        while args.count >= 2, args[0] == "-C" {
            let dir = args[1]
            guard FileManager.default.changeCurrentDirectoryPath(dir) else {
                Output.err("goalsync: error: cannot use -C \(oneLine(dir)): no such directory")
                Foundation.exit(2)
            }
            args.removeFirst(2)
        }
        if args.count == 2, args[0] == "help", let text = HelpTopics.text(args[1]) {
            print(text, terminator: "")
            Foundation.exit(0)
        }
        if let command = hotCommand(args) {
            do {
                try command()
            } catch {
                exit(after: error)
            }
            Foundation.exit(0)
        }
        do {
            var command = try parseAsRoot(args)
            try command.run()
        } catch {
            exit(after: error)
        }
        Foundation.exit(0)
    }

    /// Ends the process as the argument parser's `exit(withError:)` does (its message, help or usage
    /// error, on stdout when the exit is clean and stderr otherwise, then its exit code), with the
    /// message through the secret mask: a usage error repeats the arguments, URLs and all.
    static func exit(after error: Error) -> Never {
        let message = fullMessage(for: error)
        let code = exitCode(for: error)
        if !message.isEmpty {
            let text = Terminal.masked(message) + "\n"
            if code == .success { FileHandle.standardOutput.write(Data(text.utf8)) } else { FileHandle.standardError.write(Data(text.utf8)) }
        }
        Foundation.exit(code.rawValue)
    }

    /// The commands git runs on every commit (the pre-commit hook's `validate --staged --quiet`),
    /// for every merged goal file (`merge-driver %O %A %B %P`) and on every push to a server
    /// (`hooks pre-receive [--branch NAME]`), when given exactly so, run
    /// without the argument parser: it reflects over every command first, which takes longer than
    /// the hook's own work. Anything else (help, other options, mistakes) goes the usual way.
    static func hotCommand(_ args: [String]) -> (() throws -> Void)? {
        guard let name = args.first else { return nil }
        let rest = Array(args.dropFirst())
        let validateFlags: Swift.Set = ["--staged", "--quiet", "--json"]
        if name == "validate", rest.contains("--staged"), rest.allSatisfy(validateFlags.contains), Swift.Set(rest).count == rest.count {
            return {
                try Validate.check(paths: [], staged: true, json: rest.contains("--json"), quiet: rest.contains("--quiet"), in: FileManager.default.currentDirectoryPath)
            }
        }
        if name == "hooks", rest.first == "pre-receive" {
            let options = Array(rest.dropFirst())
            if options.isEmpty {
                return { try Hooks.PreReceive.check(branch: nil, in: FileManager.default.currentDirectoryPath) }
            }
            if options.count == 2, options[0] == "--branch", !options[1].hasPrefix("-") {
                return { try Hooks.PreReceive.check(branch: options[1], in: FileManager.default.currentDirectoryPath) }
            }
        }
        if name == "merge-driver", rest.count == 4, !rest.contains(where: { $0.hasPrefix("-") }) {
            return { try MergeDriverCommand.merge(base: rest[0], ours: rest[1], theirs: rest[2], path: rest[3]) }
        }
        if name == "merge-driver", rest.count == 5, rest[0] == "--virtual-base", !rest.dropFirst().contains(where: { $0.hasPrefix("-") }) {
            return { try MergeDriverCommand.merge(base: rest[1], ours: rest[2], theirs: rest[3], path: rest[4], virtualBase: true) }
        }
        return nil
    }
}
