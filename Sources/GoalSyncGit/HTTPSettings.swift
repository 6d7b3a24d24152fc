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
        let configCAFile = path(try config.string("http.sslCAInfo")), configCAPath = path(try config.string("http.sslCAPath"))
        caFile = path(env("GIT_SSL_CAINFO")) ?? configCAFile ?? path(env("SSL_CERT_FILE"))
        caPath = path(env("GIT_SSL_CAPATH")) ?? configCAPath ?? path(env("SSL_CERT_DIR"))
        if environment["GIT_SSL_NO_VERIFY"] != nil {
            verify = false
            verifyOffBecause = "GIT_SSL_NO_VERIFY is set"
        } else if try config.bool("http.sslVerify") == false {
            verify = false
            verifyOffBecause = "git config http.sslVerify is false"
        }
        if let name = remoteName, let remoteProxy = try config.string("remote.\(name).proxy") {
            proxy = remoteProxy
        } else if let httpProxy = try config.string("http.proxy") {
            proxy = httpProxy
        } else if url.scheme == "http" {
            proxy = env("http_proxy") ?? env("all_proxy") ?? env("ALL_PROXY") ?? ""
        } else {
            proxy = env("https_proxy") ?? env("HTTPS_PROXY") ?? env("all_proxy") ?? env("ALL_PROXY") ?? ""
        }
        noProxy = env("no_proxy") ?? env("NO_PROXY")
        for header in try config.strings("http.extraHeader") {
            if header.isEmpty { extraHeaders.removeAll() } else { extraHeaders.append(header) }
        }
        connectTimeout = timeout
        lowSpeedTime = max(1, Int(timeout.rounded(.up)))
        if let limit = try config.string("http.lowSpeedLimit").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), limit > 0 {
            lowSpeedLimit = limit
        }
        if let time = try config.string("http.lowSpeedTime").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), time > 0 {
            lowSpeedTime = time
        }
        allowTokenOverHTTP = try config.bool("goalsync.allowTokenOverHTTP") ?? false
        configAskPass = try config.string("core.askPass")
    }
}
