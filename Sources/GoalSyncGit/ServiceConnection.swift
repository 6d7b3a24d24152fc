#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One conversation with a service of git's smart protocol: a running program (`git-upload-pack`,
/// `git-receive-pack`, or ssh running one of them on a server) talked to through one end of a socket
/// pair that is the child's standard input and output, its standard error a pipe collected on the side
/// (the last few KiB, for messages); or a TCP connection to `git daemon` (`git://`).
///
/// A socket rather than two pipes: a write to a child that went away fails with `EPIPE` (`MSG_NOSIGNAL`)
/// instead of raising SIGPIPE in goalsync, and the child's end of the input is closed by `shutdown`.
/// Every wait (connecting, too) is a `poll` on the socket and the error pipe that ends when nothing at
/// all happened for `timeout` seconds (a stalled service or server), so a read or a write never blocks
/// for longer; the error pipe is read while waiting, so a child writing much to it never stalls on a
/// full pipe.
///
/// ``finish()`` (also run by `deinit`) ends the conversation as git does: it closes the input, waits for
/// the other end to close (a `git-receive-pack` runs the remote's post-receive hooks after its report),
/// and reaps the child; a child that does not end in time is killed (with its process group when it
/// leads one).
final class ServiceConnection {
    /// What runs, for messages: `git-receive-pack '/srv/team.git'`.
    let label: String
    /// The child, nil for a TCP connection.
    private let pid: pid_t?
    private let ownProcessGroup: Bool
    private let timeout: Double
    private var socket: Int32
    private var errorPipe: Int32 = -1
    private var errorText = [UInt8]()
    private var exitStatus: Int32?
    private var inputClosed = false

    /// Why talking to the service failed; ``description`` says what, for which service, and what to do.
    enum Failure: Error, CustomStringConvertible {
        case cannotStart(label: String, reason: String)
        case cannotConnect(label: String, reason: String)
        case stalled(label: String, seconds: Double)
        case ended(label: String, status: Int32, errors: String)
        case broken(label: String, reason: String)

        var description: String {
            switch self {
            case .cannotStart(let label, let reason):
                return "cannot start \(label): \(reason)"
            case .cannotConnect(let label, let reason):
                return "cannot connect for \(label): \(reason)"
            case .stalled(let label, let seconds):
                let shown = seconds == seconds.rounded() ? "\(Int(seconds))" : "\(seconds)"
                return "\(label) made no progress for \(shown) s and was stopped; if the remote is just slow (a busy "
                    + "server, a slow network, disk or network share), raise the limit with git config goalsync.timeout SECONDS"
            case .ended(let label, let status, let errors):
                let said = errors.isEmpty ? "" : ": \(errors)"
                if status == 0 { return "\(label) ended before answering\(said)" }
                return "\(label) failed (exit status \(status))\(said)"
            case .broken(let label, let reason):
                return "the connection for \(label) broke: \(reason)"
            }
        }
    }

    /// Starts `arguments` (`arguments[0]` an absolute path) with exactly `environment`. With
    /// `ownProcessGroup` the child leads a process group, so a stalled child is stopped together with
    /// what it started (a hook, or the ssh a shell command started); leave it off for a program that may
    /// need the terminal (ssh asking for a passphrase).
    init(arguments: [String], environment: [String: String], label: String, timeout: Double, ownProcessGroup: Bool) throws(Failure) {
        self.label = label
        self.timeout = timeout
        self.ownProcessGroup = ownProcessGroup
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Self.streamType, 0, &pair) == 0 else {
            throw .cannotStart(label: label, reason: "socketpair: \(String(cString: strerror(errno)))")
        }
        for fd in pair { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        guard let errors = Subprocess.makePipe() else {
            Subprocess.closeAll(pair[0], pair[1])
            throw .cannotStart(label: label, reason: "pipe: \(String(cString: strerror(errno)))")
        }
        let spawned = Subprocess.spawn(
            arguments[0], arguments, environment: environment, stdin: pair[1], stdout: pair[1], stderr: errors.write,
            newProcessGroup: ownProcessGroup)
        Subprocess.closeAll(pair[1], errors.write)
        switch spawned {
        case .success(let pid):
            self.pid = pid
        case .failure(let error):
            Subprocess.closeAll(pair[0], errors.read)
            throw .cannotStart(label: label, reason: error.description)
        }
        socket = pair[0]
        errorPipe = errors.read
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        _ = fcntl(errorPipe, F_SETFL, fcntl(errorPipe, F_GETFL) | O_NONBLOCK)
    }

