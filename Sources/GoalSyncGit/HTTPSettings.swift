import Foundation

/// How goalsync speaks http(s) to one remote, read from git config and the environment as git's own
/// `http.c` reads them, so a repository set up for plain git works unchanged:
///
/// - CA: `GIT_SSL_CAINFO` over `http.sslCAInfo` over `SSL_CERT_FILE`; `GIT_SSL_CAPATH` over
///   `http.sslCAPath` over `SSL_CERT_DIR`; else libcurl's default bundle.
/// - Verification: off with `http.sslVerify false` or `GIT_SSL_NO_VERIFY` (any value), with a warning.
/// - Proxy: `remote.<name>.proxy` over `http.proxy` (an empty value means none), else the environment as
///   libcurl reads it (`http_proxy` for http; `https_proxy`/`HTTPS_PROXY` for https; then
///   `all_proxy`/`ALL_PROXY`), with `no_proxy`/`NO_PROXY`.
/// - Headers: `http.extraHeader`, every value in order, an empty value clearing the ones before it.
/// - Every `http.<key>` may also be given for some URLs only, as `http.<url>.<key>` (git's `urlmatch`,
///   see ``URLMatchedConfig``).
/// - Stalls: `goalsync.timeout` bounds the connection and TLS handshake and, unless
///   `http.lowSpeedLimit`/`http.lowSpeedTime` are set, ends a transfer that moves nothing for that long.
struct HTTPSettings {
    var caFile: String?
    var caPath: String?
    var verify = true
    /// Why verification is off, for the warning ("http.sslVerify false", "GIT_SSL_NO_VERIFY").
    var verifyOffBecause: String?
    /// The proxy to use; "" for none (libcurl then reads no environment).
    var proxy = ""
    var noProxy: String?
    var extraHeaders = [String]()
    /// Seconds for the connection and handshake.
    var connectTimeout: Double = 60
    /// A transfer slower than `lowSpeedLimit` bytes a second for `lowSpeedTime` seconds ends.
    var lowSpeedLimit = 1
    var lowSpeedTime = 60
    /// Whether `GOALSYNC_TOKEN` may go over plain http (`goalsync.allowTokenOverHTTP`).
    var allowTokenOverHTTP = false
    /// `core.askPass` (the environment's `GIT_ASKPASS` and `SSH_ASKPASS` are read by the credentials).
    var configAskPass: String?

    /// The settings for `url` (remote `remoteName`, if named) from `config` and `environment`.
    /// - Parameter timeout: `goalsync.timeout`, already checked.
    init(url: RemoteURL, remoteName: String?, config: Config, environment: [String: String], timeout: Double) throws {
        func env(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        func path(_ value: String?) -> String? {
            guard let value, !value.isEmpty else { return nil }
            if value.hasPrefix("~/"), let home = environment["HOME"] { return home + value.dropFirst(1) }
            return value
        }
        let http = try URLMatchedConfig(config: config, url: url)
        let configCAFile = path(http.string("sslCAInfo")), configCAPath = path(http.string("sslCAPath"))
        caFile = path(env("GIT_SSL_CAINFO")) ?? configCAFile ?? path(env("SSL_CERT_FILE"))
        caPath = path(env("GIT_SSL_CAPATH")) ?? configCAPath ?? path(env("SSL_CERT_DIR"))
        if environment["GIT_SSL_NO_VERIFY"] != nil {
            verify = false
            verifyOffBecause = "GIT_SSL_NO_VERIFY is set"
        } else if http.bool("sslVerify") == false {
            verify = false
            verifyOffBecause = "git config http.sslVerify is false"
        }
        if let name = remoteName, let remoteProxy = try config.string("remote.\(name).proxy") {
            proxy = remoteProxy
        } else if let httpProxy = http.string("proxy") {
            proxy = httpProxy
        } else if url.scheme == "http" {
            proxy = env("http_proxy") ?? env("all_proxy") ?? env("ALL_PROXY") ?? ""
        } else {
            proxy = env("https_proxy") ?? env("HTTPS_PROXY") ?? env("all_proxy") ?? env("ALL_PROXY") ?? ""
        }
        noProxy = env("no_proxy") ?? env("NO_PROXY")
        for header in http.strings("extraHeader") {
            if header.isEmpty { extraHeaders.removeAll() } else { extraHeaders.append(header) }
        }
        connectTimeout = timeout
        lowSpeedTime = max(1, Int(timeout.rounded(.up)))
        if let limit = http.string("lowSpeedLimit").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), limit > 0 {
            lowSpeedLimit = limit
        }
        if let time = http.string("lowSpeedTime").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), time > 0 {
            lowSpeedTime = time
        }
        allowTokenOverHTTP = try config.bool("goalsync.allowTokenOverHTTP") ?? false
        configAskPass = try config.string("core.askPass")
    }
}

