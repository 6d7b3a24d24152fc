import CLibgit2

extension Repository {
    /// Clones `url` into `path` (`git_clone`) with the same authentication and progress as
    /// ``Remote/fetch(refspecs:authentication:progress:)``: HEAD names the remote's default branch,
    /// which is checked out unless `checkout` is false (then the work tree and the index stay
    /// empty, `GIT_CHECKOUT_NONE`, for the caller to check the tree and write it). An empty remote
    /// gives a repository whose HEAD is unborn.
    public static func clone(
        url: String, to path: String, authentication: Authentication, checkout: Bool = true, progress: ((TransferProgress) -> Void)?
    ) throws -> Repository {
        Libgit2.ensure()
        let session = TransportSession(url: url, authentication: authentication, repository: nil, direction: .fetch, progress: progress)
        var options = git_clone_options()
        try check(git_clone_options_init(&options, UInt32(GIT_CLONE_OPTIONS_VERSION)), "git_clone_options_init")
        options.fetch_opts.proxy_opts.type = GIT_PROXY_AUTO
        if !checkout { options.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE.rawValue }
        session.install(into: &options.fetch_opts.callbacks)
        var cloned: OpaquePointer?
        let result = withExtendedLifetime(session) { git_clone(&cloned, url, path, &options) }
        try session.finish(result, "clone \(session.url.redacted) into \(path)")
        git_repository_free(cloned)
        return try open(at: path)
    }

    /// Makes `branch` track `remoteBranch` on `remote` by writing `branch.<branch>.remote` and
    /// `branch.<branch>.merge` (`git_config_set_string`); the remote-tracking branch need not exist yet.
    public func setUpstream(branch: String, remote: String, remoteBranch: String) throws {
        let local = branch.hasPrefix("refs/heads/") ? String(branch.dropFirst("refs/heads/".count)) : branch
        let merge = remoteBranch.hasPrefix("refs/") ? remoteBranch : "refs/heads/\(remoteBranch)"
        let config = try writableConfig()
        try config.set("branch.\(local).remote", remote)
        try config.set("branch.\(local).merge", merge)
    }

    /// The names of the configured remotes (`git_remote_list`).
    public func remoteNames() throws -> [String] {
        var array = git_strarray()
        try check(git_remote_list(&array, pointer), "list remotes")
        defer { git_strarray_dispose(&array) }
        return (0..<array.count).compactMap { array.strings[$0].map { String(cString: $0) } }
    }
}