    /// Connects to `host`:`port` over TCP (each address the name resolves to, in turn, each waited on
    /// for at most `timeout` seconds), then sends `request` (git daemon's request line).
    init(host: String, port: String, request: [UInt8], label: String, timeout: Double) throws(Failure) {
        self.label = label
        self.timeout = timeout
        ownProcessGroup = false
        pid = nil
        socket = -1
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Self.streamType
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, port, &hints, &list)
        guard rc == 0, let list else {
            throw .cannotConnect(label: label, reason: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        var reasons = [String]()
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let address = entry {
            entry = address.pointee.ai_next
            let fd = Self.makeSocket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 || errno == EINPROGRESS {
                socket = fd
                try wait(for: Int16(POLLOUT))  // no answer in time: a stalled server, reported as such
                var problem: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                if getsockopt(fd, SOL_SOCKET, SO_ERROR, &problem, &length) == 0, problem == 0 { break }
                reasons.append(String(cString: strerror(problem)))
            } else {
                reasons.append(String(cString: strerror(errno)))
            }
            close(fd)
            socket = -1
        }
        guard socket >= 0 else {
            throw .cannotConnect(label: label, reason: "cannot connect to \(host) port \(port): \(reasons.last ?? "no address")")
        }
        var on: Int32 = 1
        _ = setsockopt(socket, SOL_SOCKET, SO_KEEPALIVE, &on, socklen_t(MemoryLayout<Int32>.size))
        var request = request
        let count = request.count
        try request.withUnsafeMutableBufferPointer { buffer throws(Failure) in
            try writeInput(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count))
        }
    }

    #if canImport(Glibc)
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    private static func makeSocket(_ family: Int32, _ type: Int32, _ proto: Int32) -> Int32 { Glibc.socket(family, type, proto) }
    #else
    private static let streamType = SOCK_STREAM
    private static func makeSocket(_ family: Int32, _ type: Int32, _ proto: Int32) -> Int32 { Darwin.socket(family, type, proto) }
    #endif

    deinit { finish() }

    // MARK: Talking

