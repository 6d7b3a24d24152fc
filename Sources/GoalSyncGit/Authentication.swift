import Foundation

/// How goalsync authenticates to remotes, read from an environment and a home folder; never prompts on
/// the terminal (an askpass program, as git runs it, is the one way to ask).
///
/// - ssh: ssh-agent first (when `SSH_AUTH_SOCK` is set), then the key files `~/.ssh/id_ed25519`,
///   `id_ecdsa`, `id_rsa`, each offered once (with the `.pub` beside it when present; keys protected by
///   a passphrase are passed over: load them into ssh-agent). The user is the URL's, else `git`.
///   Host keys must be in `~/.ssh/known_hosts` (or `/etc/ssh/ssh_known_hosts`); with
///   `GOALSYNC_SSH_ACCEPT_NEW_HOSTS=1` a host with no entry at all is accepted and recorded, like
///   OpenSSH's `StrictHostKeyChecking=accept-new`. A changed key is always refused.
/// - http(s): see ``HTTPCredentials``: the URL's password, `GOALSYNC_TOKEN` (never over plain http
///   unless `goalsync.allowTokenOverHTTP`), git's credential helpers, then askpass.
///
/// libssh2 talks to the agent named by the *process's* `SSH_AUTH_SOCK`; `environment` only decides
/// whether the agent is tried.
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

    /// The key files offered after the agent, in this order, from `~/.ssh`.
    static let keyFileNames = ["id_ed25519", "id_ecdsa", "id_rsa"]

    var token: String? { nonEmpty("GOALSYNC_TOKEN") }

    var acceptsNewHostKeys: Bool {
        ["1", "true", "yes"].contains(nonEmpty("GOALSYNC_SSH_ACCEPT_NEW_HOSTS")?.lowercased() ?? "")
    }

    var userKnownHostsFile: String { homeDirectory + "/.ssh/known_hosts" }

    private func nonEmpty(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    // MARK: ssh credentials

    /// One ssh credential to offer.
    enum SSHSource {
        case agent
        case keyFile(privateKey: String, publicKey: String?)

        var label: String {
            switch self {
            case .agent: return "the keys in ssh-agent"
            case .keyFile(let path, _): return path
            }
        }
    }

    /// The ssh credentials to offer, in order, and why any key file present was passed over.
    func sshSources() -> (sources: [SSHSource], skipped: [String]) {
        var sources = [SSHSource]()
        var skipped = [String]()
        if nonEmpty("SSH_AUTH_SOCK") != nil { sources.append(.agent) }
        for name in Self.keyFileNames {
            let path = homeDirectory + "/.ssh/" + name
            guard FileManager.default.fileExists(atPath: path) else { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                skipped.append("\(path) cannot be read")
                continue
            }
            if Self.isEncrypted(privateKey: data) {
                skipped.append("\(path) needs a passphrase (add it to ssh-agent with ssh-add)")
                continue
            }
            let publicKey = path + ".pub"
            sources.append(.keyFile(privateKey: path, publicKey: FileManager.default.fileExists(atPath: publicKey) ? publicKey : nil))
        }
        return (sources, skipped)
    }

    /// Whether a private key file is protected by a passphrase: PEM `Proc-Type: 4,ENCRYPTED`,
    /// PKCS#8 `ENCRYPTED PRIVATE KEY`, or an OpenSSH-format key whose cipher is not "none".
    static func isEncrypted(privateKey data: Data) -> Bool {
        let text = String(decoding: data, as: UTF8.self)
        if text.contains("Proc-Type: 4,ENCRYPTED") || text.contains("BEGIN ENCRYPTED PRIVATE KEY") { return true }
        guard text.contains("BEGIN OPENSSH PRIVATE KEY") else { return false }
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let blob = Data(base64Encoded: body) else { return false }
        // "openssh-key-v1\0", then the cipher name as an ssh string (uint32 length, bytes).
        let bytes = Array(blob), magic = Array("openssh-key-v1\0".utf8)
        guard bytes.count > magic.count + 4, Array(bytes[0..<magic.count]) == magic,
            let cipher = KnownHosts.keyType(of: Array(bytes[magic.count...]))
        else { return false }
        return cipher != "none"
    }

    // MARK: ssh host keys

    /// Checks the host key an ssh server offered against `known_hosts`; throws a ``TransportError``
    /// that says how to accept the key when it is unknown, or that refuses it when it changed.
    func checkHostKey(_ key: [UInt8], sha256: [UInt8]?, host: String, url: RemoteURL) throws {
        let port = url.port ?? 22
        let name = port == 22 ? host : "[\(host)]:\(port)"
        let type = KnownHosts.keyType(of: key) ?? "unknown"
        let fingerprint = sha256.map { " SHA256:" + Data($0).base64EncodedString().replacingOccurrences(of: "=", with: "") } ?? ""
        let portFlag = port == 22 ? "" : "-p \(port) "
        let login = "ssh \(portFlag)\(url.user.map { "\($0)@" } ?? "")\(host)"
        func refuse(_ kind: TransportError.Kind, _ message: String) -> TransportError {
            TransportError(kind: kind, remote: url.redacted, message: message)
        }
        let knownHosts = KnownHosts(files: [userKnownHostsFile, "/etc/ssh/ssh_known_hosts"])
        switch knownHosts.verify(name: name, key: key) {
        case .trusted:
            return
        case .unknownHost:
            if acceptsNewHostKeys {
                try KnownHosts.append(name: name, key: key, to: userKnownHostsFile)
                return
            }
            throw refuse(
                .unknownHostKey,
                "the ssh host \(name) is not in \(userKnownHostsFile) (it offered the \(type) key\(fingerprint)); "
                    + "to trust it, check that fingerprint and connect once with `\(login)`, which records the key "
                    + "(or set GOALSYNC_SSH_ACCEPT_NEW_HOSTS=1 to record new hosts automatically)")
        case .unknownKeyType(let known):
            let keyscanType = type.hasPrefix("ecdsa") ? "ecdsa" : type.hasPrefix("ssh-") ? String(type.dropFirst(4)) : type
            throw refuse(
                .unknownHostKeyType,
                "the ssh host \(name) offered the \(type) key\(fingerprint), but \(userKnownHostsFile) only has "
                    + "\(known.joined(separator: ", ")) keys for it; after checking that fingerprint, add the key with "
                    + "`ssh-keyscan -t \(keyscanType) \(portFlag)\(host) >> \(userKnownHostsFile)`")
        case .mismatch(let entry):
            throw refuse(
                .hostKeyMismatch,
                "the ssh host key of \(name) (\(type)\(fingerprint)) does not match the one in \(entry.file) line "
                    + "\(entry.line): someone may be intercepting the connection, or the server's key changed; if you "
                    + "know it changed, remove the old key with `ssh-keygen -f \(entry.file) -R '\(name)'` and connect "
                    + "once with `\(login)`")
        case .revoked(let entry):
            throw refuse(
                .hostKeyRevoked,
                "the ssh host key of \(name) (\(type)\(fingerprint)) is marked @revoked in \(entry.file) line "
                    + "\(entry.line); goalsync will not connect to it")
        }
    }
}
