import Foundation

/// How goalsync authenticates to remotes, read from an environment and a home folder; never prompts.
///
/// - https: the token in `GOALSYNC_TOKEN` (user from the URL, else `x-access-token`), else git's
///   credential helpers through `git credential fill`, with prompts disabled.
/// - ssh: nothing of goalsync's own. ssh remotes go through OpenSSH's client as with plain git (see
///   ``ServiceCommand/ssh(target:environment:config:remote:)``), which runs with `environment`: its
///   `~/.ssh/config`, ssh-agent (`SSH_AUTH_SOCK`), keys, `known_hosts` and `StrictHostKeyChecking` apply.
public struct Authentication: Sendable {
    public let environment: [String: String]
    public let homeDirectory: String

    public init(environment: [String: String], homeDirectory: String) {
        self.environment = environment
        self.homeDirectory = homeDirectory
    }

    var token: String? { nonEmpty("GOALSYNC_TOKEN") }

    private func nonEmpty(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}
