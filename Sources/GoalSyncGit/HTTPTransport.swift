import CCurl
import CLibgit2
import Foundation

/// A stateless (`rpc = 1`) subtransport for libgit2's smart transport that speaks git's smart HTTP
/// through libcurl, as git itself does: libgit2 speaks the protocol, libcurl (OpenSSL) carries it, so CA
/// files and folders, certificate checks (IP-address SANs included), proxies, timeouts and extra headers
/// behave as with plain git (see ``HTTPSettings``), and credentials come in git's order
/// (``HTTPCredentials``). Installed per operation through `git_remote_callbacks.transport` (see
/// ``TransportSession``), never registered globally.
///
/// The conversation: `GET {url}/info/refs?service=git-upload-pack` (or `git-receive-pack`), whose
/// `Content-Type` must be `application/x-git-…-advertisement` (redirects followed here only, as git's
/// `http.followRedirects=initial`); then for each step one `POST {url}/git-upload-pack` (or
/// `git-receive-pack`) whose body is what libgit2 wrote, sent on its first read, and whose answer is
/// streamed into libgit2's reads (`curl_multi`, pumped from `read`).
///
/// libgit2 owns the C structs (`goalsync_http_subtransport`, `goalsync_http_stream` in shim.h) and
/// frees each through its `free`; each struct holds a strong reference to its Swift state, released
/// there. An error inside a callback is handed to `record` (the ``TransportSession`` rethrows it after
/// the libgit2 call) and set as the thread's libgit2 error.
final class HTTPTransport {
    /// The remote's address without user information, as sent; changed by an initial redirect.
    fileprivate var base: String
    /// The remote's URL as messages show it (password hidden).
    let display: String
    let settings: HTTPSettings
    let credentials: HTTPCredentials
    private let record: (Error) -> Void
    /// libcurl's multi handle: owns the connection cache, so the POSTs reuse the GET's connection.
    fileprivate let multi: UnsafeMutableRawPointer

    /// libcurl is loaded on the first http(s) remote (CCurl's curl_load.c); nil when it is ready,
    /// else why it is not.
    private static let curlUnavailable: String? = goalsync_curl_load().map { String(cString: $0) }

    private init(url: RemoteURL, settings: HTTPSettings, credentials: HTTPCredentials, record: @escaping (Error) -> Void) throws {
        if let why = Self.curlUnavailable {
            throw TransportError(kind: .httpFailed, remote: url.redacted, message: "cannot reach \(url.redacted): \(why)")
        }
        guard let multi = goalsync_curl_multi_init() else {
            throw TransportError(kind: .httpFailed, remote: url.redacted, message: "libcurl could not be started for \(url.redacted)")
        }
        var base = url.withoutUserInfo
        while base.hasSuffix("/") { base.removeLast() }
        self.base = base
        self.display = url.redacted
        self.settings = settings
        self.credentials = credentials
        self.record = record
        self.multi = multi
    }

    deinit { goalsync_curl_multi_cleanup(multi) }

    /// Makes libgit2's smart transport over a new http subtransport for the remote `owner`, into `out`
    /// (`git_transport_smart`); libgit2 frees it with the remote.
    /// - Parameter record: receives the Swift error behind a failed callback.
    static func makeTransport(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_transport>?>, owner: OpaquePointer, url: RemoteURL,
        settings: HTTPSettings, credentials: HTTPCredentials, record: @escaping (Error) -> Void
    ) throws {
        let seed = try HTTPTransport(url: url, settings: settings, credentials: credentials, record: record)
        var definition = git_smart_subtransport_definition(
            callback: { out, _, param in
                guard let out, let param else { return -1 }
                let transport = Unmanaged<HTTPTransport>.fromOpaque(param).takeUnretainedValue()
                out.pointee = transport.makeSubtransport()
                return 0
            },
            rpc: 1,
            param: Unmanaged.passUnretained(seed).toOpaque())
        try withExtendedLifetime(seed) {
            try check(git_transport_smart(out, owner, &definition), "start git's smart protocol over http")
        }
    }

