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
