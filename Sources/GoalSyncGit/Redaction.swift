import CLibgit2
import Foundation

/// No secret in a URL is ever printed (SPEC §6). Two choke points:
///
/// - ``url(_:)``: every URL formatted for people (messages, errors, `--json`, commit messages,
///   `.git/goalsync` state, reflog messages) goes through it; ``urls(in:)`` does the same for every URL
///   inside a text goalsync did not write (libgit2's error messages, which the libgit2 gateway passes
///   through it).
/// - ``SecretMask``: the last line of defence at the command line's output, which masks the secrets the
///   process knows of in every byte it writes, wherever they came from.
public enum Redaction {
    /// What people see of a remote's address: over ssh (`ssh://`, scp-like `user@host:path`) the user
    /// stays and a password becomes `***`; over every other scheme (`https`, `http`, `git`, `file`) the
    /// whole user information becomes `***`, since a user name alone there is often a token. A path or a
    /// URL with no user information is unchanged.
    ///
    ///     https://ana:S3cret@host/team.git  →  https://***@host/team.git
    ///     https://ghp_abc@github.com/t.git  →  https://***@github.com/t.git
    ///     ssh://git:pw@host/team.git        →  ssh://git:***@host/team.git
    ///     git@host:team.git                 →  git@host:team.git
    public static func url(_ url: String) -> String { RemoteURL(url).redacted }

    /// `text` with the user information of every `scheme://…@` URL in it redacted as ``url(_:)`` does.
    /// A URL ends at white space or a quote; its user information at the last `@` before its first `/`.
    public static func urls(in text: String) -> String {
        guard text.contains("://"), text.contains("@") else { return text }
        var out = ""
        var rest = Substring(text)
        while let separator = rest.range(of: "://") {
            // The scheme: letters, digits, "+", "-", "." just before "://".
            let scheme = rest[..<separator.lowerBound].reversed().prefix { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
            let start = rest.index(separator.lowerBound, offsetBy: -scheme.count)
            let end = rest[separator.upperBound...].firstIndex { $0.isWhitespace || "'\"`<>".contains($0) } ?? rest.endIndex
            out += rest[..<start]
            out += scheme.isEmpty ? String(rest[start..<end]) : url(String(rest[start..<end]))
            rest = rest[end...]
        }
        return out + rest
    }

    /// The secrets `url` carries, which must appear in no output: see ``RemoteURL/secrets``.
    public static func secrets(in url: String) -> [String] { RemoteURL(url).secrets }
}

/// The last line of defence: masks, in text about to be written to the terminal, every secret the
/// process knows of. ``url(_:)`` has already hidden the secrets of the URLs goalsync formats; this
/// catches what came another way (a server's or libgit2's text repeating a URL, a hook's output).
///
/// The secrets: those of every URL on the command line and of the repository's and the user's git
/// configuration (`remote.*.url`, `remote.*.pushurl`, `url.*.insteadOf` and `pushInsteadOf`), each as
/// written and percent-decoded, and the value of `GOALSYNC_TOKEN`. A secret shorter than
/// ``minimumLength`` characters is not sought (it would mask ordinary words); the URLs themselves still
/// hide it.
public struct SecretMask: Sendable {
    public static let minimumLength = 4
    /// Longest first, so that a secret inside another is not left half shown.
    public let secrets: [String]

    public init(secrets: [String]) {
        self.secrets = Array(Set(secrets.filter { $0.count >= Self.minimumLength })).sorted { $0.count > $1.count || ($0.count == $1.count && $0 < $1) }
    }

    /// The secrets of `arguments`, of `environment`'s `GOALSYNC_TOKEN`, and of the git configuration of the
    /// repository at or above `directory` (else the user's). Reading the configuration costs about a
    /// millisecond; nothing is thrown: a configuration that cannot be read adds nothing.
    public static func known(arguments: [String], environment: [String: String], directory: String) -> SecretMask {
        var found = arguments.flatMap(Redaction.secrets(in:))
        if let token = environment["GOALSYNC_TOKEN"], !token.isEmpty { found.append(token) }
        let config = (try? Repository.discover(from: directory).config()) ?? (try? Config.openDefault())
        for (name, value) in (try? config?.urlEntries()) ?? [] {
            found += Redaction.secrets(in: value)
            // url.<base>.insteadOf: the base is in the name.
            if name.hasPrefix("url."), let dot = name.lastIndex(of: ".") {
                found += Redaction.secrets(in: String(name[name.index(name.startIndex, offsetBy: 4)..<dot]))
            }
        }
        return SecretMask(secrets: found)
    }

    /// `text` with every secret replaced by `***`.
    public func apply(_ text: String) -> String {
        var text = text
        for secret in secrets where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        return text
    }
}

extension Config {
    /// The entries that hold URLs: `remote.*.url`, `remote.*.pushurl`, `url.*.insteadof`,
    /// `url.*.pushinsteadof` (`git_config_iterator_glob_new`, `git_config_next`); names as git gives them
    /// (lower-case section and key, the subsection as written).
    func urlEntries() throws -> [(name: String, value: String)] {
        var iterator: OpaquePointer?
        let pattern = "^(remote\\..*\\.(url|pushurl)|url\\..*\\.(insteadof|pushinsteadof))$"
        try check(git_config_iterator_glob_new(&iterator, pointer, pattern), "list the URL settings of git config")
        defer { git_config_iterator_free(iterator) }
        var entries = [(name: String, value: String)]()
        var entry: UnsafeMutablePointer<git_config_entry>?
        while true {
            let rc = git_config_next(&entry, iterator)
            if rc == GIT_ITEROVER.rawValue {
                git_error_clear()
                return entries
            }
            try check(rc, "read the URL settings of git config")
            guard let current = entry?.pointee else { continue }
            entries.append((current.name.map { String(cString: $0) } ?? "", current.value.map { String(cString: $0) } ?? ""))
        }
    }
}