    // MARK: The C structs

    /// A `goalsync_http_subtransport` holding this object; freed by its `free` callback.
    private func makeSubtransport() -> UnsafeMutablePointer<git_smart_subtransport> {
        let sub = UnsafeMutablePointer<goalsync_http_subtransport>.allocate(capacity: 1)
        sub.initialize(
            to: goalsync_http_subtransport(
                parent: git_smart_subtransport(
                    action: { out, sub, _, action in
                        guard let out, let sub, let transport = HTTPTransport.of(sub) else { return -1 }
                        return transport.settingErrors {
                            out.pointee = try transport.stream(for: action, subtransport: sub)
                        }
                    },
                    close: { _ in 0 },
                    free: { sub in
                        guard let sub else { return }
                        let outer = UnsafeMutableRawPointer(sub).assumingMemoryBound(to: goalsync_http_subtransport.self)
                        if let state = outer.pointee.state { Unmanaged<HTTPTransport>.fromOpaque(state).release() }
                        outer.deinitialize(count: 1)
                        outer.deallocate()
                    }),
                state: Unmanaged.passRetained(self).toOpaque()))
        return UnsafeMutableRawPointer(sub).assumingMemoryBound(to: git_smart_subtransport.self)
    }

    private static func of(_ sub: UnsafeMutablePointer<git_smart_subtransport>) -> HTTPTransport? {
        let outer = UnsafeMutableRawPointer(sub).assumingMemoryBound(to: goalsync_http_subtransport.self)
        return outer.pointee.state.map { Unmanaged<HTTPTransport>.fromOpaque($0).takeUnretainedValue() }
    }

    private static func request(of stream: UnsafeMutablePointer<git_smart_subtransport_stream>) -> HTTPRequest? {
        let outer = UnsafeMutableRawPointer(stream).assumingMemoryBound(to: goalsync_http_stream.self)
        return outer.pointee.state.map { Unmanaged<HTTPRequest>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Runs `body`; a Swift error goes to `record`, becomes the thread's libgit2 error, and -1.
    fileprivate func settingErrors(_ body: () throws -> Void) -> Int32 {
        do {
            try body()
            return 0
        } catch {
            record(error)
            git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "\(error)")
            return -1
        }
    }

    // MARK: Actions

    private func stream(
        for action: git_smart_service_t, subtransport: UnsafeMutablePointer<git_smart_subtransport>
    ) throws -> UnsafeMutablePointer<git_smart_subtransport_stream> {
        let request: HTTPRequest
        switch action {
        case GIT_SERVICE_UPLOADPACK_LS: request = HTTPRequest(transport: self, service: .uploadPack, listing: true)
        case GIT_SERVICE_UPLOADPACK: request = HTTPRequest(transport: self, service: .uploadPack, listing: false)
        case GIT_SERVICE_RECEIVEPACK_LS: request = HTTPRequest(transport: self, service: .receivePack, listing: true)
        case GIT_SERVICE_RECEIVEPACK: request = HTTPRequest(transport: self, service: .receivePack, listing: false)
        default:
            throw TransportError(kind: .httpFailed, remote: display, message: "libgit2 asked for an unknown http action on \(display)")
        }
        let stream = UnsafeMutablePointer<goalsync_http_stream>.allocate(capacity: 1)
        stream.initialize(
            to: goalsync_http_stream(
                parent: git_smart_subtransport_stream(
                    subtransport: subtransport,
                    read: { stream, buffer, size, bytesRead in
                        guard let stream, let buffer, let bytesRead, let request = HTTPTransport.request(of: stream) else { return -1 }
                        bytesRead.pointee = 0
                        return request.transport.settingErrors {
                            bytesRead.pointee = try request.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: size))
                        }
                    },
                    write: { stream, buffer, length in
                        guard let stream, let request = HTTPTransport.request(of: stream) else { return -1 }
                        guard let buffer, length > 0 else { return 0 }
                        return request.transport.settingErrors {
                            try request.write(UnsafeRawBufferPointer(start: buffer, count: length))
                        }
                    },
                    free: { stream in
                        guard let stream else { return }
                        let outer = UnsafeMutableRawPointer(stream).assumingMemoryBound(to: goalsync_http_stream.self)
                        if let state = outer.pointee.state { Unmanaged<HTTPRequest>.fromOpaque(state).release() }
                        outer.deinitialize(count: 1)
                        outer.deallocate()
                    }),
                state: Unmanaged.passRetained(request).toOpaque()))
        return UnsafeMutableRawPointer(stream).assumingMemoryBound(to: git_smart_subtransport_stream.self)
    }
}

