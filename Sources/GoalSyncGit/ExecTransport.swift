import CLibgit2
import Foundation

/// One of git's two smart-protocol services.
package enum GitService: Sendable {
    /// Serves fetches and clones: `git-upload-pack`.
    case uploadPack
    /// Takes pushes: `git-receive-pack`, which locks each reference, updates it only from the value the
    /// client saw (compare-and-swap), and runs the repository's hooks.
    case receivePack

    /// The program's name, as git runs it and as messages show it.
    package var program: String { self == .uploadPack ? "git-upload-pack" : "git-receive-pack" }
    /// The git subcommand.
    package var subcommand: String { self == .uploadPack ? "upload-pack" : "receive-pack" }
}

/// How the exec transport reaches the service that serves a repository, given the URL libgit2 connects to.
///
/// - ``local(environment:baseDirectory:remote:fallbackFolders:)``: git on this machine,
///   `git upload-pack PATH` / `git receive-pack PATH`, as plain git does for a remote by path or
///   `file://` (the repository's own hooks run, its references are locked and compare-and-swapped).
/// - ``ssh(target:environment:config:remote:)`` (GitConnect.swift): OpenSSH's `ssh` (or what
///   `GIT_SSH_COMMAND`, `core.sshCommand`, `GIT_SSH` name) running the service on the server, given git's
///   command line for it as one last argument in git's shell quoting, as git runs it:
///   `ssh -p 2222 ana@host "git-receive-pack '/srv/team.git'"`.
/// - ``daemon(target:remote:)`` (GitConnect.swift): a TCP connection to `git daemon` (`git://`).
package struct ServiceCommand {
    package enum Kind {
        /// The argv before the repository's path, per service: `[git, "upload-pack"]`, or
        /// `[GIT_EXEC_PATH/git-upload-pack]` when only that was found.
        case local(uploadPack: [String], receivePack: [String], baseDirectory: String)
        /// The argv before git's command line for the service (`ssh -p 2222 ana@host`, or
        /// `/bin/sh -c 'CMD "$@"' CMD -p 2222 ana@host`), the repository's path on the server, and the
        /// `[user@]host` for messages.
        case remoteShell(arguments: [String], path: String, destination: String)
        /// `git daemon` at `host`:`port`; `virtualHost` is the `host=` the request names (the URL's).
        case daemon(host: String, port: String, virtualHost: String, path: String)
    }

    /// Where a service is reached: a program to run, or a TCP connection and the request to send on it.
    package enum Endpoint: Equatable {
        case process(arguments: [String])
        case socket(host: String, port: String, request: [UInt8])
    }

    package let kind: Kind
    /// The service's whole environment.
    package let environment: [String: String]
    /// Whether the child leads a process group of its own (stopped with it when it stalls): yes for git,
    /// no for a program that may need the terminal (ssh).
    package let ownProcessGroup: Bool

    /// Variables with which git points a command at one repository: plain git clears them before it runs
    /// a service on a local repository (`local_repo_env` in git's `environment.c`), so the service works
    /// on the repository it is given, not on the one goalsync runs in.
    package static let localRepositoryVariables = [
        "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
        "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE",
        "GIT_INDEX_FILE", "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX", "GIT_SHALLOW_FILE",
        "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_QUARANTINE_PATH",
    ]

    /// Where git is looked for after `PATH`: the usual install folders, for a process started with a
    /// minimal `PATH`.
    package static let fallbackFolders = ["/usr/local/bin", "/usr/bin", "/bin", "/opt/homebrew/bin", "/opt/local/bin"]

    /// git on this machine: `git` on `PATH` (or in one of `fallbackFolders`), else the services in
    /// `GIT_EXEC_PATH`. The environment is `environment` without ``localRepositoryVariables``.
    /// - Parameters:
    ///   - baseDirectory: where a relative path is resolved (the repository's work tree, as git runs
    ///     from its top).
    ///   - remote: the remote's URL, for messages.
    /// - Throws: ``TransportError`` (`.gitMissing`) when neither is there.
    package static func local(
        environment: [String: String], baseDirectory: String, remote: String, fallbackFolders: [String] = ServiceCommand.fallbackFolders
    ) throws -> ServiceCommand {
        var environment = environment
        for name in localRepositoryVariables { environment[name] = nil }
        if environment["PATH"] == nil { environment["PATH"] = Self.fallbackFolders.joined(separator: ":") }
        let searchPath = ([environment["PATH"] ?? ""] + fallbackFolders).joined(separator: ":")
        if let git = Subprocess.find("git", environment: ["PATH": searchPath]) {
            return ServiceCommand(
                kind: .local(uploadPack: [git, "upload-pack"], receivePack: [git, "receive-pack"], baseDirectory: baseDirectory),
                environment: environment, ownProcessGroup: true)
        }
        if let execPath = environment["GIT_EXEC_PATH"], !execPath.isEmpty,
            let upload = Subprocess.find(execPath + "/git-upload-pack", environment: [:]),
            let receive = Subprocess.find(execPath + "/git-receive-pack", environment: [:]) {
            return ServiceCommand(
                kind: .local(uploadPack: [upload], receivePack: [receive], baseDirectory: baseDirectory),
                environment: environment, ownProcessGroup: true)
        }
        throw TransportError(
            kind: .gitMissing, remote: remote,
            message: "goalsync reaches a repository by path through git's own git-upload-pack and git-receive-pack, as git "
                + "does, and git was not found (PATH is \(environment["PATH"] ?? "unset")); install git, or add the "
                + "folder that holds it to PATH")
    }

    /// How to reach `service` for `url`, and a label for messages (`git-receive-pack '/srv/x.git'`, with
    /// `over ssh to HOST` or `at git://HOST:PORT` for a remote one).
    package func invocation(for service: GitService, url: String) throws -> (endpoint: Endpoint, label: String) {
        switch kind {
        case .local(let upload, let receive, let base):
            let path = try Self.localPath(of: url, relativeTo: base)
            return (.process(arguments: (service == .uploadPack ? upload : receive) + [path]), "\(service.program) \(Self.shellQuoted(path))")
        case .remoteShell(let arguments, let path, let destination):
            let line = "\(service.program) \(Self.shellQuoted(path))"
            return (.process(arguments: arguments + [line]), "\(line) over ssh to \(destination)")
        case .daemon(let host, let port, let virtualHost, let path):
            // A pkt-line: its length in 4 hex digits (itself included), then the request.
            let body = Array("\(service.program) \(path)\u{0}host=\(virtualHost)\u{0}".utf8)
            let request = Array(String(format: "%04x", body.count + 4).utf8) + body
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return (.socket(host: host, port: port, request: request), "\(service.program) '\(path)' at git://\(shownHost):\(port)")
        }
    }

    /// The folder a local URL names: a path (relative ones resolved against `base`), or a `file://` URL
    /// (`file:///srv/x.git`, `file://localhost/srv/x.git`, `%XX` escapes decoded).
    package static func localPath(of url: String, relativeTo base: String) throws -> String {
        var path = url
        if url.lowercased().hasPrefix("file://") {
            var rest = String(url.dropFirst("file://".count))
            if rest.lowercased().hasPrefix("localhost/") { rest = String(rest.dropFirst("localhost".count)) }
            guard rest.hasPrefix("/") else {
                throw TransportError(
                    kind: .unsupportedURL, remote: url,
                    message: "\(url) names another machine; a file:// URL names a folder on this one (file:///path/to/repo.git)")
            }
            path = rest.removingPercentEncoding ?? rest
        }
        if !path.hasPrefix("/") { path = (base.hasSuffix("/") ? base : base + "/") + path }
        return path
    }

    /// `text` in single quotes for a POSIX shell, each `'` as `'\''`, as git's `sq_quote_buf` writes it.
    package static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// A subtransport for libgit2's smart transport (`git_transport_smart` with a stateful, `rpc = 0`,
/// `git_smart_subtransport_definition`) that carries the protocol over a child process's standard input
/// and output, as git does for a local repository and for ssh, or over a TCP connection to `git daemon`:
/// libgit2 speaks the protocol, the other end (``ServiceConnection``) is git's own service. Installed
/// per operation through
/// `git_remote_callbacks.transport` (see ``TransportSession``), never registered globally.
///
/// libgit2 owns the C structs (`goalsync_exec_subtransport`, `goalsync_exec_stream` in shim.h) and frees
/// each through its `free`; each struct holds a strong reference to its Swift state, released there.
/// Errors inside a callback become libgit2 errors (`git_error_set_str`, class `GIT_ERROR_NET`) with a
/// full sentence: the service, its exit status and what it wrote to its standard error.
final class ExecTransport {
    private let command: ServiceCommand
    private let timeout: Double
    /// The stream of the service running now: libgit2 asks for it again for the second half of the
    /// conversation (`UPLOADPACK` after `UPLOADPACK_LS`, `RECEIVEPACK` after `RECEIVEPACK_LS`).
    private var current: UnsafeMutablePointer<goalsync_exec_stream>?

    private init(command: ServiceCommand, timeout: Double) {
        self.command = command
        self.timeout = timeout
    }

    /// Makes libgit2's smart transport over a new exec subtransport for the remote `owner`, into `out`
    /// (`git_transport_smart`); libgit2 frees it with the remote.
    /// - Parameter timeout: seconds without any progress after which a service is stopped.
    static func makeTransport(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_transport>?>, owner: OpaquePointer, command: ServiceCommand,
        timeout: Double
    ) throws {
        let seed = ExecTransport(command: command, timeout: timeout)
        var definition = git_smart_subtransport_definition(
            callback: { out, _, param in
                guard let out, let param else { return -1 }
                let transport = Unmanaged<ExecTransport>.fromOpaque(param).takeUnretainedValue()
                out.pointee = transport.makeSubtransport()
                return 0
            },
            rpc: 0,
            param: Unmanaged.passUnretained(seed).toOpaque())
        try withExtendedLifetime(seed) {
            try check(git_transport_smart(out, owner, &definition), "start git's smart protocol over a child process")
        }
    }

    // MARK: The C structs

    /// A `goalsync_exec_subtransport` holding this object; freed by its `free` callback.
    private func makeSubtransport() -> UnsafeMutablePointer<git_smart_subtransport> {
        let sub = UnsafeMutablePointer<goalsync_exec_subtransport>.allocate(capacity: 1)
        sub.initialize(
            to: goalsync_exec_subtransport(
                parent: git_smart_subtransport(
                    action: { out, sub, url, action in
                        guard let out, let sub, let url, let transport = ExecTransport.of(sub) else { return -1 }
                        return ExecTransport.settingErrors {
                            out.pointee = try transport.stream(for: action, url: String(cString: url), subtransport: sub)
                        }
                    },
                    close: { _ in 0 },  // libgit2 frees the stream (ending the service) before it closes
                    free: { sub in
                        guard let sub else { return }
                        let outer = UnsafeMutableRawPointer(sub).assumingMemoryBound(to: goalsync_exec_subtransport.self)
                        if let state = outer.pointee.state { Unmanaged<ExecTransport>.fromOpaque(state).release() }
                        outer.deinitialize(count: 1)
                        outer.deallocate()
                    }),
                state: Unmanaged.passRetained(self).toOpaque()))
        return UnsafeMutableRawPointer(sub).assumingMemoryBound(to: git_smart_subtransport.self)
    }

    /// The object behind a subtransport this type made (its `state`, set until libgit2 frees it).
    private static func of(_ sub: UnsafeMutablePointer<git_smart_subtransport>) -> ExecTransport? {
        let outer = UnsafeMutableRawPointer(sub).assumingMemoryBound(to: goalsync_exec_subtransport.self)
        return outer.pointee.state.map { Unmanaged<ExecTransport>.fromOpaque($0).takeUnretainedValue() }
    }

    /// The service behind a stream this type made.
    private static func process(of stream: UnsafeMutablePointer<git_smart_subtransport_stream>) -> ServiceConnection? {
        let outer = UnsafeMutableRawPointer(stream).assumingMemoryBound(to: goalsync_exec_stream.self)
        return outer.pointee.state.map { Unmanaged<ServiceConnection>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Runs `body`; a Swift error becomes the thread's libgit2 error and -1, as libgit2 expects of a
    /// transport callback.
    private static func settingErrors(_ body: () throws -> Void) -> Int32 {
        do {
            try body()
            return 0
        } catch {
            git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "\(error)")
            return -1
        }
    }

    // MARK: Actions

    /// The stream for `action`: a new service for a listing (the first half of a fetch or a push), the
    /// running one for the rest of the conversation.
    private func stream(
        for action: git_smart_service_t, url: String, subtransport: UnsafeMutablePointer<git_smart_subtransport>
    ) throws -> UnsafeMutablePointer<git_smart_subtransport_stream> {
        let service: GitService
        switch action {
        case GIT_SERVICE_UPLOADPACK_LS: service = .uploadPack
        case GIT_SERVICE_RECEIVEPACK_LS: service = .receivePack
        default:
            guard let current else {
                throw ServiceConnection.Failure.cannotStart(label: "git's service for \(url)", reason: "no service is running")
            }
            return UnsafeMutableRawPointer(current).assumingMemoryBound(to: git_smart_subtransport_stream.self)
        }
        let (endpoint, label) = try command.invocation(for: service, url: url)
        let process: ServiceConnection
        switch endpoint {
        case .process(let arguments):
            process = try ServiceConnection(
                arguments: arguments, environment: command.environment, label: label, timeout: timeout,
                ownProcessGroup: command.ownProcessGroup)
        case .socket(let host, let port, let request):
            process = try ServiceConnection(host: host, port: port, request: request, label: label, timeout: timeout)
        }
        // libgit2 would ask for a thin pack, and complete it in quadratic time (ThinPackRefusal).
        if service == .uploadPack { process.refusal = ThinPackRefusal() }
        let stream = UnsafeMutablePointer<goalsync_exec_stream>.allocate(capacity: 1)
        stream.initialize(
            to: goalsync_exec_stream(
                parent: git_smart_subtransport_stream(
                    subtransport: subtransport,
                    read: { stream, buffer, size, bytesRead in
                        guard let stream, let buffer, let bytesRead, let process = ExecTransport.process(of: stream) else { return -1 }
                        bytesRead.pointee = 0
                        return ExecTransport.settingErrors {
                            bytesRead.pointee = try process.readForLibgit2(into: UnsafeMutableRawBufferPointer(start: buffer, count: size))
                        }
                    },
                    write: { stream, buffer, length in
                        guard let stream, let process = ExecTransport.process(of: stream) else { return -1 }
                        guard let buffer, length > 0 else { return 0 }
                        return ExecTransport.settingErrors {
                            try process.writeInput(UnsafeRawBufferPointer(start: buffer, count: length))
                        }
                    },
                    free: { stream in
                        guard let stream else { return }
                        let outer = UnsafeMutableRawPointer(stream).assumingMemoryBound(to: goalsync_exec_stream.self)
                        if let state = outer.pointee.state {
                            let process = Unmanaged<ServiceConnection>.fromOpaque(state).takeRetainedValue()
                            process.finish()
                        }
                        if let sub = outer.pointee.parent.subtransport, let transport = ExecTransport.of(sub), transport.current == outer {
                            transport.current = nil
                        }
                        outer.deinitialize(count: 1)
                        outer.deallocate()
                    }),
                state: Unmanaged.passRetained(process).toOpaque()))
        current = stream
        return UnsafeMutableRawPointer(stream).assumingMemoryBound(to: git_smart_subtransport_stream.self)
    }
}
