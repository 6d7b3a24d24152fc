import Foundation
import GoalSyncCore
import Hummingbird
import Logging

/// `goalsync serve`: the goal repository as a local web app. Reads come from a ``GoalIndex`` kept
/// in memory; every write goes through Core's ``GoalEditor`` (the commands' messages, trailers,
/// identity and validation; the team's hooks are not run: the server never runs a program the
/// repository's content could name) and sync through ``Syncer``.
package struct GoalServer: Sendable {
    package let root: String
    package let environment: [String: String]
    let index: GoalIndex
    let access: Access
    let sync = SyncJob()

    /// Opens the repository at `path` (git's discovery, like `goalsync -C`) and reads its goals.
    /// Until ``allowHosts(_:)`` is called, any Host is answered (the token still guards it).
    package init(path: String, environment: [String: String]) throws {
        let repo = try GoalRepository.open(at: path, environment: environment)
        guard FileSystem.isDirectory(repo.root + "/" + GoalPaths.goalsDirectory) || FileSystem.exists(repo.root + "/.goalsync/config.yaml") else {
            throw GoalSyncError.notAGoalRepository(repo.root)
        }
        root = repo.root
        self.environment = environment
        index = GoalIndex(root: repo.root, gitDir: repo.git.gitDir)
        access = Access(hosts: [])
    }

    package var token: String { access.token }
    package var csrfToken: String { access.csrf }
    package var cookieName: String { access.cookieName }

    /// The Host values requests may carry from now on (``hosts(bind:port:)``); empty: any.
    package func allowHosts(_ hosts: Set<String>) { access.allow(hosts) }

    /// The Host values of a server bound to `host`:`port`: the names of loopback for a loopback
    /// address; none to check for an address of every interface (the token alone guards it).
    package static func hosts(bind host: String, port: Int) -> Set<String> { Access.hosts(bind: host, port: port) }

    /// The routes, behind ``AccessMiddleware``.
    package func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.middlewares.add(AccessMiddleware(access: access))
        router.get("/assets/app.css") { _, _ in Self.asset(Assets.css, "text/css; charset=utf-8") }
        router.get("/assets/app.js") { _, _ in Self.asset(Assets.js, "text/javascript; charset=utf-8") }
        router.get("/api/state") { request, _ in try await self.state(request) }
        router.get("/") { _, _ in try await self.overview() }
        router.get("/goals") { request, _ in try await self.list(request) }
        router.get("/new") { _, _ in try await self.newGoalPage() }
        router.post("/goals") { request, context in try await self.create(request, context) }
        router.get("/goals/:id") { request, context in try await self.goal(request, context) }
        for action in ["edit", "status", "activate", "add", "remove", "metrics", "metric-edit", "sprint-goals", "sprint-status", "checkin", "amend", "rm"] {
            router.post("/goals/:id/\(action)") { request, context in try await self.write(action, request, context) }
        }
        router.get("/sync") { _, _ in try await self.syncPage() }
        router.post("/sync") { request, context in try await self.startSync(request, context) }
        for action in ["resolve", "resolve-active", "continue", "abort"] {
            router.post("/sync/\(action)") { request, context in try await self.settle(action, request, context) }
        }
        return router
    }

    /// Serves until the process is stopped; `onReady` gets the address with the token once bound.
    package func run(host: String, port: Int, onReady: @escaping @Sendable (_ url: String, _ port: Int) -> Void) async throws {
        var logger = Logger(label: "goalsync-serve")
        logger.logLevel = .warning
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { [access] channel in
                let bound = channel.localAddress?.port ?? port
                let shown = host.contains(":") ? "[\(host)]" : host
                onReady("http://\(shown):\(bound)/?token=\(access.token)", bound)
            },
            logger: logger)
        let index = self.index
        // A file edited in place leaves the folder's stat alone: look at every file now and then.
        let watcher = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(2))
                index.rescan()
            }
        }
        defer { watcher.cancel() }
        try await app.runService()
    }

    // MARK: Helpers

    static func asset(_ text: String, _ type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "private, max-age=300"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func context(_ snap: GoalIndex.Snapshot) -> PageContext {
        PageContext(csrf: access.csrf, generation: snap.generation,
                    product: snap.vision?.frontMatter["product"]?.scalarText ?? snap.config.product)
    }

    var today: SimpleDate { environment["GOALSYNC_TODAY"].flatMap(SimpleDate.init) ?? GoalRepository.localToday() }

    func openRepository() throws -> GoalRepository { try GoalRepository.open(at: root, environment: environment) }

    /// The id in the path, checked before it names a file.
    static func goalID(_ context: BasicRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), GoalID.isValid(id) else {
            throw PageError(.notFound, "no such goal: a goal id is 1–64 lower-case letters, digits and hyphens")
        }
        return id
    }

    /// The submitted form, after its CSRF token is checked. Bodies over 256 KiB are refused.
    func form(_ request: Request, _ context: BasicRequestContext) async throws -> Form {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("application/x-www-form-urlencoded") else {
            throw PageError(.unsupportedMediaType, "send the form as application/x-www-form-urlencoded, as the page does")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: 256 * 1024)
        } catch {
            throw PageError(.contentTooLarge, "the form is larger than 256 KiB; shorten the text")
        }
        let form = Form(String(buffer: body))
        guard let csrf = form["csrf"], Access.same(csrf, access.csrf) else {
            throw PageError(.forbidden, "this form does not carry this server's form token (it may come from an earlier run or another site); reload the page and send it again")
        }
        return form
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    // MARK: Reading

    /// The generation of the goals and the sync's progress, for the pages' script; `If-None-Match`
    /// with the last ETag gets 304 while nothing changed.
    func state(_ request: Request) async throws -> Response {
        let snap = try await Blocking.read { index.current() }
        let job = sync.current
        let etag = "\"\(snap.generation)-\(job.running)-\(job.message.hashValue)\""
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: [.eTag: etag]) }
        struct Body: Encodable { var generation: Int; var sync: SyncJob.State }
        let data = try JSONEncoder().encode(Body(generation: snap.generation, sync: job))
        return Response(status: .ok, headers: [.contentType: "application/json", .eTag: etag],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func overview() async throws -> Response {
        let today = self.today
        let html = try await Blocking.read { () -> String in
            let snap = index.current()
            return Pages.overview(snap, today: today, context(snap))
        }
        return Pages.response(html)
    }

    func list(_ request: Request) async throws -> Response {
        let q = request.uri.queryParameters["q"].map(String.init) ?? ""
        let status = request.uri.queryParameters["status"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        if let status, GoalStatus(rawValue: status) == nil {
            throw PageError(.badRequest, "status is one of \(GoalStatus.allCases.map(\.rawValue).joined(separator: ", ")), not '\(status)'")
        }
        let html = try await Blocking.read { () -> String in
            let snap = index.current()
            return Pages.goalList(snap, query: q, status: status, context(snap))
        }
        return Pages.response(html)
    }

    func newGoalPage() async throws -> Response {
        let html = try await Blocking.read { () -> String in
            let snap = index.current()
            return Pages.newGoal(nil, context(snap))
        }
        return Pages.response(html)
    }

    func goal(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try Self.goalID(context)
        let saved = request.uri.queryParameters["saved"].map(String.init)
        let html = try await Blocking.read { () -> String in
            let repo = try openRepository()
            do {
                let notice = saved.map { $0 == "none" ? "Nothing changed: the goal already said that." : "Saved: commit \($0.prefix(12))." }
                return try goalPage(repo, id: id, notice: notice, errors: nil, conflict: nil)
            } catch GoalSyncError.unknownGoal(let id, _) {
                throw PageError(.notFound, "there is no goal \(id) in this repository; see the list of goals")
            }
        }
        return Pages.response(html)
    }

    /// The goal page, from the working file (and its version) and the history.
    func goalPage(_ repo: GoalRepository, id: String, notice: String?, errors: FormErrors?, conflict: StaleEditConflict?) throws -> String {
        let (version, goal) = try GoalEditor(repo).goalVersion(id)
        let log = try Auditor(repo).log(id: id)
        let snap = index.current()
        let findings = repo.validator.validate(goal, path: GoalPaths.path(forID: id))
        let others = snap.entries.prefix { $0.status == "active" }.filter { $0.id != id }.map(\.id)
        let model = GoalPageModel(goal: goal, id: id, version: version, history: log.entries, historyShallow: log.isShallow,
                                  findings: findings, otherActive: others, today: repo.today, cadenceDays: repo.config.cadenceDays)
        return Pages.goalPage(model, notice: notice, errors: errors, conflict: conflict, context(snap))
    }
}

/// Runs the blocking work of a request (files, libgit2) off Swift's cooperative threads: reads in
/// parallel, writes one at a time, in the order they came.
enum Blocking {
    private static let reads = DispatchQueue(label: "goalsync.serve.read", attributes: .concurrent)
    private static let writes = DispatchQueue(label: "goalsync.serve.write")

    static func read<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await run(on: reads, work)
    }

    static func write<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await run(on: writes, work)
    }

    /// Queues `work` behind the writes already queued, without waiting for it.
    static func enqueueWrite(_ work: @escaping @Sendable () -> Void) {
        writes.async(execute: work)
    }

    private static func run<T: Sendable>(on queue: DispatchQueue, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}

/// A request the server refuses: its status and a sentence saying what to do, as a small page.
struct PageError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Pages.errorResponse(status, message)
    }
}
