import Foundation

/// How goalsync authenticates to remotes, read from an environment and a home folder; never prompts on
/// the terminal (an askpass program, as git runs it, is the one way to ask).
///
/// - http(s): see ``HTTPCredentials``: the URL's password, `GOALSYNC_TOKEN` (never over plain http
///   unless `goalsync.allowTokenOverHTTP`), git's credential helpers, then askpass.
/// - ssh: nothing of goalsync's own. ssh remotes go through OpenSSH's client as with plain git (see
///   ``ServiceCommand/ssh(target:environment:config:remote:)``), which runs with `environment`: its
///   `~/.ssh/config`, ssh-agent (`SSH_AUTH_SOCK`), keys, `known_hosts` and `StrictHostKeyChecking` apply.
public struct Authentication: Sendable {
    public let environment: [String: String]
    public let homeDirectory: String
    /// Receives a one-line warning about a transfer that goes on anyway (TLS checks turned off by
    /// `http.sslVerify false`); the command-line tool prints it on stderr.
    public let warn: @Sendable (String) -> Void

    public init(environment: [String: String], homeDirectory: String, warn: @escaping @Sendable (String) -> Void = { _ in }) {
        self.environment = environment
        self.homeDirectory = homeDirectory
        self.warn = warn
    }

    var token: String? { nonEmpty("GOALSYNC_TOKEN") }

    private func nonEmpty(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}