/// One request of the conversation and its answer; owns its curl easy handle, header list and error
/// buffer (freed in `deinit`, after the handle leaves the multi handle).
private final class HTTPRequest {
    let transport: HTTPTransport
    let service: GitService
    let listing: Bool
    /// What libgit2 wrote: the POST's body, sent on the first read.
    private var body = [UInt8]()
    private var started = false
    /// The answer's bytes not yet handed to libgit2 (from `offset`).
    fileprivate var received = [UInt8]()
    private var offset = 0
    private var easy: UnsafeMutableRawPointer?
    private var headers: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    /// libcurl's result once the transfer ended.
    private var finished: CURLcode?
    /// For upload-pack's advertisement: takes `thin-pack` out of the capabilities libgit2 reads (see
    /// ``ThinPackRefusal``: libgit2 completes thin packs in quadratic time).
    fileprivate var refusal: ThinPackRefusal?

    init(transport: HTTPTransport, service: GitService, listing: Bool) {
        self.transport = transport
        self.service = service
        self.listing = listing
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        endTransfer()
        errorBuffer.deallocate()
    }

    private var address: String {
        listing ? "\(transport.base)/info/refs?service=\(service.program)" : "\(transport.base)/\(service.program)"
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !started else {
            throw TransportError(kind: .httpFailed, remote: transport.display, message: "libgit2 wrote to \(transport.display) after reading its answer")
        }
        body.append(contentsOf: bytes)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if !started {
            started = true
            try begin()
        }
        while offset == received.count {
            received.removeAll(keepingCapacity: true)
            offset = 0
            if let finished {
                guard finished == CURLE_OK else { throw failure(finished) }
                return 0
            }
            try pump()
        }
        let count = min(buffer.count, received.count - offset)
        received.withUnsafeBytes { source in
            guard let start = source.baseAddress else { return }
            buffer.baseAddress?.copyMemory(from: start + offset, byteCount: count)
        }
        offset += count
        return count
    }

    // MARK: The transfer

    /// Sends the request (again with the next credential after a 401) until the server answers with
    /// something other than 401, then checks the status and the content type.
    private func begin() throws {
        while true {
            try startTransfer()
            while received.isEmpty, finished == nil { try pump() }
            var status = 0
            if let easy { _ = goalsync_curl_get_long(easy, CURLINFO_RESPONSE_CODE, &status) }
            if status == 0, let finished, finished != CURLE_OK { throw failure(finished) }
            guard status != 401 else {
                endTransfer()
                _ = try transport.credentials.refused(server: transport.display)
                continue
            }
            try checkAnswer(status: status)
            transport.credentials.accepted()
            return
        }
    }

