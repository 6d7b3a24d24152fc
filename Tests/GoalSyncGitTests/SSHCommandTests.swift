import Foundation
import GoalSyncGit
import GoalSyncTestSupport
import Testing

/// goalsync runs ssh with exactly the arguments plain git gives it (git's connect.c): for each URL and
/// variant, plain git runs a recording `GIT_SSH` program, and goalsync's command line must be the same.
@Suite("ssh command lines as git's", .timeLimit(.minutes(2)))
struct SSHCommandTests {
    /// A folder with `record-ssh`, a program that answers `-G` (so git takes it for OpenSSH) and
    /// otherwise writes its arguments, one per line, to `args` and fails.
    final class Recorder {
        let dir: String
        var program: String { dir + "/record-ssh" }
        var log: String { dir + "/args" }

        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("goalsync-ssh-args-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try "#!/bin/sh\n[ \"$1\" = -G ] && exit 0\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '\(log)'\nexit 1\n"
                .write(toFile: dir + "/script", atomically: false, encoding: .utf8)
            // Installed by another process: a descriptor of ours open for writing, inherited by a child
            // another test starts meanwhile, would make running it fail with "Text file busy".
            let installed = try ProcessRunner.run("/usr/bin/install", ["-m", "755", dir + "/script", program], in: dir, environment: ["PATH": "/usr/bin:/bin"])
            try #require(installed.status == 0, "\(installed)")
        }

        deinit { try? FileManager.default.removeItem(atPath: dir) }