    /// Reads what the service sent, up to `buffer.count` bytes, waiting for something to arrive; 0 at the
    /// end of its output, when it ended well. A service that ended with a failure throws ``Failure/ended``
    /// with what it wrote to its standard error.
    func readOutput(into buffer: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
        guard socket >= 0, buffer.count > 0 else { return 0 }
        while true {
            let count = recv(socket, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 { return count }
            if count < 0, pid == nil, errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                let reason = String(cString: strerror(errno))
                _ = waitForExit()
                throw .broken(label: label, reason: reason)
            }
            if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                // The end of its output: it ended, or closed its output to end. Judge by its exit.
                let status = waitForExit()
                if status != 0 { throw .ended(label: label, status: status, errors: errorSummary) }
                return 0
            }
            try wait(for: Int16(POLLIN))
        }
    }

    /// Set for `git-upload-pack`: its advertisement passes through it on its way to libgit2
    /// (``ThinPackRefusal``: libgit2 completes thin packs in quadratic time); nil once it is past.
    var refusal: ThinPackRefusal?
    /// Bytes the refusal handed on that libgit2 has not read yet (from `readyOffset`).
    private var ready = [UInt8]()
    private var readyOffset = 0

    /// ``readOutput(into:)``, through ``refusal`` while it is set.
    func readForLibgit2(into buffer: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
        while readyOffset == ready.count {
            ready.removeAll(keepingCapacity: true)
            readyOffset = 0
            guard refusal != nil else { return try readOutput(into: buffer) }
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 1)
            defer { chunk.deallocate() }
            let count = try readOutput(into: chunk)
            if count == 0 {
                ready = refusal?.end() ?? []
                refusal = nil
                if ready.isEmpty { return 0 }
            } else {
                ready = refusal?.pass(UnsafeRawBufferPointer(rebasing: chunk[..<count])) ?? []
                if refusal?.isDone == true { refusal = nil }
            }
        }
        let count = min(buffer.count, ready.count - readyOffset)
        ready.withUnsafeBytes { source in
            guard let start = source.baseAddress else { return }
            buffer.baseAddress?.copyMemory(from: start + readyOffset, byteCount: count)
        }
        readyOffset += count
        return count
    }

    /// Writes all of `bytes` to the service, waiting while its input is full. A service that went away
    /// with a failure throws ``Failure/ended`` with what it wrote to its standard error.
    func writeInput(_ bytes: UnsafeRawBufferPointer) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            guard socket >= 0, !inputClosed, let base = bytes.baseAddress else {
                if exitStatus == 0 { return }
                throw .ended(label: label, status: exitStatus ?? 0, errors: errorSummary)
            }
            let count = send(socket, base + offset, bytes.count - offset, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            if count > 0 {
                offset += count
                continue
            }
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                try wait(for: Int16(POLLOUT))
                continue
            }
            // EPIPE, ECONNRESET: it is gone. One that ended well is done talking (libgit2 says goodbye
            // with a flush packet after the conversation): what it did not read, a read finds missing.
            // A server that closed the connection early is found out by the next read the same way.
            let status = waitForExit()
            if status == 0 { return }
            throw .ended(label: label, status: status, errors: errorSummary)
        }
    }

    /// Ends the conversation: closes the service's input, reads (and drops) whatever it still sends until
    /// it closes its output, then reaps it. One that keeps sending or stays silent for `timeout` seconds,
    /// or keeps running after closing its output, is killed with its process group. Idempotent.
    func finish() {
        guard exitStatus == nil else { return }
        if socket >= 0 {
            if !inputClosed { _ = shutdown(socket, Int32(SHUT_WR)) }
            inputClosed = true
            var scratch = [UInt8](repeating: 0, count: 16384)
            let started = Date()
            // Until it closes its output or stalls; bounded all the same, for one that never stops talking.
            reading: while Date().timeIntervalSince(started) < 10 * timeout {
                let count = scratch.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                if count > 0 { continue }
                if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { break }
                do { try wait(for: Int16(POLLIN)) } catch { break reading }
            }
        }
        _ = waitForExit()
    }

    /// What the service wrote to its standard error: its last lines, on one line.
    var errorSummary: String {
        drainErrors()
        let text = String(decoding: errorText, as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline)  // "\r\n" (ssh writes it) is one Character
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.suffix(4).joined(separator: "; ")
    }

    // MARK: Waiting

    /// Waits until the socket is ready for `events`, reading the error pipe meanwhile; throws
    /// ``Failure/stalled`` when nothing happened on either for `timeout` seconds.
    private func wait(for events: Int16) throws(Failure) {
        var deadline = Date().addingTimeInterval(timeout)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                stop()
                throw .stalled(label: label, seconds: timeout)
            }
            var fds = [pollfd(fd: socket, events: events, revents: 0), pollfd(fd: errorPipe, events: Int16(POLLIN), revents: 0)]
            let rc = poll(&fds, nfds_t(fds.count), Int32(min(remaining * 1000 + 1, 60_000)))
            if rc < 0 {
                guard errno == EINTR else { return }  // let the read or write report the problem
                continue
            }
            if fds[1].revents != 0 {
                drainErrors()
                deadline = Date().addingTimeInterval(timeout)  // it is doing something
            }
            if fds[0].revents != 0 { return }
        }
    }

    /// Moves what the error pipe holds into `errorText` (keeping its last 8 KiB); closes it at its end.
    private func drainErrors() {
        guard errorPipe >= 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(errorPipe, $0.baseAddress, $0.count) }
            if count > 0 {
                errorText += chunk[0..<count]
                if errorText.count > 8192 { errorText.removeFirst(errorText.count - 8192) }
                continue
            }
            if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                close(errorPipe)
                errorPipe = -1
            }
            return
        }
    }

    // MARK: Ending

    /// Reaps the child, waiting up to `timeout` seconds for it to end (reading its error pipe meanwhile),
    /// then killing it with its process group; closes the socket. Its exit status, as a shell reports it
    /// (0 for a connection).
    private func waitForExit() -> Int32 {
        if let exitStatus { return exitStatus }
        guard let pid else {
            // A connection: nothing to reap.
            exitStatus = 0
            Subprocess.closeAll(socket)
            socket = -1
            return 0
        }
        var status: Int32 = 0
        let started = Date()
        var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
        while true {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { break }
            if rc < 0, errno != EINTR {
                status = 0
                break
            }
            if Date().timeIntervalSince(started) >= timeout {
                signalChild(SIGKILL)
                while waitpid(pid, &status, 0) < 0, errno == EINTR {}
                break
            }
            drainErrors()
            nanosleep(&pause, nil)
            pause.tv_nsec = min(pause.tv_nsec * 2, 50_000_000)
        }
        drainErrors()
        let result = Subprocess.exitStatus(status)
        exitStatus = result
        Subprocess.closeAll(socket, errorPipe)
        socket = -1
        errorPipe = -1
        return result
    }

    /// Stops the child (with its process group, when it leads one) at once and reaps it; closes a connection.
    private func stop() {
        guard exitStatus == nil else { return }
        signalChild(SIGKILL)
        _ = waitForExit()
    }

    /// Sends `signal` to the child not yet reaped, and to its process group when it leads one.
    private func signalChild(_ signal: Int32) {
        guard exitStatus == nil, let pid else { return }
        kill(ownProcessGroup ? -pid : pid, signal)
    }
}
