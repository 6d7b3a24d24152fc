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
        let repository = try open(at: path)
        // The received pack and its index reach the disk before goalsync goes on, as git's do
        // (Repository+Durability.swift).
        try repository.syncPacks(notIn: nil)
        // libgit2 writes "clone: from URL" in the new reflogs, secrets and all; git writes the URL without.
        if session.url.redacted != url { try repository.replaceInReflogs(url, with: session.url.redacted) }
        return repository
    }

    /// Rewrites every reflog entry (HEAD's and each reference's) whose message holds `text`, with
    /// `replacement` in its place; ids, committer and times stay (`git_reflog_read`, `git_reflog_drop`,
    /// `git_reflog_append`, `git_reflog_write`).
    func replaceInReflogs(_ text: String, with replacement: String) throws {
        var names = git_strarray()
        try check(git_reference_list(&names, pointer), "list references")
        defer { git_strarray_dispose(&names) }
        let references = ["HEAD"] + (0..<names.count).compactMap { names.strings[$0].map { String(cString: $0) } }
        for name in references {
            var reflog: OpaquePointer?
            try check(git_reflog_read(&reflog, pointer, name), "read the reflog of \(name)")
            defer { git_reflog_free(reflog) }
            let count = git_reflog_entrycount(reflog)
            // Oldest first: entry 0 is the newest.
            let entries = (0..<count).reversed().compactMap { git_reflog_entry_byindex(reflog, $0) }
            let messages = entries.map { git_reflog_entry_message($0).map { String(cString: $0) } }
            guard messages.contains(where: { $0?.contains(text) == true }) else { continue }
            let kept = zip(entries, messages).compactMap { entry, message in
                git_reflog_entry_committer(entry).map { committer in
                    (id: git_reflog_entry_id_new(entry).pointee, committer: Signature(committer),
                     message: message?.replacingOccurrences(of: text, with: replacement))
                }
            }
            while git_reflog_entrycount(reflog) > 0 {
                try check(git_reflog_drop(reflog, 0, 1), "rewrite the reflog of \(name)")
            }
            for entry in kept {
                var id = entry.id
                try entry.committer.withRaw { committer in
                    try check(git_reflog_append(reflog, &id, committer, entry.message), "rewrite the reflog of \(name)")
                }
            }
            try check(git_reflog_write(reflog), "write the reflog of \(name)")
        }
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