/// git's `http.<url>.<key>` settings (`urlmatch.c`): an entry applies when its URL has the remote's
/// scheme, host (`*.` matching one label), port (default ports filled in), a path that is a prefix of the
/// remote's at a `/`, and, if it names a user, the remote's user. The most specific wins: the longest
/// path, then one that names a user, then the one read last; plain `http.<key>` is the least specific.
struct URLMatchedConfig {
    let url: RemoteURL
    /// Every `http.*` entry, in the order git reads them.
    let entries: [(name: String, value: String)]

    init(config: Config, url: RemoteURL) throws {
        self.url = url
        entries = try config.entries(matching: "^http\\.")
    }

    /// The value of the most specific entry for `key`, or nil.
    func string(_ key: String) -> String? {
        var best: (score: [Int], value: String)?
        for entry in matching(key) {
            if let current = best, entry.score.lexicographicallyPrecedes(current.score) { continue }
            best = entry
        }
        return best?.value
    }

    /// git's boolean for `key` (true, yes, on, 1 or an empty value; false, no, off, 0), or nil.
    func bool(_ key: String) -> Bool? {
        guard let text = string(key)?.lowercased() else { return nil }
        if ["false", "no", "off", "0"].contains(text) { return false }
        return true
    }

    /// Every value for a multi-valued `key` from the entries that apply, in the order git reads them.
    func strings(_ key: String) -> [String] { matching(key).map(\.value) }

    private func matching(_ key: String) -> [(score: [Int], value: String)] {
        let suffix = "." + key.lowercased()
        return entries.compactMap { entry in
            let name = entry.name
            guard name.lowercased().hasPrefix("http."), name.lowercased().hasSuffix(suffix) else { return nil }
            let middle = String(name.dropFirst(5).dropLast(suffix.count))
            if name.count == 4 + suffix.count { return ([-1, 0], entry.value) }
            guard let score = score(of: middle) else { return nil }
            return (score, entry.value)
        }
    }

    /// How specifically `pattern` (an URL from a config key) names the remote: [path length, names a
    /// user]; nil when it does not apply.
    private func score(of pattern: String) -> [Int]? {
        let other = RemoteURL(pattern)
        guard other.scheme == url.scheme, let host = other.host?.lowercased(), let target = url.host?.lowercased() else { return nil }
        if host.hasPrefix("*.") {
            guard let dot = target.firstIndex(of: "."), target[target.index(after: dot)...] == host.dropFirst(2) else { return nil }
        } else if host != target {
            return nil
        }
        let defaultPort = url.scheme == "https" ? 443 : 80
        guard (other.port ?? defaultPort) == (url.port ?? defaultPort) else { return nil }
        var path = other.path
        while path.hasSuffix("/") { path.removeLast() }
        guard path.isEmpty || url.path == path || url.path.hasPrefix(path + "/") else { return nil }
        if let user = other.user, user != url.user { return nil }
        return [path.count, other.user == nil ? 0 : 1]
    }
}
