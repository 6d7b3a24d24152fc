#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A remote reached over the network the way plain git reaches it (git's `connect.c`): `ssh://`,
/// `ssh+git://`, `git+ssh://` and scp-like `[user@]host:path` through the system's OpenSSH client (or
/// what `GIT_SSH_COMMAND`, `core.sshCommand`, `GIT_SSH` name), and `git://` over a TCP connection to
/// `git daemon`. The URL is read as `parse_connect_url` and `get_host_and_port` read it (`%XX` decoded in
/// URLs, `[...]` around IPv6 addresses, `/~user/...` as `~user/...`), so a URL means the same to goalsync
/// and to git.
package struct ConnectTarget: Equatable {
    package enum Scheme: Equatable {
        case ssh, git
    }

    package let scheme: Scheme
    /// What git calls `hostandport`: `[user@]host[:port]` as written in the URL (brackets kept).
    package let hostAndPort: String
    /// The repository's path as git sends it to the service: `/srv/team.git`, `team.git`, `~ana/team.git`.
    package let path: String

    /// Reads `url` as git does for `ssh://` (and its two aliases), scp-like and `git://` remotes; nil for
    /// any other kind (a path, `file://`, `http(s)://`).
    /// - Throws: ``TransportError`` (`.unsupportedURL`) when the URL names no path, as git refuses it.
    package static func parse(_ url: String) throws -> ConnectTarget? {
        var text = url
        let scheme: Scheme
        var separator: Character = "/"
        if Self.isURL(url) {
            text = Self.decoded(url)
            guard let marker = text.range(of: "://") else { return nil }
            switch text[..<marker.lowerBound] {
            case "ssh", "ssh+git", "git+ssh": scheme = .ssh
            case "git": scheme = .git
            default: return nil
            }
            text = String(text[marker.upperBound...])
        } else {
            // git's url_is_local_not_ssh: a colon before any slash makes it scp-like ssh.
            guard let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/") else { return nil }
            scheme = .ssh
            separator = ":"
        }
        let chars = Array(text)
        let searchFrom = hostEnd(chars, removeBrackets: false).end
        guard let cut = chars[searchFrom...].firstIndex(of: separator) else {
            throw TransportError(
                kind: .unsupportedURL, remote: url,
                message: "\(url) names no path on the server; see 'git help clone' for the URL forms (ssh://host/path/team.git, host:path/team.git)")
        }
        var path = Array(chars[cut...])
        if separator == ":" { path.removeFirst() }
        if path.count > 1, path[1] == "~" { path.removeFirst() }
        guard !path.isEmpty else {
            throw TransportError(kind: .unsupportedURL, remote: url, message: "\(url) names no path on the server; add the repository's path")
        }
        return ConnectTarget(scheme: scheme, hostAndPort: String(chars[..<cut]), path: String(path))
    }

    /// `[user@]host` and the port, as git's `get_host_and_port` (and, for ssh, `get_port`) split
    /// ``hostAndPort``: `ana@[::1]:2222` → (`ana@::1`, `2222`); a trailing `:` is dropped.
    package var hostAndPortSplit: (host: String, port: String?) {
        var chars = Array(hostAndPort)
        let (unbracketed, end) = Self.hostEnd(chars, removeBrackets: true)
        chars = unbracketed
        var port: String?
        if let colon = chars[end...].firstIndex(of: ":") {
            let digits = String(chars[(colon + 1)...])
            if let number = Int(digits), (0..<65536).contains(number) {
                port = digits
                chars.removeSubrange(colon...)
            } else if colon + 1 == chars.count {
                chars.removeLast()
            }
        }
        if port == nil, scheme == .ssh, let colon = chars.firstIndex(of: ":") {
            // get_port: the first colon, when all that follows is a port number.
            let digits = String(chars[(colon + 1)...])
            if let number = Int(digits), (0..<65536).contains(number) {
                port = digits
                chars.removeSubrange(colon...)
            }
        }
        return (String(chars), port)
    }

    // MARK: git's helpers

    /// git's `is_url`: a scheme (`[A-Za-z0-9][A-Za-z0-9+.-]*`) followed by `://`.
    static func isURL(_ url: String) -> Bool {
        guard let marker = url.range(of: "://") else { return false }
        let scheme = url[..<marker.lowerBound]
        guard let first = scheme.unicodeScalars.first, first.isASCII, CharacterSet.alphanumerics.contains(first) else { return false }
        return !scheme.contains(":") && scheme.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "+-.".unicodeScalars.contains($0))
        }
    }

    /// git's `url_decode`: every valid `%XX` after the scheme becomes its byte (`%00` stays as it is).
    static func decoded(_ url: String) -> String {
        let bytes = Array(url.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let high = hex(bytes[i + 1]), let low = hex(bytes[i + 2]),
                high << 4 | low != 0 {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// git's `host_end`: where to look for the port or the path in `[user@]host...`, skipping an IPv6
    /// address in brackets (`host@[::1]:22`, `[::1]:22`); with `removeBrackets` also the text without them.
    static func hostEnd(_ chars: [Character], removeBrackets: Bool) -> (chars: [Character], end: Int) {
        var start = 0
        if let at = (0..<max(chars.count - 1, 0)).first(where: { chars[$0] == "@" && chars[$0 + 1] == "[" }) { start = at + 1 }
        guard start < chars.count, chars[start] == "[", let close = chars[(start + 1)...].firstIndex(of: "]") else {
            return (chars, 0)
        }
        guard removeBrackets else { return (chars, close) }
        var out = chars
        out.remove(at: close)
        out.remove(at: start)
        return (out, close - 1)
    }

    /// git's `looks_like_command_line_option`: text an ssh client would read as an option.
    static func looksLikeOption(_ text: String) -> Bool { text.hasPrefix("-") }
}

/// git's `ssh.variant`: which command-line conventions the ssh program follows.
package enum SSHVariant: Equatable {
    case auto, simple, ssh, plink, putty, tortoisePlink

    /// git's `override_ssh_variant`: `GIT_SSH_VARIANT`, else `ssh.variant`; unknown words mean `ssh`.
    init(setting: String) {
        switch setting {
        case "auto": self = .auto
        case "plink": self = .plink
        case "putty": self = .putty
        case "tortoiseplink": self = .tortoisePlink
        case "simple": self = .simple
        default: self = .ssh
        }
    }

    /// git's `determine_ssh_variant` from the program's name: `ssh`, `plink`, `tortoiseplink` (`.exe` too,
    /// any case); anything else is `.auto` (then found out by running it with `-G`).
    init(programName name: String) {
        switch name.lowercased() {
        case "ssh", "ssh.exe": self = .ssh
        case "plink", "plink.exe": self = .plink
        case "tortoiseplink", "tortoiseplink.exe": self = .tortoisePlink
        default: self = .auto
        }
    }
}

extension ServiceCommand {
    /// git's `split_cmdline`: words split at unquoted white space, `'...'` and `"..."` quoting, `\`
    /// escaping outside single quotes. Nil for an unclosed quote or a trailing `\`.
    static func splitCommandLine(_ line: String) -> [String]? {
        var words = [String](), current = "", quote: Character?, escaped = false, inWord = false
        for c in line {
            if escaped {
                current.append(c)
                escaped = false
            } else if c == "\\", quote != "'" {
                escaped = true
                inWord = true
            } else if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        guard quote == nil, !escaped else { return nil }
        if inWord { words.append(current) }
        return words
    }

    /// Characters that make git run a command through the shell (`prepare_shell_cmd` in run-command.c).
    static let shellCharacters = Set("|&;<>()$`\\\"' \t\n*?[#~=%")

    /// The services of an ssh remote, run as plain git runs them (`fill_ssh_args` in git's connect.c):
    /// `GIT_SSH_COMMAND`, else git config `core.sshCommand` (both run by `/bin/sh -c '<command> "$@"'`
    /// when they hold shell syntax), else `GIT_SSH` (a program, no shell), else `ssh` on `PATH`; with
    /// `-p PORT` (`-P PORT` for PuTTY's plink and tortoiseplink, which also get `-batch`; the `simple`
    /// variant refuses a port) and `[user@]host`, then `git-upload-pack '/path'` in git's quoting as one
    /// argument. `ssh.variant`/`GIT_SSH_VARIANT` as in git; an unknown program is asked with `-G` whether
    /// it is OpenSSH. The environment is `environment` without ``localRepositoryVariables``.
    ///
    /// The ssh child leads a process group of its own (stopped with everything it started when it stalls)
    /// unless goalsync has a terminal, where OpenSSH may ask for a passphrase or about a new host key.
    /// - Throws: ``TransportError``: `.refusedURL` for a host (with its user) or path starting with `-`, as
    ///   git's "strange hostname ... blocked"; `.sshMissing` when the program is not found;
    ///   `.unsupportedURL` for a port with the `simple` variant.
    package static func ssh(
        target: ConnectTarget, environment: [String: String], config: Config?, remote: String
    ) throws -> ServiceCommand {
        var environment = environment
        for name in localRepositoryVariables { environment[name] = nil }
        if environment["PATH"] == nil { environment["PATH"] = fallbackFolders.joined(separator: ":") }
        let (sshHost, port) = target.hostAndPortSplit
        if ConnectTarget.looksLikeOption(target.path) {
            throw TransportError(
                kind: .refusedURL, remote: remote,
                message: "strange pathname '\(target.path)' blocked: ssh would read a path starting with '-' as an option; "
                    + "check the remote's URL (git refuses it too)")
        }
        if ConnectTarget.looksLikeOption(sshHost) {
            throw TransportError(
                kind: .refusedURL, remote: remote,
                message: "strange hostname '\(sshHost)' blocked: ssh would read a host or user starting with '-' as an "
                    + "option; check the remote's URL (git refuses it too)")
        }
        func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        let shellCommand = try nonEmpty(environment["GIT_SSH_COMMAND"]) ?? nonEmpty(config?.string("core.sshCommand"))
        let program = shellCommand ?? nonEmpty(environment["GIT_SSH"]) ?? "ssh"
        var variant = SSHVariant.auto
        if let setting = try environment["GIT_SSH_VARIANT"] ?? config?.string("ssh.variant") { variant = SSHVariant(setting: setting) }
        if variant == .auto {
            let first = shellCommand.map { splitCommandLine($0)?.first ?? "" } ?? program
            variant = SSHVariant(programName: (first as NSString).lastPathComponent)
        }

        // The argv that runs the program with `arguments`: through the shell when git would use one.
        func argv(_ arguments: [String]) throws -> [String] {
            if let shellCommand, shellCommand.contains(where: { shellCharacters.contains($0) }) {
                return ["/bin/sh", "-c", "\(shellCommand) \"$@\"", shellCommand] + arguments
            }
            guard let path = Subprocess.find(program, environment: environment) else {
                let source =
                    environment["GIT_SSH_COMMAND"].map { _ in "GIT_SSH_COMMAND" }
                    ?? (shellCommand != nil ? "git config core.sshCommand" : environment["GIT_SSH"] != nil ? "GIT_SSH" : nil)
                throw TransportError(
                    kind: .sshMissing, remote: remote,
                    message: source.map { "\($0) names '\(program)', which is not an executable program; fix it or unset it" }
                        ?? "goalsync reaches ssh remotes through OpenSSH's ssh, as git does, and ssh was not found (PATH is "
                        + "\(environment["PATH"] ?? "unset")); install the OpenSSH client, or set GIT_SSH_COMMAND")
            }
            return [path] + arguments
        }

        if variant == .auto {
            // git asks the program whether it takes OpenSSH's options: `-G` prints the configuration.
            let probe = try argv(["-G"] + (port.map { ["-p", $0] } ?? []) + [sshHost])
            let answer = Subprocess.run(probe, environment: environment, input: [])
            variant = answer?.status == 0 ? .ssh : .simple
        }
        var arguments = [String]()
        if variant == .tortoisePlink { arguments.append("-batch") }
        if let port {
            switch variant {
            case .simple:
                throw TransportError(
                    kind: .unsupportedURL, remote: remote,
                    message: "ssh variant 'simple' does not support setting port (\(port)); drop the port from the URL and "
                        + "set it in ~/.ssh/config, or set ssh.variant to ssh")
            case .plink, .putty, .tortoisePlink: arguments += ["-P", port]
            case .ssh, .auto: arguments += ["-p", port]
            }
        }
        arguments.append(sshHost)
        return ServiceCommand(
            kind: .remoteShell(arguments: try argv(arguments), path: target.path, destination: sshHost),
            environment: environment, ownProcessGroup: !hasControllingTerminal)
    }

    /// A `git://` remote: a TCP connection to `git daemon` (port 9418 unless the URL says), opened and
    /// waited on within the no-progress timeout, that asks for the service as git does
    /// (`git-upload-pack /path\0host=HOST[:PORT]\0`, git's `git_connect_git`).
    /// - Throws: ``TransportError`` (`.unsupportedURL`) for a newline in the host or path, as git.
    package static func daemon(target: ConnectTarget, remote: String) throws -> ServiceCommand {
        guard !target.hostAndPort.contains("\n"), !target.path.contains("\n") else {
            throw TransportError(kind: .unsupportedURL, remote: remote, message: "newline is forbidden in git:// hosts and repo paths")
        }
        // git daemon has no login: a user (or password) would be sent to the server in the request's
        // host= field, and git itself cannot connect to such a URL; say so instead.
        guard !target.hostAndPort.contains("@") else {
            throw TransportError(
                kind: .unsupportedURL, remote: remote,
                message: "a git:// URL carries no user or password (git daemon has no login); remove the 'user@' part, "
                    + "or use an https:// or ssh:// URL to sign in")
        }
        let (host, port) = target.hostAndPortSplit
        return ServiceCommand(
            kind: .daemon(host: host, port: port ?? "9418", virtualHost: target.hostAndPort, path: target.path),
            environment: [:], ownProcessGroup: false)
    }

    /// Whether this process has a controlling terminal (OpenSSH may then ask on it for a passphrase).
    static var hasControllingTerminal: Bool {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }
}
