import CLibgit2
import Foundation

/// How far a download has got (libgit2's `git_indexer_progress`).
public struct TransferProgress: Sendable {
    public let receivedObjects: Int
    public let totalObjects: Int
    public let indexedObjects: Int
    public let receivedBytes: Int
}

/// Why a reference was not updated by a push.
public enum PushRejection: Sendable, Equatable, CustomStringConvertible {
    /// The remote's reference holds commits the pushed commit does not contain (found before anything
    /// was sent; goalsync never forces): fetch and merge them first.
    case notFastForward
    /// Nothing was sent because other references of the same push were not fast-forwards.
    case notSent(notFastForward: [String])
    /// The server refused to update it, with its reason: a hook ("pre-receive hook declined"), a
    /// reference that moved since the push began ("failed to update ref", "fetch first"), a rule of its
    /// own ("deny updating a hidden ref").
    case refused(reason: String)

    public var description: String {
        switch self {
        case .notFastForward:
            return "non-fast-forward: the remote has commits this branch does not; fetch and merge them first"
        case .notSent(let references):
            return "not pushed: \(references.joined(separator: ", ")) was not a fast-forward"
        case .refused(let reason):
            return reason
        }
    }
}

/// One reference's outcome in a push.
public struct PushedReference: Sendable, Equatable {
    /// The remote reference, e.g. "refs/heads/main".
    public let name: String
    /// The remote's value when the push began (zero for a reference it did not have); nil when the
    /// server reported a reference the push did not name.
    public let remoteValue: ObjectID?
    /// The value pushed (zero for a deletion).
    public let pushedValue: ObjectID?
    /// Why it was not updated; nil when it was.
    public let rejection: PushRejection?

    public init(name: String, remoteValue: ObjectID?, pushedValue: ObjectID?, rejection: PushRejection?) {
        self.name = name
        self.remoteValue = remoteValue
        self.pushedValue = pushedValue
        self.rejection = rejection
    }
}

/// What a push did: each reference's outcome, and what the server wrote for people on the way (hook
/// output, as git shows it after "remote:").
public struct PushResult: Sendable, Equatable {
    public let references: [PushedReference]
    public let serverMessages: [String]
}

/// A remote (`git_remote`), named or anonymous. Holds its ``Repository``. Every network operation
/// takes an ``Authentication``; errors are ``GitError``s whose operation names the URL (e.g. "fetch from
/// ssh://git@host/repo.git"), or ``TransportError``s from goalsync's own host-key and credential checks.
public final class Remote {
    let pointer: OpaquePointer
    public let repository: Repository

    private init(pointer: OpaquePointer, repository: Repository) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit { git_remote_free(pointer) }

    /// A remote configured in the repository (`git_remote_lookup`).
    public static func lookup(_ repo: Repository, name: String) throws -> Remote {
        var remote: OpaquePointer?
        try check(git_remote_lookup(&remote, repo.pointer, name), "look up remote \(name)")
        return Remote(pointer: remote!, repository: repo)
    }

    /// A remote for a URL that is not saved in the config (`git_remote_create_anonymous`).
    public static func anonymous(_ repo: Repository, url: String) throws -> Remote {
        var remote: OpaquePointer?
        try check(git_remote_create_anonymous(&remote, repo.pointer, url), "use remote \(RemoteURL(url).redacted)")
        return Remote(pointer: remote!, repository: repo)
    }

    /// Saves a new remote with the default fetch refspec (`git_remote_create`).
    public static func create(_ repo: Repository, name: String, url: String) throws -> Remote {
        var remote: OpaquePointer?
        try check(git_remote_create(&remote, repo.pointer, name, url), "add remote \(name) (\(RemoteURL(url).redacted))")
        return Remote(pointer: remote!, repository: repo)
    }

    /// The remote's name; nil for an anonymous remote (`git_remote_name`).
    public var name: String? { git_remote_name(pointer).map { String(cString: $0) } }

    /// The fetch URL, after `url.<base>.insteadOf` (`git_remote_url`).
    public var url: String { git_remote_url(pointer).map { String(cString: $0) } ?? "" }

    private var redactedURL: String { RemoteURL(url).redacted }

    /// Whether fetches and listings from a path or `file://` go through git's `git-upload-pack` (the
    /// ``ExecTransport``) instead of libgit2's local transport. Off by default: libgit2's local transport
    /// fetches faster; pushes to a path always go through `git-receive-pack`.
    package var localFetchThroughService = false

    /// The URL as messages may show it (``Redaction/url(_:)``): no password or token.
    public var displayURL: String { redactedURL }

