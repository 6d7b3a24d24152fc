import Foundation

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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "credential", action]
        process.environment = environment
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        // The request is a few hundred bytes: it fits in the pipe before git starts, so writing first
        // can neither block nor meet a closed pipe.
        let request = fields.map { "\($0.0)=\($0.1)\n" }.joined() + "\n"
        input.fileHandleForWriting.write(Data(request.utf8))
        try? input.fileHandleForWriting.close()
        do { try process.run() } catch { return nil }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
