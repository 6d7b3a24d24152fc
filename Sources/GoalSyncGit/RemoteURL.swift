import Foundation

/// The parts of a remote URL the transport layer needs: which protocol, the user, host and port for
/// credential helpers and messages, and a form safe to print. Understands
/// `scheme://[user[:password]@]host[:port]/path`, scp-like `[user@]host:path` (ssh), and local paths.
///
/// The user information ends at the last `@` before the first `/` after `://`, so a password may hold
/// `@` (git and libgit2 read it so too); a `/` in a password must be percent-encoded, as URLs require.
package struct RemoteURL: Sendable {
    /// "ssh", "git", "https", "http", "file", or "local" for a plain path.
    package let scheme: String
    package let user: String?
    /// The password in `scheme://user:password@host/...`, `%XX` escapes decoded (what is sent); never
    /// printed. nil when there is none.
    package let password: String?
    /// The password as written in the URL (still percent-encoded), for ``secrets``.
    private let writtenPassword: String?
    package let host: String?
    package let port: Int?
    package let path: String
    /// The URL as people may see it (``Redaction/url(_:)``): over ssh the user stays and a password
    /// becomes `***` (`ssh://git:***@host/x`, `git:***@host:x`); over every other scheme the whole user
    /// information becomes `***` (`https://***@host/x`), because there a user name alone is often a
    /// token (`https://ghp_…@github.com/…`) and a password is one.
    package let redacted: String

    package init(_ url: String) {
        var redacted = url
        var password: String?
        if let schemeEnd = url.range(of: "://") {
            let scheme = url[..<schemeEnd.lowerBound].lowercased()
            let rest = url[schemeEnd.upperBound...]
            let authority = rest.prefix { $0 != "/" }
            path = String(rest.dropFirst(authority.count))
            let isSSH = ["ssh", "ssh+git", "git+ssh"].contains(scheme)
            var hostPort = Substring(authority)
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                hostPort = authority[authority.index(after: at)...]
                let colon = userInfo.firstIndex(of: ":")
                let name = String(userInfo[..<(colon ?? userInfo.endIndex)])
                user = name
                password = colon.map { String(userInfo[userInfo.index(after: $0)...]) }
                let shown = !isSSH ? "***" : colon == nil ? name : "\(name):***"
                redacted = "\(url[..<schemeEnd.upperBound])\(shown)@\(hostPort)\(path)"
            } else {
                user = nil
                password = nil
            }
            // "[::1]:22", "host:22", "host"
            var portText: Substring?
            if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
                host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
                let after = hostPort[hostPort.index(after: close)...]
                if after.hasPrefix(":") { portText = after.dropFirst() }
            } else if let colon = hostPort.lastIndex(of: ":") {
                host = String(hostPort[..<colon])
                portText = hostPort[hostPort.index(after: colon)...]
            } else {
                host = hostPort.isEmpty ? nil : String(hostPort)
            }
            port = portText.flatMap { Int($0) }
            self.scheme = isSSH ? "ssh" : scheme
        } else if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/"), url.distance(from: url.startIndex, to: colon) > 1 {
            // scp-like syntax, as git and libgit2 read it: a colon before any slash.
            let authority = url[..<colon]
            if let at = authority.lastIndex(of: "@") {
                user = String(authority[..<at])
                host = String(authority[authority.index(after: at)...])
            } else {
                user = nil
                host = String(authority)
            }
            port = nil
            path = String(url[url.index(after: colon)...])
            scheme = "ssh"
            // git reads "ana:S3cret@host:x" as host "ana" and path "S3cret@host:x", so scp-like syntax
            // carries no password; should someone write one anyway, it is taken for one and not shown:
            // whatever stands between the first ":" and the last "@" before any "/".
            let head = url.prefix { $0 != "/" }
            if let at = head.lastIndex(of: "@"), let first = head[..<at].firstIndex(of: ":") {
                password = String(url[url.index(after: first)..<at])
                redacted = "\(url[..<first]):***\(url[at...])"
            } else {
                password = nil
            }
        } else {
            scheme = "local"
            user = nil
            password = nil
            host = nil
            port = nil
            path = url
        }
        self.redacted = redacted
        self.writtenPassword = password
        self.password = password.map { $0.removingPercentEncoding ?? $0 }
    }

    /// A `scheme://` URL without its `user[:password]@` part (what goes on the wire as the address).
    package var withoutUserInfo: String {
        guard let schemeEnd = redacted.range(of: "://") else { return redacted }
        let rest = redacted[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        guard let at = authority.lastIndex(of: "@") else { return redacted }
        return String(redacted[..<schemeEnd.upperBound]) + String(rest[rest.index(after: at)...])
    }

    /// What must never be printed: the password, as written and percent-decoded, and over any scheme
    /// but ssh a user of 16 characters or more with no password (a token such as `ghp_…`, `glpat-…`).
    /// Shorter user names (`git`, `ana`, `oauth2`) are hidden in ``redacted`` but not sought in all
    /// output, where they would mask ordinary words.
    package var secrets: [String] {
        var found = [String]()
        if let writtenPassword, !writtenPassword.isEmpty {
            found.append(writtenPassword)
        } else if scheme != "ssh", scheme != "local", let user, user.count >= 16 {
            found.append(user)
        }
        for secret in found {
            if let decoded = secret.removingPercentEncoding, decoded != secret, !decoded.isEmpty { found.append(decoded) }
        }
        return found
    }

    /// A repository on this machine: a path or a `file://` URL.
    package var isLocal: Bool { scheme == "local" || scheme == "file" }
    package var isHTTP: Bool { scheme == "https" || scheme == "http" }
}

