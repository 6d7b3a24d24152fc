import CLibgit2
import Foundation

/// The last line of defence: masks, in text about to be written to the terminal, every secret the
/// process knows of. ``Redaction/url(_:)`` has already hidden the secrets of the URLs goalsync formats; this
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
