import CLibgit2
import Foundation

/// The state of one network operation, handed to libgit2's callbacks as a borrowed payload
/// (`Unmanaged.passUnretained`), valid only during the synchronous call that uses it. A Swift error
/// thrown inside a callback is kept here, the callback returns `GIT_EUSER`, and ``finish(_:_:)``
/// rethrows it after the call (git2-rs `src/remote_callbacks.rs`).
///
/// Its `transport` callback puts on the ``ExecTransport``, as plain git does: ssh remotes (OpenSSH's
/// client, or what `GIT_SSH_COMMAND`/`core.sshCommand`/`GIT_SSH` name, running the service on the server:
/// `~/.ssh/config`, the agent, keys, `known_hosts` are OpenSSH's own), `git://` remotes (a TCP connection
/// to `git daemon`), and a push to a remote by path or `file://` (git's own `git-receive-pack`: the
/// remote's hooks run, its references are compare-and-swapped); each with the no-progress timeout
/// ``stallTimeout()``. A fetch from a path stays on libgit2's local transport (measured faster than
/// `git-upload-pack` here, whose thin packs libgit2 indexes more slowly), unless
/// `localFetchThroughService`. http and https go on the ``HTTPTransport`` (libcurl, configured as git
/// configures it).
final class TransportSession {
    /// Which way the operation goes: decides which URL of the remote is used (`pushurl` for a push).
    enum Direction {
        case fetch, push
    }

    let authentication: Authentication
    let url: RemoteURL
    /// The local repository; needed to judge fast-forwards when pushing.
    let repository: Repository?
    let direction: Direction
    /// Whether a fetch from a path or `file://` also goes through git's service (`git-upload-pack`).
    let localFetchThroughService: Bool
    let progress: ((TransferProgress) -> Void)?
    private(set) var error: Error?


    // push: the updates libgit2 negotiated, the statuses the server sent, and the non-fast-forwards.
    private var updates = [(name: String, old: ObjectID, new: ObjectID)]()
    private var statuses = [(name: String, status: String?)]()
    private var nonFastForward = [String]()
    /// What the server wrote for people (its sideband messages: hook output, "remote: ..." lines).
    private var serverText = [UInt8]()

    init(
        url: String, authentication: Authentication, repository: Repository?, direction: Direction,
        localFetchThroughService: Bool = false, progress: ((TransferProgress) -> Void)?
    ) {
        self.url = RemoteURL(url)
        self.authentication = authentication
        self.repository = repository
        self.direction = direction
        self.localFetchThroughService = localFetchThroughService
        self.progress = progress
    }

    /// The git configuration that applies: the repository's (with the user's and the system's), else,
    /// for a clone, the user's.
    private func gitConfig() throws -> Config {
        try repository?.config() ?? Config.openDefault()
    }

    /// Seconds without progress after which a service the exec transport talks to is stopped: git config
    /// `goalsync.timeout` (the repository's, else the user's), default 60.
    func stallTimeout() throws -> Double {
        let config = try gitConfig()
        guard let text = try config.string("goalsync.timeout") else { return 60 }
        guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds > 0, seconds.isFinite else {
            throw failure(
                .invalidTimeout, "git config goalsync.timeout is '\(text)', not a number of seconds; set it with git config goalsync.timeout 60")
        }
        return seconds
    }

    // MARK: Installing the callbacks

    /// Fills `callbacks` with this session's callbacks and payload. The caller keeps the session
    /// alive (`withExtendedLifetime`) for as long as libgit2 may call them.
    func install(into callbacks: inout git_remote_callbacks) {
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.transport = { out, owner, payload in
            guard let out, let owner, let payload else { return -1 }
            let session = Unmanaged<TransportSession>.fromOpaque(payload).takeUnretainedValue()
            return session.capturingErrors {
                try session.makeTransport(out, owner: owner)
                return 0
            }
        }
        // What the server writes for people during a push (a hook's reason, a note on success); its
        // last 32-64 KiB, shown after "remote: " by the command line (``serverMessages``). A fetch
        // gets no such callback and libgit2 drops the server's text: on a fetch it is upload-pack's
        // "Counting objects" progress (no hook runs there), and goalsync shows its own progress.
        if direction == .push {
            callbacks.sideband_progress = { text, length, payload in
                guard let text, let payload, length > 0 else { return 0 }
                let session = Unmanaged<TransportSession>.fromOpaque(payload).takeUnretainedValue()
                session.serverText += UnsafeRawBufferPointer(start: text, count: Int(length))
                if session.serverText.count > 65536 { session.serverText.removeFirst(session.serverText.count - 32768) }
                return 0
            }
        }
        callbacks.credentials = { out, _, usernameFromURL, allowedTypes, payload in
            guard let out, let payload else { return -1 }
            let session = Unmanaged<TransportSession>.fromOpaque(payload).takeUnretainedValue()
            return session.capturingErrors {
                try session.credential(out, usernameFromURL: usernameFromURL.map { String(cString: $0) }, allowed: allowedTypes)
            }
        }
        callbacks.transfer_progress = { stats, payload in
            guard let stats, let payload else { return 0 }
            let session = Unmanaged<TransportSession>.fromOpaque(payload).takeUnretainedValue()
            session.progress?(
                TransferProgress(
                    receivedObjects: Int(stats.pointee.received_objects), totalObjects: Int(stats.pointee.total_objects),
                    indexedObjects: Int(stats.pointee.indexed_objects), receivedBytes: Int(stats.pointee.received_bytes)))
            return 0
        }
        callbacks.push_negotiation = { updates, count, payload in
            guard let payload else { return -1 }
            let session = Unmanaged<TransportSession>.fromOpaque(payload).takeUnretainedValue()
            return session.capturingErrors {
                let list = (0..<count).compactMap { updates?[$0]?.pointee }
                return try session.negotiate(list)
            }
        }
        callbacks.push_update_reference = { refname, status, payload in
            guard let refname, let payload else { return 0 }
            let session = Unmanaged<TransportSession>.fromOpaque(payload).takeUnretainedValue()
            session.statuses.append((String(cString: refname), status.map { String(cString: $0) }))
            return 0
        }
    }

