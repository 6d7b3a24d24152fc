import Foundation
import GoalSyncCore
import GoalSyncServer
import GoalSyncTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// A goal repository (made by the built `goalsync init`) and a ``GoalServer`` over it, in process.
final class ServedRepo {
    let repo: TestRepo
    let server: GoalServer

    init(sourceLocation: SourceLocation = #_sourceLocation) throws {
        repo = try TestRepo(sourceLocation: sourceLocation)
        server = try GoalServer(path: repo.root, environment: repo.environment)
    }

    /// Runs `body` against the server's routes through HummingbirdTesting's in-process client,
    /// with a ``Shell`` for git and the built goalsync in the same repository.
    func test(_ body: @escaping @Sendable (Client, Shell) async throws -> Void) async throws {
        let app = Application(router: server.router())
        let server = self.server
        let shell = Shell(root: repo.root, environment: repo.environment, binary: repo.binary)
        try await app.test(.router) { client in try await body(Client(client: client, server: server), shell) }
        withExtendedLifetime(repo) {}
    }

    /// git and goalsync in the served repository (the `TestRepo` stays with the test).
    struct Shell: Sendable {
        let root: String
        let environment: [String: String]
        let binary: String

        @discardableResult
        func git(_ args: String...) throws -> ProcessResult {
            try ProcessRunner.run(TestRepo.gitPath, args, in: root, environment: environment)
        }

        @discardableResult
        func goalsync(_ args: String...) throws -> ProcessResult {
            try ProcessRunner.run(binary, args, in: root, environment: environment)
        }

        var head: String { (try? git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "" }
        var subject: String { (try? git("log", "-1", "--format=%s").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "" }
        var message: String { (try? git("log", "-1", "--format=%B").stdout) ?? "" }
        func file(_ id: String) -> String { (try? String(contentsOfFile: root + "/goals/\(id).md", encoding: .utf8)) ?? "" }
    }

    /// Requests as the browser that opened the token address makes them.
    struct Client: Sendable {
        let client: any TestClientProtocol
        let server: GoalServer
        var cookie: String { "\(server.cookieName)=\(server.token)" }

        func get(_ uri: String, cookie: Bool = true, headers extra: HTTPFields = [:]) async throws -> Page {
            var headers = extra
            if cookie { headers[.cookie] = self.cookie }
            let r = try await client.execute(uri: uri, method: .get, headers: headers)
            return Page(status: r.status, headers: r.headers, body: String(buffer: r.body))
        }

        /// A form post with the page's CSRF token unless `csrf` says otherwise.
        func post(_ uri: String, _ fields: [(String, String)], csrf: String? = nil, cookie: Bool = true,
                  contentType: String = "application/x-www-form-urlencoded", headers extra: HTTPFields = [:]) async throws -> Page {
            var headers = extra
            if cookie { headers[.cookie] = self.cookie }
            headers[.contentType] = contentType
            let all = [("csrf", csrf ?? server.csrfToken)] + fields
            let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
            let r = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
            return Page(status: r.status, headers: r.headers, body: String(buffer: r.body))
        }

        static func encode(_ s: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return (s.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: "%20", with: "+")
        }

        /// The version (blob id) the goal page's forms carry.
        func version(of id: String) async throws -> String {
            let page = try await get("/goals/\(id)")
            let marker = "name=\"version\" value=\""
            guard let r = page.body.range(of: marker) else { throw ServerTestError("no version on the page of \(id)") }
            return String(page.body[r.upperBound...].prefix(40))
        }
    }

    struct Page: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        var location: String? { headers[.location] }
    }
}

struct ServerTestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
