/// git's credential protocol: `git credential fill|approve|reject` with `protocol`, `host`, `path`
/// (and `username`) on stdin. The one place goalsync runs git, so that every helper a user has
/// configured (store, cache, libsecret, osxkeychain, manager) works. Prompts are disabled.
struct CredentialHelper {
    struct Credential {
        let username: String
        let password: String
    }

    enum Answer {
        case found(Credential)
        /// No helper had one; `reason` is git's own explanation.
        case missing(reason: String)
    }

    let authentication: Authentication
    /// Where git runs, so a repository's own `credential.*` settings apply.
    let directory: String?

    func fill(url: RemoteURL, username: String?) -> Answer {
        var fields = description(of: url)
        if let username { fields.append(("username", username)) }
        guard let result = run("fill", fields) else { return .missing(reason: "git could not be run") }
        var values = [String: String]()
        for line in result.output.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        guard result.status == 0, let user = values["username"], let password = values["password"] else {
            let reason = result.errors.split(separator: "\n").last.map(String.init) ?? "exit status \(result.status)"
            return .missing(reason: reason)
        }
        return .found(Credential(username: user, password: password))
    }

    /// Tells the helpers the credential worked (so e.g. `cache` keeps it).
    func approve(_ credential: Credential, url: RemoteURL) {
        _ = run("approve", description(of: url) + [("username", credential.username), ("password", credential.password)])
    }

    /// Tells the helpers the credential was refused (so they forget it).
    func reject(_ credential: Credential, url: RemoteURL) {
        _ = run("reject", description(of: url) + [("username", credential.username), ("password", credential.password)])
    }

    private func description(of url: RemoteURL) -> [(String, String)] {
        var host = url.host ?? ""
        if let port = url.port { host += ":\(port)" }
        var fields = [("protocol", url.scheme), ("host", host)]
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        if !path.isEmpty { fields.append(("path", path)) }
        return fields
    }

    private func run(_ action: String, _ fields: [(String, String)]) -> (status: Int32, output: String, errors: String)? {
        var environment = authentication.environment
        environment["HOME"] = authentication.homeDirectory
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_ASKPASS"] = ""  // set but empty: git skips core.askPass and SSH_ASKPASS too
        if environment["PATH"] == nil { environment["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        var arguments = ["git"]
        if let directory { arguments += ["-C", directory] }
        arguments += ["credential", action]
        let request = fields.map { "\($0.0)=\($0.1)\n" }.joined() + "\n"
        guard let result = Subprocess.run(arguments, environment: environment, input: Array(request.utf8)) else { return nil }
        return (result.status, String(decoding: result.output, as: UTF8.self), String(decoding: result.errors, as: UTF8.self))
    }
}