    private func capturingErrors(_ body: () throws -> Int32) -> Int32 {
        do {
            return try body()
        } catch {
            self.error = error
            return GIT_EUSER.rawValue
        }
    }

    /// libgit2's `transport` callback: an ssh or `git://` remote, and a push to a remote by path or
    /// `file://` (and a fetch, with `localFetchThroughService`), get the ``ExecTransport``; otherwise
    /// `out` stays NULL and libgit2 picks its transport by scheme (http(s), a fetch from a path). A URL
    /// git would refuse (an ssh host starting with `-`) is refused here, before anything runs.
    private func makeTransport(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_transport>?>, owner: OpaquePointer) throws {
        out.pointee = nil
        let pushURL = direction == .push ? git_remote_pushurl(owner) : nil
        guard let cURL = pushURL ?? git_remote_url(owner) else { return }
        let target = String(cString: cURL)
        if RemoteURL(target).isHTTP {
            try makeHTTPTransport(out, owner: owner, url: RemoteURL(target))
            return
        }
        let remote = RemoteURL(target).redacted
        let command: ServiceCommand
        if let connect = try ConnectTarget.parse(target) {
            switch connect.scheme {
            case .ssh:
                command = try ServiceCommand.ssh(
                    target: connect, environment: authentication.environment, config: try gitConfig(), remote: remote)
            case .git:
                command = try ServiceCommand.daemon(target: connect, remote: remote)
            }
        } else {
            guard RemoteURL(target).isLocal, direction == .push || localFetchThroughService else { return }
            let base = repository?.workdir ?? repository?.gitDir ?? FileManager.default.currentDirectoryPath
            command = try ServiceCommand.local(environment: authentication.environment, baseDirectory: base, remote: remote)
        }
        try ExecTransport.makeTransport(out, owner: owner, command: command, timeout: try stallTimeout())
    }

    /// http and https: the ``HTTPTransport`` over libcurl, with git's http settings for the remote
    /// (``HTTPSettings``) and credentials in git's order (``HTTPCredentials``); a warning when TLS checks
    /// are off.
    private func makeHTTPTransport(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_transport>?>, owner: OpaquePointer, url: RemoteURL
    ) throws {
        let config = try repository?.config() ?? Config.openDefault()
        let settings = try HTTPSettings(
            url: url, remoteName: git_remote_name(owner).map { String(cString: $0) }, config: config,
            environment: authentication.environment, timeout: try stallTimeout())
        if url.scheme == "https", !settings.verify, let reason = settings.verifyOffBecause {
            authentication.warn(
                "TLS certificate checks are off for \(url.redacted) (\(reason)): anyone on the network path can read or change this transfer")
        }
        let credentials = HTTPCredentials(
            url: url, authentication: authentication, settings: settings, directory: repository?.workdir ?? repository?.gitDir)
        try HTTPTransport.makeTransport(out, owner: owner, url: url, settings: settings, credentials: credentials) { [weak self] error in
            self?.error = error
        }
    }

    // MARK: After the call

    /// Rethrows the error a callback kept, else checks `result` through the gateway.
    func finish(_ result: Int32, _ operation: @autoclosure () -> String) throws {
        if result < 0, let error {
            git_error_clear()  // libgit2's note about the callback's GIT_EUSER says less than `error`
            throw error
        }
        do {
            try check(result, operation())
        } catch {
            throw error.asNetworkFailureIfConnecting
        }
    }