        /// The arguments plain git gives the ssh program for `git ls-remote URL` (nil when git refused
        /// the URL before running it), and git's standard error.
        func gitArguments(_ url: String, environment extra: [String: String]) throws -> ([String]?, String) {
            try? FileManager.default.removeItem(atPath: log)
            let environment = ["PATH": "/usr/bin:/bin", "HOME": dir, "GIT_CONFIG_NOSYSTEM": "1", "GIT_SSH": program].merging(extra) { $1 }
            // Protocol v0, as libgit2 1.5 speaks it (v2 would add `-o SendEnv=GIT_PROTOCOL`).
            let result = try ProcessRunner.run("/usr/bin/env", ["git", "-c", "protocol.version=0", "ls-remote", "--", url], in: dir, environment: environment)
            guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return (nil, result.stderr) }
            return (text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init), result.stderr)
        }

        /// goalsync's arguments for the same (without the program itself).
        func goalsyncArguments(_ url: String, environment extra: [String: String]) throws -> [String] {
            let target = try #require(try ConnectTarget.parse(url))
            let command = try ServiceCommand.ssh(
                target: target, environment: ["PATH": "/usr/bin:/bin", "GIT_SSH": program].merging(extra) { $1 }, config: nil, remote: url)
            guard case .process(let arguments) = try command.invocation(for: .uploadPack, url: url).endpoint else {
                Issue.record("ssh is a process")
                return []
            }
            return Array(arguments.dropFirst())
        }
    }

    @Test(arguments: [
        "ssh://ana@host:2222/srv/it's.git", "ssh://host/~ana/x.git", "ssh://host:/srv/x.git", "host:team.git",
        "ana@host:~/x.git", "host:/~ana/x.git", "ssh://[::1]:2222/x.git", "ssh://ana@[::1]/x.git", "[ana@host:2222]:x.git",
        "git+ssh://host/a%20b%27c.git", "ssh+git://ana@host:22/x.git", "ssh://host/x'$(touch pwned)\"`id`.git",
    ])
    func theArgumentsAreGits(url: String) throws {
        let recorder = try Recorder()
        for variant in ["ssh", "plink", "putty", "tortoiseplink", "auto"] {
            let environment = variant == "auto" ? [:] : ["GIT_SSH_VARIANT": variant]
            let (git, stderr) = try recorder.gitArguments(url, environment: environment)
            let gitArguments = try #require(git, "git ran no ssh for \(url) (\(variant)): \(stderr)")
            let ours = try recorder.goalsyncArguments(url, environment: environment)
            #expect(ours == gitArguments, "\(url) (\(variant)): goalsync \(ours), git \(gitArguments)")
        }
    }

    /// `GIT_SSH_COMMAND` runs through the shell with the arguments as "$@", as git runs it; a plain
    /// command name needs no shell.
    @Test func gitSSHCommandRunsThroughTheShellAsGitDoes() throws {
        let url = "ssh://ana@host:2222/srv/x.git"
        let target = try #require(try ConnectTarget.parse(url))
        let shell = try ServiceCommand.ssh(
            target: target, environment: ["PATH": "/usr/bin:/bin", "GIT_SSH_COMMAND": "ssh -i '/k/my key'", "GIT_SSH": "/nowhere"],
            config: nil, remote: url)
        #expect(
            try shell.invocation(for: .receivePack, url: url).endpoint
                == .process(arguments: [
                    "/bin/sh", "-c", "ssh -i '/k/my key' \"$@\"", "ssh -i '/k/my key'", "-p", "2222", "ana@host",
                    "git-receive-pack '/srv/x.git'",
                ]))
        let plain = try ServiceCommand.ssh(target: target, environment: ["PATH": "/usr/bin:/bin", "GIT_SSH_COMMAND": "ssh"], config: nil, remote: url)
        #expect(try plain.invocation(for: .uploadPack, url: url).endpoint
            == .process(arguments: ["/usr/bin/ssh", "-p", "2222", "ana@host", "git-upload-pack '/srv/x.git'"]))
    }

    /// What git refuses, goalsync refuses, with git's words; nothing is run for it.
    @Test(arguments: [
        ("ssh://-oProxyCommand=x/repo.git", "strange hostname '-oProxyCommand=x' blocked"),
        ("ssh://-l@host/repo.git", "strange hostname '-l@host' blocked"),
        ("-oProxyCommand=x:repo.git", "strange hostname '-oProxyCommand=x' blocked"),
        ("host:-repo.git", "strange pathname '-repo.git' blocked"),
    ])
    func strangeHostsAndPathsAreRefusedAsGitRefusesThem(url: String, words: String) throws {
        let recorder = try Recorder()
        let (git, stderr) = try recorder.gitArguments(url, environment: [:])
        #expect(git == nil)
        #expect(stderr.contains(words), "\(stderr)")
        let refused = #expect(throws: TransportError.self) { try recorder.goalsyncArguments(url, environment: [:]) }
        #expect(refused?.kind == .refusedURL)
        #expect(refused?.message.contains(words) == true, "\(refused?.message ?? "")")
    }

    @Test func theSimpleVariantRefusesAPortAsGitDoes() throws {
        let recorder = try Recorder()
        let url = "ssh://host:2222/x.git"
        let (git, stderr) = try recorder.gitArguments(url, environment: ["GIT_SSH_VARIANT": "simple"])
        #expect(git == nil)
        #expect(stderr.contains("ssh variant 'simple' does not support setting port"), "\(stderr)")
        let refused = #expect(throws: TransportError.self) {
            try recorder.goalsyncArguments(url, environment: ["GIT_SSH_VARIANT": "simple"])
        }
        #expect(refused?.message.contains("ssh variant 'simple' does not support setting port") == true)
        #expect(try recorder.goalsyncArguments("ssh://host/x.git", environment: ["GIT_SSH_VARIANT": "simple"]) == ["host", "git-upload-pack '/x.git'"])
    }

    /// git:// asks git daemon for the service with git's request line (a pkt-line).
    @Test func gitDaemonRequestsAreGits() throws {
        let target = try #require(try ConnectTarget.parse("git://example.com:9000/~ana/team.git"))
        let daemon = try ServiceCommand.daemon(target: target, remote: "r")
        let invocation = try daemon.invocation(for: .receivePack, url: "git://example.com:9000/~ana/team.git")
        let body = "git-receive-pack ~ana/team.git\u{0}host=example.com:9000\u{0}"
        #expect(invocation.endpoint == .socket(host: "example.com", port: "9000", request: Array((String(format: "%04x", body.utf8.count + 4) + body).utf8)))
        #expect(invocation.label == "git-receive-pack '~ana/team.git' at git://example.com:9000")
        let plain = try #require(try ConnectTarget.parse("git://[::1]/x.git"))
        #expect(plain.hostAndPortSplit.host == "::1" && plain.hostAndPortSplit.port == nil)
        #expect(try ServiceCommand.daemon(target: plain, remote: "r").invocation(for: .uploadPack, url: "").label == "git-upload-pack '/x.git' at git://[::1]:9418")
        #expect(throws: TransportError.self) { try ServiceCommand.daemon(target: #require(try ConnectTarget.parse("git://host/a%0Ab")), remote: "r") }
        #expect(try ConnectTarget.parse("https://host/x.git") == nil)
        #expect(try ConnectTarget.parse("/srv/x.git") == nil)
        #expect(try ConnectTarget.parse("./a:b") == nil)
        #expect(throws: TransportError.self) { try ConnectTarget.parse("ssh://host") }
    }
}
