import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Who may use the server: whoever holds this run's token (in the URL `goalsync serve` prints, then
/// in a cookie), through a Host header that names this server (no DNS rebinding), and for a write,
/// with this run's form token (no request forged by another site).
struct Access: Sendable {
    /// The secret in the URL; new on every run.
    let token: String
    /// The hidden value every form carries; a write without it is refused.
    let csrf: String
    /// The cookie's name, new on every run: two servers on one machine keep their own cookie.
    let cookieName: String
    /// `host:port` values a request's Host may have; empty: any. Set once the port is bound.
    private let allowed: AllowedHosts

    init(token: String = Access.randomToken(), csrf: String = Access.randomToken(), hosts: Set<String>) {
        self.token = token
        self.csrf = csrf
        self.cookieName = "goalsync_" + Access.randomToken().prefix(8)
        self.allowed = AllowedHosts(hosts)
    }

    var hosts: Set<String> { allowed.value.withLock { $0 } }

    func allow(_ hosts: Set<String>) { allowed.value.withLock { $0 = hosts } }

    private final class AllowedHosts: Sendable {
        let value: Mutex<Set<String>>
        init(_ hosts: Set<String>) { value = Mutex(hosts) }
    }

    /// 32 random bytes as hex, from the system's generator.
    static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    /// The Host values of a server bound to `host`:`port`.
    static func hosts(bind host: String, port: Int) -> Set<String> {
        var names: Set<String> = [host]
        if host == "127.0.0.1" || host == "localhost" || host == "::1" { names.formUnion(["127.0.0.1", "localhost", "[::1]"]) }
        if host == "0.0.0.0" || host == "::" { return [] }  // any address of this machine: the token alone guards it
        return Set(names.map { "\($0):\(port)" })
    }

    /// Compares without stopping at the first difference (no timing hint at the secret).
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

/// Refuses every request that does not hold the token; trades `?token=` for a cookie.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: Access

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let hosts = access.hosts
        if !hosts.isEmpty, let host = request.head.authority, !hosts.contains(host.lowercased()) {
            return Pages.errorResponse(.forbidden, "this server answers only to the address goalsync serve printed, not to Host \(host)")
        }
        if let given = request.uri.queryParameters["token"] {
            guard Access.same(String(given), access.token) else {
                return Pages.errorResponse(.forbidden, "the token in this address is not this server's; open the address goalsync serve printed when it started")
            }
            // The token leaves the address bar: the cookie carries it from now on.
            let target = request.uri.path.hasPrefix("/") && !request.uri.path.hasPrefix("//") ? request.uri.path : "/"
            var headers = HTTPFields()
            headers[.location] = target
            headers[.setCookie] = "\(access.cookieName)=\(access.token); Path=/; HttpOnly; SameSite=Strict"
            headers[.cacheControl] = "no-store"
            return Response(status: .seeOther, headers: headers)
        }
        let cookie = request.cookies[access.cookieName]?.value
        var bearer: String?
        if let auth = request.headers[.authorization], auth.hasPrefix("Bearer ") { bearer = String(auth.dropFirst(7)) }
        guard let presented = cookie ?? bearer else {
            return Pages.errorResponse(.unauthorized, "open the address goalsync serve printed when it started (it carries this run's token)")
        }
        guard Access.same(presented, access.token) else {
            return Pages.errorResponse(.forbidden, "this browser holds the token of an earlier run; open the address goalsync serve printed when it started")
        }
        if request.method == .post, let origin = request.headers[.origin], !hosts.isEmpty {
            let host = origin.replacingOccurrences(of: "http://", with: "").replacingOccurrences(of: "https://", with: "")
            guard hosts.contains(host.lowercased()) else {
                return Pages.errorResponse(.forbidden, "a write from another site (\(origin)) is refused")
            }
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            // A failure the route did not expect: its sentence, never a stack trace.
            response = Pages.errorResponse(.internalServerError, (error as? LocalizedError)?.errorDescription ?? "\(error)")
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        if let referrerPolicy = HTTPField.Name("Referrer-Policy") { response.headers[referrerPolicy] = "same-origin" }  // no-referrer would make the browser send Origin: null with a form
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
