import Foundation
import GoalSyncTestSupport
import Testing

/// The completion scripts (`goalsync --generate-completion-script bash|zsh|fish`) run in the real
/// shells: goal ids from the repository the shell is in, the metric ids of the goal typed before,
/// the remotes, and the values of --status and --confidence.
@Suite("Shell completions")
struct CompletionTests {
    /// A goal repository with goals raise-activation (metric activation) and cut-churn, and the
    /// remotes origin and backup; PATH finds the built goalsync first.
    func repository() throws -> TestRepo {
        let repo = try TestRepo()
        try repo.ok("new", "Raise activation", "--id", "raise-activation")
        try repo.ok("new", "Cut churn", "--id", "cut-churn")
        try repo.ok("add", "raise-activation", "metrics", "{id: activation, name: Activated workspaces, unit: percent, direction: increase, baseline: 30, target: 50}")
        for (name, url) in [("origin", "/srv/goals.git"), ("backup", "/srv/backup.git")] {
            try #require(try repo.git("remote", "add", name, url).status == 0)
        }
        return repo
    }

    func script(_ repo: TestRepo, _ shell: String) throws -> String {
        let r = try repo.goalsync(["--generate-completion-script", shell])
        try #require(r.status == 0, "\(r)")
        let path = repo.base + "/completion." + shell
        try r.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// What bash offers for the last of `words`, as bash calls the completion function when a
    /// person presses tab (extglob on, as bash-completion sets it).
    func bash(_ repo: TestRepo, _ words: [String]) throws -> [String] {
        let script = try script(repo, "bash")
        let quoted = words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let program = """
            shopt -s extglob
            source '\(script)'
            COMP_WORDS=(\(quoted)); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
            fn=$(complete -p goalsync | sed -n 's/.*-F \\([^ ]*\\) goalsync$/\\1/p')
            "$fn" goalsync "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let r = try ProcessRunner.run("/bin/bash", ["-c", program], in: repo.root, environment: repo.environment)
        try #require(r.status == 0, "\(r)")
        return r.stdout.split(separator: "\n").map(String.init).filter { !$0.isEmpty }.sorted()
    }

    /// What fish offers (`complete -C LINE`). `complete -C` has no cursor, so `commandline -tC`
    /// prints nothing there: the test says the cursor is at the end of the line, as when a person
    /// presses tab there.
    func fish(_ repo: TestRepo, _ line: String) throws -> [String] {
        let script = try script(repo, "fish")
        let program = """
            source '\(script)'
            functions -c __goalsync_tokens __goalsync_tokens_as_generated
            function __goalsync_tokens
                if test "$argv" = -tC
                    string length -- (commandline -t)
                else
                    __goalsync_tokens_as_generated $argv
                end
            end
            complete -C '\(line)'
            """
        let env = repo.environment.merging(["XDG_CONFIG_HOME": repo.base + "/fish-config", "XDG_DATA_HOME": repo.base + "/fish-data"]) { $1 }
        let r = try ProcessRunner.run("/usr/bin/fish", ["--no-config", "-i", "-c", program], in: repo.root, environment: env)
        try #require(r.status == 0, "\(r)")
        return r.stdout.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }.filter { !$0.isEmpty }.sorted()
    }

    /// zsh's completion of `line` in an interactive zsh on a pseudo-terminal (zsh/zpty): the tab's
    /// listing and the line as completion left it.
    func zsh(_ repo: TestRepo, _ line: String) throws -> (listing: String, line: String) {
        let script = try script(repo, "zsh")
        let fpath = repo.base + "/zfunc"
        try FileManager.default.createDirectory(atPath: fpath, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: fpath + "/_goalsync")
        try FileManager.default.copyItem(atPath: script, toPath: fpath + "/_goalsync")
        let driver = repo.base + "/complete.zsh"
        try """
            zmodload zsh/zpty
            zpty z zsh -f -i
            zpty -w z "PROMPT='> '; fpath=(\(fpath) \\$fpath); autoload -Uz compinit; compinit -u -D; zstyle ':completion:*' list-prompt ''; setopt nolistbeep nobeep"
            zpty -w z "$1"$'\\t\\x01print -r -- "<""<" \\x05 ">"">"'
            zpty -r z out '*<< *>>*'
            print -r -- "$out"
            zpty -d z

            """.write(toFile: driver, atomically: true, encoding: .utf8)
        let r = try ProcessRunner.run("/usr/bin/zsh", ["-f", driver, line], in: repo.root, environment: repo.environment, timeout: 60)
        try #require(r.status == 0, "\(r)")
        // Without the terminal's control sequences.
        let text = r.stdout.replacingOccurrences(of: "\r", with: "")
            .replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[a-zA-Z]", with: "", options: .regularExpression)
        let completed = text.components(separatedBy: "<< ").last?.components(separatedBy: " >>").first ?? ""
        return (text, completed)
    }

    @Test("bash: goal ids, a goal's metrics, remotes, statuses and confidences")
    func bashCompletes() throws {
        let repo = try repository()
        #expect(try bash(repo, ["goalsync", "show", ""]) == ["cut-churn", "raise-activation"])
        #expect(try bash(repo, ["goalsync", "set", "r"]) == ["raise-activation"])
        #expect(try bash(repo, ["goalsync", "checkin", "raise-activation", ""]) == ["activation"])
        #expect(try bash(repo, ["goalsync", "checkin", "raise", ""]) == ["activation"], "a unique prefix of the goal's id will do")
        #expect(try bash(repo, ["goalsync", "push", ""]) == ["backup", "origin"])
        #expect(try bash(repo, ["goalsync", "list", "--status", "a"]) == ["abandoned", "achieved", "active"])
        #expect(try bash(repo, ["goalsync", "checkin", "raise-activation", "activation", "3", "--confidence", ""]) == ["at_risk", "off_track", "on_track"])
        #expect(try bash(repo, ["goalsync", "log", "-C", repo.root, "c"]) == ["cut-churn"], "after -C DIR, DIR's goals")
    }

    @Test("fish: goal ids, a goal's metrics, remotes and statuses")
    func fishCompletes() throws {
        let repo = try repository()
        #expect(try fish(repo, "goalsync show ") == ["cut-churn", "raise-activation"])
        #expect(try fish(repo, "goalsync blame c") == ["cut-churn"])
        #expect(try fish(repo, "goalsync checkin raise-activation ") == ["activation"])
        #expect(try fish(repo, "goalsync pull ") == ["backup", "origin"])
        #expect(try fish(repo, "goalsync list --status ab") == ["abandoned"])
    }

    @Test("zsh: goal ids, a goal's metrics, remotes and statuses")
    func zshCompletes() throws {
        let repo = try repository()
        let listed = try zsh(repo, "goalsync show ")
        #expect(listed.listing.contains("cut-churn") && listed.listing.contains("raise-activation"), "\(listed.listing)")
        #expect(try zsh(repo, "goalsync show c").line == "goalsync show cut-churn")
        #expect(try zsh(repo, "goalsync checkin raise-activation ").line == "goalsync checkin raise-activation activation")
        #expect(try zsh(repo, "goalsync push b").line == "goalsync push backup")
        #expect(try zsh(repo, "goalsync list --status ab").line == "goalsync list --status abandoned")
    }
}