    /// Like ``finish(_:_:)`` for a push, then each reference's outcome, and what the server wrote for
    /// people. A push with a non-fast-forward reference sends nothing: every reference comes back
    /// rejected, the culprits as ``PushRejection/notFastForward``. A reference the server sent no status
    /// for is reported refused (the caller can look at the remote to see what happened).
    func finishPush(_ result: Int32, _ operation: @autoclosure () -> String) throws -> PushResult {
        if result < 0, error == nil, !nonFastForward.isEmpty {
            git_error_clear()
            let references = updates.map { update in
                PushedReference(
                    name: update.name, remoteValue: update.old, pushedValue: update.new,
                    rejection: nonFastForward.contains(update.name) ? .notFastForward : .notSent(notFastForward: nonFastForward))
            }
            return PushResult(references: references, serverMessages: serverMessages)
        }
        try finish(result, operation())
        var references = updates.map { update in
            let status = statuses.last { $0.name == update.name }
            let rejection: PushRejection? =
                status == nil
                ? .refused(reason: "the server sent no status for it") : status?.status.map { .refused(reason: $0) }
            return PushedReference(name: update.name, remoteValue: update.old, pushedValue: update.new, rejection: rejection)
        }
        for status in statuses where !updates.contains(where: { $0.name == status.name }) {
            references.append(
                PushedReference(name: status.name, remoteValue: nil, pushedValue: nil, rejection: status.status.map { .refused(reason: $0) }))
        }
        return PushResult(references: references, serverMessages: serverMessages)
    }

    /// The server's messages as lines, without progress lines it rewrote in place (`\r`) or blanks.
    var serverMessages: [String] {
        let text = String(decoding: serverText, as: UTF8.self)
        return text.split(separator: "\n").compactMap { line in
            let last = line.split(separator: "\r", omittingEmptySubsequences: true).last.map(String.init) ?? ""
            let trimmed = last.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }
    }

    // MARK: Callbacks

    private func credential(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, usernameFromURL: String?, allowed: UInt32
    ) throws -> Int32 {
        // Every transport is goalsync's own (``makeTransport``), which authenticates itself (http(s):
        // ``HTTPCredentials``; ssh: OpenSSH); libgit2 asking means a transport of its own was used.
        throw failure(
            .unsupportedAuthentication,
            "\(server) asks for a kind of authentication goalsync does not do (libgit2 types \(allowed)); goalsync "
                + "authenticates with the URL's password, GOALSYNC_TOKEN, git's credential helpers or askpass over https, "
                + "and leaves ssh to OpenSSH")
    }

    /// Called by libgit2 before it sends anything: records the updates and finds any that would not be a
    /// fast-forward, then stops the push when there are some (goalsync never forces, even given "+").
    private func negotiate(_ list: [git_push_update]) throws -> Int32 {
        for update in list {
            let name = update.dst_refname.map { String(cString: $0) } ?? ""
            let old = ObjectID(update.src), new = ObjectID(update.dst)
            updates.append((name, old, new))
            if try !isFastForward(from: old, to: new) { nonFastForward.append(name) }
        }
        return nonFastForward.isEmpty ? 0 : GIT_ENONFASTFORWARD.rawValue
    }

    private func isFastForward(from old: ObjectID, to new: ObjectID) throws -> Bool {
        guard let repository, !old.isZero, !new.isZero, old != new else { return true }  // create, delete, no-op
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repository.pointer), "open object database")
        defer { git_odb_free(odb) }
        guard old.withRaw({ git_odb_exists(odb, $0) }) == 1 else { return false }  // commits we never fetched
        let result = new.withRaw { n in old.withRaw { o in git_graph_descendant_of(repository.pointer, n, o) } }
        try check(result, "compare \(new.short) with \(old.short)")
        return result == 1
    }

    // MARK: Messages

    /// "host:port", or the URL when it names no host, for messages.
    private var server: String {
        guard let host = url.host else { return url.redacted }
        return "\(host)\(url.port.map { ":\($0)" } ?? "")"
    }

    private func failure(_ kind: TransportError.Kind, _ message: String) -> TransportError {
        TransportError(kind: kind, remote: url.redacted, message: message)
    }
}

extension GitError {
    /// libgit2 1.5 files a refused or failed TCP connection ("failed to connect to HOST: …") under
    /// `GIT_ERROR_OS`; in a network operation it is a network failure, so ``isNetwork`` holds for it.
    var asNetworkFailureIfConnecting: GitError {
        guard errorClass == Int32(GIT_ERROR_OS.rawValue), message.hasPrefix("failed to connect to ") else { return self }
        return GitError(code: code, errorClass: Int32(GIT_ERROR_NET.rawValue), message: message, operation: operation)
    }
}

extension ObjectID {
    /// The all-zero id git uses for "no object" (a reference that does not exist, in a push).
    public var isZero: Bool { bytes.allSatisfy { $0 == 0 } }
}