    /// Downloads and updates the remote-tracking references (`git_remote_fetch`) with `refspecs`, or the
    /// remote's configured ones when nil; never prunes; tags follow the fetched commits.
    public func fetch(refspecs: [String]?, authentication: Authentication, progress: ((TransferProgress) -> Void)?) throws {
        let session = TransportSession(
            url: url, authentication: authentication, repository: repository, direction: .fetch,
            localFetchThroughService: localFetchThroughService, progress: progress)
        var options = git_fetch_options()
        try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "git_fetch_options_init")
        options.prune = GIT_FETCH_NO_PRUNE
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_AUTO
        options.proxy_opts.type = GIT_PROXY_AUTO
        session.install(into: &options.callbacks)
        // libgit2's own reflog message names an anonymous remote by its URL, secrets and all.
        let reflogMessage = "fetch \(name ?? redactedURL)"
        let packsBefore = repository.packFileNames()
        let result = withExtendedLifetime(session) {
            withStringArray(refspecs) { git_remote_fetch(pointer, $0, &options, reflogMessage) }
        }
        try? check(git_remote_disconnect(pointer), "disconnect")
        try session.finish(result, "fetch from \(redactedURL)")
        // The received pack and its index reach the disk, as git's do (Repository+Durability.swift).
        try repository.syncPacks(notIn: packsBefore)
    }

    /// Uploads `refspecs` (`git_remote_push`) and returns each reference's outcome (`push_update_reference`)
    /// with the server's messages. Never forces: when any reference would not be a fast-forward nothing is
    /// sent and every reference comes back rejected. A server's refusal (e.g. a hook) comes back as that
    /// reference's rejection. To a remote by path or `file://`, through git's `git-receive-pack`, which
    /// updates each reference only from the value it advertised and runs the remote's hooks.
    public func push(refspecs: [String], authentication: Authentication) throws -> PushResult {
        let pushURL = git_remote_pushurl(pointer).map { String(cString: $0) } ?? url
        let session = TransportSession(
            url: pushURL, authentication: authentication, repository: repository, direction: .push, progress: nil)
        var options = git_push_options()
        try check(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "git_push_options_init")
        options.proxy_opts.type = GIT_PROXY_AUTO
        session.install(into: &options.callbacks)
        // On a copy of the remote, so the push makes its own connection: libgit2 keeps a remote's
        // transport for its next operation, and one made for a fetch from a path (libgit2's local
        // transport, which writes references directly) must never carry a push.
        var copy: OpaquePointer?
        try check(git_remote_dup(&copy, pointer), "copy remote \(redactedURL)")
        defer { git_remote_free(copy) }
        let result = withExtendedLifetime(session) {
            withStringArray(refspecs) { git_remote_push(copy, $0, &options) }
        }
        try? check(git_remote_disconnect(copy), "disconnect")
        return try session.finishPush(result, "push to \(RemoteURL(pushURL).redacted)")
    }

    /// The branch the remote's HEAD names, e.g. "refs/heads/main" (`git_remote_default_branch` after
    /// `git_remote_connect`); nil when the remote is empty or its HEAD names no branch.
    public func defaultBranch(authentication: Authentication) throws -> String? {
        try connected(authentication) {
            var buf = git_buf()
            defer { git_buf_dispose(&buf) }
            let result = git_remote_default_branch(&buf, pointer)
            if result == GIT_ENOTFOUND.rawValue {
                git_error_clear()
                return nil
            }
            try check(result, "find the default branch of \(redactedURL)")
            return buf.ptr.map { String(cString: $0) }
        }
    }

    /// The references the remote advertises, HEAD included, and their ids (`git_remote_ls` after
    /// `git_remote_connect`); empty for an empty remote.
    public func listReferences(authentication: Authentication) throws -> [(name: String, id: ObjectID)] {
        try connected(authentication) {
            var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
            var count = 0
            try check(git_remote_ls(&heads, &count, pointer), "list the references of \(redactedURL)")
            return (0..<count).compactMap { heads?[$0]?.pointee }.map { head in
                (name: String(cString: head.name), id: ObjectID(head.oid))
            }
        }
    }

    /// Runs `body` while connected for fetching (`git_remote_connect`), then disconnects.
    private func connected<R>(_ authentication: Authentication, _ body: () throws -> R) throws -> R {
        let session = TransportSession(
            url: url, authentication: authentication, repository: repository, direction: .fetch,
            localFetchThroughService: localFetchThroughService, progress: nil)
        var callbacks = git_remote_callbacks()
        try check(git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION)), "git_remote_init_callbacks")
        var proxy = git_proxy_options()
        try check(git_proxy_options_init(&proxy, UInt32(GIT_PROXY_OPTIONS_VERSION)), "git_proxy_options_init")
        proxy.type = GIT_PROXY_AUTO
        session.install(into: &callbacks)
        return try withExtendedLifetime(session) {
            let result = git_remote_connect(pointer, GIT_DIRECTION_FETCH, &callbacks, &proxy, nil)
            defer { try? check(git_remote_disconnect(pointer), "disconnect") }
            try session.finish(result, "connect to \(redactedURL)")
            return try body()
        }
    }
}

/// Runs `body` with a temporary `git_strarray` of `strings`, or NULL when `strings` is nil.
func withStringArray<R>(_ strings: [String]?, _ body: (UnsafePointer<git_strarray>?) throws -> R) rethrows -> R {
    guard let strings else { return try body(nil) }
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return try pointers.withUnsafeMutableBufferPointer { buffer in
        var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
        return try body(&array)
    }
}
