import ArgumentParser
import Dispatch
import Foundation
import GoalSyncCore
import GoalSyncServer

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the goal repository as a local web app for the whole team.",
        discussion: """
            Starts a web server over the goal repository of the current folder (or -C DIR): the \
            vision, the strategy and the North Star, and the active goal with its key results, \
            guardrails (held or breached), pace, confidence, check-ins and sprint goals; every goal, \
            searchable; each goal's fields and history; and every step of a goal's life (new from a \
            template, edit, proof, assumptions, metrics and changes to them, check-ins and their \
            corrections, sprint goals, propose, activate, achieve, abandon, remove a draft) and Sync, \
            with conflicts settled in the page. Each save is one commit \
            with the same message, trailers and rules as the commands, made as the repository's git \
            identity. An edit made on a page that is no longer current is merged field by field as a \
            pull merges, or refused when the same field changed differently. Pages refresh themselves \
            when the repository changes (a command, a git pull).

            Safety: the server listens on 127.0.0.1 unless --host says otherwise, and prints an \
            address with a token that is new on every run: only a browser that opened that address \
            (it keeps the token in a cookie) gets an answer; every write also carries a form token. \
            With --host other people on the network can reach it if they have the address, over \
            plain HTTP: share it only on a network you trust. The server runs no hook and no program \
            named by the repository's content (goalsync's own checks run in process). Stop it with \
            Ctrl-C.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The port to listen on (0: any free port).", valueName: "N")) var port: Int = 4790
    @Option(help: ArgumentHelp("The address to listen on (default 127.0.0.1: this machine only).", valueName: "H")) var host = "127.0.0.1"
    @Flag(help: "Open the address in the browser (with xdg-open).") var open = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port takes 0 to 65535, not \(port)") }
        guard !host.isEmpty else { throw ValidationError("--host is empty; give an address such as 127.0.0.1") }
    }

    func run() throws {
        try goalsync.run {
            let environment = ProcessInfo.processInfo.environment
            let server = try GoalServer(path: global.path, environment: environment)
            let host = self.host, port = self.port, open = self.open
            let done = DispatchSemaphore(value: 0)
            let failure = FailureBox()
            Task.detached {
                do {
                    try await server.run(host: host, port: port) { url, bound in
                        server.allowHosts(GoalServer.hosts(bind: host, port: bound))
                        print("goalsync serve: \(url)")
                        print("Open that address (it holds this run's token); Ctrl-C stops the server.")
                        fflush(nil)  // stdout, where print writes: the address must show at once in a pipe too
                        if open { openInBrowser(url) }
                    }
                } catch {
                    failure.set(error)
                }
                done.signal()
            }
            done.wait()
            if let error = failure.error {
                if let e = error as? GoalSyncError { throw e }
                throw GoalSyncError.repository("cannot serve on \(host):\(port) (\(error)); if another program listens there, choose another --port (0: any free port)")
            }
        }
    }
}

/// The server task's error, handed to the waiting command.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    var error: (any Error)? { lock.withLock { stored } }
    func set(_ e: any Error) { lock.withLock { stored = e } }
}

/// `xdg-open URL`, when it is on PATH; otherwise the printed address is enough. Not waited for
/// (a thread reaps it).
private func openInBrowser(_ url: String) {
    let environment = ProcessInfo.processInfo.environment
    let path = environment["PATH"] ?? "/usr/bin:/bin"
    guard let opener = path.split(separator: ":").map({ "\($0)/xdg-open" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        FileHandle.standardError.write(Data("goalsync serve: xdg-open is not installed; open the address above by hand\n".utf8))
        return
    }
    let argv = [strdup(opener), strdup(url), nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        for p in argv { free(p) }
        for p in envp { free(p) }
    }
    // The browser's own messages would mix with the server's: they go to /dev/null.
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var pid: pid_t = 0
    guard posix_spawn(&pid, opener, &actions, nil, argv, envp) == 0 else {
        FileHandle.standardError.write(Data("goalsync serve: could not start xdg-open; open the address above by hand\n".utf8))
        return
    }
    let child = pid
    DispatchQueue.global().async {
        var status: Int32 = 0
        _ = waitpid(child, &status, 0)
    }
}