    private func checkAnswer(status: Int) throws {
        let display = transport.display
        let what = listing ? "info/refs?service=\(service.program)" : service.program
        guard (200..<300).contains(status) else {
            let hint: String
            switch status {
            case 403: hint = "the server refuses this account access; check its permissions on the repository"
            case 404: hint = "there is no git repository at that address; check the URL"
            case 407: hint = "the proxy asks for credentials; put them in the proxy's URL (http.proxy)"
            default: hint = "check the URL and the server"
            }
            throw TransportError(kind: .httpFailed, remote: display, message: "\(display) answered HTTP \(status) to \(what); \(hint)")
        }
        var type: UnsafeMutablePointer<CChar>?
        if let easy { _ = goalsync_curl_get_string(easy, CURLINFO_CONTENT_TYPE, &type) }
        let contentType = type.map { String(cString: $0) } ?? ""
        let expected = "application/x-\(service.program)-\(listing ? "advertisement" : "result")"
        guard contentType.lowercased().hasPrefix(expected) else {
            throw TransportError(
                kind: .notSmartHTTP, remote: display,
                message: "\(display) is not a smart git http server: it answered \(what) with content type "
                    + "'\(contentType.isEmpty ? "none" : contentType)', not \(expected); goalsync needs a git host or "
                    + "git http-backend (dumb http is not supported); check the URL")
        }
        if listing, let easy {
            var effective: UnsafeMutablePointer<CChar>?
            _ = goalsync_curl_get_string(easy, CURLINFO_EFFECTIVE_URL, &effective)
            let suffix = "/info/refs?service=\(service.program)"
            if let effective = effective.map({ String(cString: $0) }), effective != address, effective.hasSuffix(suffix) {
                transport.base = String(effective.dropLast(suffix.count))
            }
        }
    }

    /// A new easy handle for this request with every setting, added to the transport's multi handle.
    private func startTransfer() throws {
        endTransfer()
        received.removeAll(keepingCapacity: true)
        offset = 0
        finished = nil
        refusal = listing && service == .uploadPack ? ThinPackRefusal() : nil
        guard let easy = goalsync_curl_easy_init() else {
            throw TransportError(kind: .httpFailed, remote: transport.display, message: "libcurl could not make a request for \(transport.display)")
        }
        self.easy = easy
        let settings = transport.settings
        var codes = [CURLcode]()
        func set(_ option: CURLoption, _ value: Int) { codes.append(goalsync_curl_set_long(easy, option, value)) }
        func set(_ option: CURLoption, _ value: String) { codes.append(goalsync_curl_set_string(easy, option, value)) }
        set(CURLOPT_URL, address)
        set(CURLOPT_NOSIGNAL, 1)
        codes.append(goalsync_curl_set_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        set(CURLOPT_PROTOCOLS_STR, "http,https")
        set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        set(CURLOPT_FOLLOWLOCATION, listing ? 1 : 0)
        set(CURLOPT_MAXREDIRS, 20)
        set(CURLOPT_USERAGENT, "git/2.0 (goalsync)")
        set(CURLOPT_ACCEPT_ENCODING, "")
        set(CURLOPT_BUFFERSIZE, 256 * 1024)
        set(CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeout * 1000))
        set(CURLOPT_LOW_SPEED_LIMIT, settings.lowSpeedLimit)
        set(CURLOPT_LOW_SPEED_TIME, settings.lowSpeedTime)
        set(CURLOPT_PROXY, settings.proxy)
        if let noProxy = settings.noProxy { set(CURLOPT_NOPROXY, noProxy) }
        if let caFile = settings.caFile { set(CURLOPT_CAINFO, caFile) }
        if let caPath = settings.caPath { set(CURLOPT_CAPATH, caPath) }
        set(CURLOPT_SSL_VERIFYPEER, settings.verify ? 1 : 0)
        set(CURLOPT_SSL_VERIFYHOST, settings.verify ? 2 : 0)
        if let credential = transport.credentials.current {
            set(CURLOPT_USERNAME, credential.username)
            set(CURLOPT_PASSWORD, credential.password)
        }
        var lines = settings.extraHeaders + ["Pragma: no-cache", "Expect:"]
        if !listing {
            lines += ["Content-Type: application/x-\(service.program)-request", "Accept: application/x-\(service.program)-result"]
        }
        for line in lines { headers = goalsync_curl_slist_append(headers, line) }
        codes.append(goalsync_curl_set_slist(easy, CURLOPT_HTTPHEADER, headers))
        if !listing {
            codes.append(goalsync_curl_set_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            codes.append(body.withUnsafeMutableBytes { goalsync_curl_set_pointer(easy, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) })
        }
        codes.append(goalsync_curl_set_data_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, user in
            guard let user else { return 0 }
            let request = Unmanaged<HTTPRequest>.fromOpaque(user).takeUnretainedValue()
            let length = size * count
            guard let data, length > 0 else { return length }
            let bytes = UnsafeRawBufferPointer(start: data, count: length)
            if request.refusal != nil {
                request.received += request.refusal?.pass(bytes) ?? []
            } else {
                request.received.append(contentsOf: bytes)
            }
            return length
        })
        codes.append(goalsync_curl_set_pointer(easy, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque()))
        if let bad = codes.first(where: { $0 != CURLE_OK }) {
            throw TransportError(
                kind: .httpFailed, remote: transport.display,
                message: "libcurl refused a setting for \(transport.display): \(String(cString: goalsync_curl_easy_strerror(bad)))")
        }
        guard goalsync_curl_multi_add_handle(transport.multi, easy) == CURLM_OK else {
            throw TransportError(kind: .httpFailed, remote: transport.display, message: "libcurl could not start a request to \(transport.display)")
        }
    }

