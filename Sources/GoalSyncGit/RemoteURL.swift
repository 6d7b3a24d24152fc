/// The parts of a remote URL the transport layer needs: which protocol, the user, host and port for
/// credential helpers and messages, and a form safe to print. Understands
/// `scheme://[user[:password]@]host[:port]/path`, scp-like `[user@]host:path` (ssh), and local paths.
struct RemoteURL {
    /// "ssh", "git", "https", "http", "file", or "local" for a plain path.
    let scheme: String
    let user: String?
    let host: String?
    let port: Int?
    let path: String
    /// The URL with any password replaced by `***`, for messages and error operations.
    let redacted: String

    init(_ url: String) {
        var redacted = url
        if let schemeEnd = url.range(of: "://") {
            let scheme = url[..<schemeEnd.lowerBound].lowercased()
            let rest = url[schemeEnd.upperBound...]
            let authority = rest.prefix { $0 != "/" }
            path = String(rest.dropFirst(authority.count))
            var hostPort = Substring(authority)
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                hostPort = authority[authority.index(after: at)...]
                if let colon = userInfo.firstIndex(of: ":") {
                    user = String(userInfo[..<colon])
                    redacted = "\(scheme)://\(userInfo[..<colon]):***@\(hostPort)\(path)"
                } else {
                    user = String(userInfo)
                }
            } else {
                user = nil
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
            self.scheme = ["ssh+git", "git+ssh"].contains(scheme) ? "ssh" : scheme
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
        } else {
            scheme = "local"
            user = nil
            host = nil
            port = nil
            path = url
        }
        self.redacted = redacted
    }

    /// A repository on this machine: a path or a `file://` URL.
    var isLocal: Bool { scheme == "local" || scheme == "file" }
    var isHTTP: Bool { scheme == "https" || scheme == "http" }
}
