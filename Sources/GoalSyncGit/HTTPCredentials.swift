import Foundation

/// The user name and password goalsync sends to an http(s) remote, in git's order:
///
/// 1. the URL's own `user:password` (sent from the first request, as git does);
/// 2. after the server asks (401), `GOALSYNC_TOKEN` (user from the URL, else `x-access-token`); never over
///    plain http unless `goalsync.allowTokenOverHTTP` is true;
/// 3. git's credential helpers (`git credential fill`): approved when the server accepts, rejected when
///    it refuses;
/// 4. askpass: `GIT_ASKPASS`, else `core.askPass`, else `SSH_ASKPASS`, asked as git asks
///    ("Username for 'https://host': ", "Password for 'https://ana@host': "); approved to the helpers.
///
/// One credential is tried; a refusal ends the operation with a message that names which credential
/// was refused (never its value).
final class HTTPCredentials {
    struct Credential {
        enum Source {
            case url, token, helper, askpass
        }
        let username: String
        let password: String
        let source: Source
    }

    let url: RemoteURL
    let authentication: Authentication
    let settings: HTTPSettings
    /// Where `git credential` runs, so a repository's own `credential.*` settings apply.
    let directory: String?
    /// What is sent now; nil before the server asked (unless the URL carries a password).
    private(set) var current: Credential?
    private var approved = false

    init(url: RemoteURL, authentication: Authentication, settings: HTTPSettings, directory: String?) {
        self.url = url
        self.authentication = authentication
        self.settings = settings
        self.directory = directory
        if let user = url.user, let password = url.password {
            current = Credential(username: user, password: password, source: .url)
        }
    }

    private var helper: CredentialHelper { CredentialHelper(authentication: authentication, directory: directory) }

    /// The server answered 401: the credential to send next, or an error that says which credential was
    /// refused, or that there was none to send and how to provide one.
    func refused(server: String) throws -> Credential {
        if let current {
            let what: String
            switch current.source {
            case .url:
                what = "the password in the URL for user \(current.username); correct it in the remote's URL (git remote set-url)"
            case .token:
                what = "the token in GOALSYNC_TOKEN (as user \(current.username)); check that it is valid and allows access to \(url.redacted)"
            case .helper:
                helper.reject(.init(username: current.username, password: current.password), url: url)
                what = "the credentials of \(current.username) from git's credential helper (now forgotten by it); sign in again with git"
            case .askpass:
                what = "the user name and password of \(current.username) given to askpass; try again with the right ones"
            }
            throw TransportError(kind: .authenticationFailed, remote: url.redacted, message: "\(server) refused \(what)")
        }
        var withheld = ""
        if let token = authentication.token {
            if url.scheme == "https" || settings.allowTokenOverHTTP {
                return use(Credential(username: url.user ?? "x-access-token", password: token, source: .token))
            }
            withheld = "GOALSYNC_TOKEN is set but was not sent over plain http (use an https URL, or git config "
                + "goalsync.allowTokenOverHTTP true to send it anyway), "
        }
        var helperReason = ""
        switch helper.fill(url: url, username: url.user) {
        case .found(let credential):
            return use(Credential(username: credential.username, password: credential.password, source: .helper))
        case .missing(let reason):
            helperReason = reason
        }
        if let asked = try askPass() { return use(asked) }
        let token = withheld.isEmpty ? "GOALSYNC_TOKEN is not set, " : withheld
        throw TransportError(
            kind: .noCredentials, remote: url.redacted,
            message: "\(server) asks for a user name and password and goalsync has none: \(token)git's credential helpers "
                + "have none (\(helperReason)) and no askpass program is set (GIT_ASKPASS, core.askPass); set GOALSYNC_TOKEN, "
                + "or configure a credential helper and sign in once with git")
    }

    /// The server accepted the credential: git's helpers keep one that came from them or from askpass.
    func accepted() {
        guard let current, !approved, current.source == .helper || current.source == .askpass else { return }
        approved = true
        helper.approve(.init(username: current.username, password: current.password), url: url)
    }

    private func use(_ credential: Credential) -> Credential {
        current = credential
        return credential
    }

    // MARK: askpass

    /// The askpass program git would run: `GIT_ASKPASS`, else `core.askPass`, else `SSH_ASKPASS`.
    private var askPassProgram: String? {
        let environment = authentication.environment
        for candidate in [environment["GIT_ASKPASS"], settings.configAskPass, environment["SSH_ASKPASS"]] {
            if let candidate, !candidate.isEmpty { return candidate }
        }
        return nil
    }

    /// Asks the askpass program for what the URL lacks, as git's `credential_ask_one` does; nil without
    /// a program or when it gives nothing.
    private func askPass() throws -> Credential? {
        guard let program = askPassProgram else { return nil }
        var hostPort = url.host ?? ""
        if let port = url.port { hostPort += ":\(port)" }
        let username: String
        if let user = url.user {
            username = user
        } else {
            guard let answer = ask(program, "Username for '\(url.scheme)://\(hostPort)': ") else { return nil }
            username = answer
        }
        guard let password = ask(program, "Password for '\(url.scheme)://\(username)@\(hostPort)': ") else { return nil }
        return Credential(username: username, password: password, source: .askpass)
    }

    private func ask(_ program: String, _ prompt: String) -> String? {
        guard let result = Subprocess.run([program, prompt], environment: authentication.environment, input: []),
            result.status == 0
        else { return nil }
        var answer = String(decoding: result.output, as: UTF8.self)
        while answer.hasSuffix("\n") || answer.hasSuffix("\r") { answer.removeLast() }
        return answer
    }
}