    /// Moves the transfer on: whatever libcurl can do now, else waits up to a second for the socket.
    private func pump() throws {
        guard let easy else { return }
        var running: Int32 = 0
        let before = received.count
        let code = goalsync_curl_multi_perform(transport.multi, &running)
        guard code == CURLM_OK else {
            throw TransportError(kind: .httpFailed, remote: transport.display, message: "libcurl failed talking to \(transport.display): \(String(cString: goalsync_curl_multi_strerror(code)))")
        }
        var left: Int32 = 0
        while let message = goalsync_curl_multi_info_read(transport.multi, &left) {
            if message.pointee.msg == CURLMSG_DONE, message.pointee.easy_handle == easy {
                finished = message.pointee.data.result
                if refusal != nil { received += refusal?.end() ?? [] }
            }
        }
        if finished == nil, received.count == before {
            _ = goalsync_curl_multi_poll(transport.multi, nil, 0, 1000, nil)
        }
    }

    private func endTransfer() {
        if let easy {
            goalsync_curl_multi_remove_handle(transport.multi, easy)
            goalsync_curl_easy_cleanup(easy)
            self.easy = nil
        }
        if let headers {
            goalsync_curl_slist_free_all(headers)
            self.headers = nil
        }
    }

    /// A one-line error for libcurl's result `code`, naming the remote and what to do.
    private func failure(_ code: CURLcode) -> TransportError {
        let display = transport.display
        let settings = transport.settings
        let detail = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
        let reason = detail.isEmpty ? String(cString: goalsync_curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            let seconds = settings.lowSpeedTime
            return TransportError(
                kind: .timedOut, remote: display,
                message: "\(display) did not answer or stopped sending for \(seconds) seconds (\(reason)); check that the "
                    + "server is up and reachable, or allow it longer with git config goalsync.timeout SECONDS")
        case CURLE_PEER_FAILED_VERIFICATION where reason.contains("subject name") || reason.contains("does not match"):
            return TransportError(
                kind: .certificateRejected, remote: display,
                message: "the TLS certificate of \(display) does not name that host (\(reason)); use a host name or IP "
                    + "address the certificate lists in the URL")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            return TransportError(
                kind: .certificateRejected, remote: display,
                message: "the TLS certificate of \(display) is not trusted (\(reason)); if the server's certificate comes "
                    + "from your organisation's own CA, trust that CA with git config http.sslCAInfo /path/to/ca.pem "
                    + "(or GIT_SSL_CAINFO=/path/to/ca.pem)")
        default:
            return TransportError(kind: .httpFailed, remote: display, message: "\(display) could not be reached (\(reason)); check the URL, the network and any proxy (http.proxy, https_proxy)")
        }
    }
}
