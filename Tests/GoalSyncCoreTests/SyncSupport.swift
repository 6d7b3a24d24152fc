import Foundation
import Testing

/// A team sharing one remote: a bare repository and one clone per member, each with its own
/// identity, all in one temporary folder removed at the end.
final class Team {
    let base: String
    let remote: String
    let binary: String
    let env: [String: String]

    init(sourceLocation: SourceLocation = #_sourceLocation) throws {
        binary = try Binary.path(sourceLocation: sourceLocation)
        let tmp = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path
        base = tmp + "/goalsync-team-" + UUID().uuidString.lowercased()
        remote = base + "/remote.git"
        for dir in [base + "/home", base + "/xdg"] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        env = [
            "PATH": (binary as NSString).deletingLastPathComponent + ":/usr/local/bin:/usr/bin:/bin",
            "HOME": base + "/home", "XDG_CONFIG_HOME": base + "/xdg", "GIT_CONFIG_NOSYSTEM": "1",
            "GOALSYNC_TODAY": TestRepo.today, "LANG": "C.UTF-8", "TMPDIR": tmp,
        ]
        try run(TestRepo.gitPath, ["init", "-q", "--bare", "-b", "main", remote], in: base).requireOK("git init --bare")
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    func run(_ exe: String, _ args: [String], in dir: String, extra: [String: String] = [:]) throws -> ProcessResult {
        var e = env
        for (k, v) in extra { e[k] = v }
        return try ProcessRunner.run(exe, args, in: dir, environment: e)
    }

    /// The first member makes the goal repository and pushes it; the others clone it.
    func founder(_ name: String) throws -> Member {
        let m = Member(team: self, name: name)
        try m.goalsync("init", m.dir).requireOK("init")
        try m.git("remote", "add", "origin", remote).requireOK("remote add")
        try m.goalsync("push").requireOK("first push")
        return m
    }

    func join(_ name: String, url: String? = nil) throws -> Member {
        let m = Member(team: self, name: name)
        try run(binary, ["clone", url ?? remote, m.dir], in: base, extra: m.identity).requireOK("clone")
        return m
    }
}

/// One teammate's clone.
struct Member {
    let team: Team
    let name: String
    var dir: String { team.base + "/" + name }
    var identity: [String: String] {
        let email = name.lowercased() + "@example.com"
        return ["GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email]
    }

    init(team: Team, name: String) {
        self.team = team
        self.name = name
    }

    @discardableResult
    func goalsync(_ args: String..., extra: [String: String] = [:]) throws -> ProcessResult {
        try goalsync(args, extra: extra)
    }

    @discardableResult
    func goalsync(_ args: [String], extra: [String: String] = [:]) throws -> ProcessResult {
        let cwd = FileManager.default.fileExists(atPath: dir) ? dir : team.base
        return try team.run(team.binary, args, in: cwd, extra: identity.merging(extra) { $1 })
    }

    @discardableResult
    func git(_ args: String...) throws -> ProcessResult {
        try team.run(TestRepo.gitPath, args, in: dir, extra: identity)
    }

    func file(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + relative)))
    }

    func text(_ relative: String) throws -> String { String(decoding: try file(relative), as: UTF8.self) }

    func write(_ relative: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + relative))
    }

    var head: String { (try? git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "" }

    /// Everything a pull could touch: HEAD, index, status, and the work tree's files.
    func state() throws -> [String] {
        let files = TestRepo.files(under: dir).filter { !$0.key.hasPrefix(".git/") && $0.key != ".git" }
        return [head, try git("ls-files", "--stage").stdout, try git("status", "--porcelain").stdout]
            + files.keys.sorted().map { "\($0): \(files[$0]!.count) \(files[$0]!.hashValue)" }
    }
}

extension ProcessResult {
    @discardableResult
    func requireOK(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        try #require(status == 0, "\(what) failed: \(self)", sourceLocation: sourceLocation)
        return self
    }
}

/// `git daemon` serving a folder on 127.0.0.1 with push enabled, stopped when the value goes.
final class DaemonServer {
    let port: Int
    private var pid: Int32 = 0

    init(basePath: String) throws {
        var lastError = ""
        for _ in 0..<5 {
            let port = try freePort()
            let p = Process()
            p.executableURL = URL(fileURLWithPath: TestRepo.gitPath)
            p.arguments = ["daemon", "--export-all", "--reuseaddr", "--base-path=\(basePath)", "--listen=127.0.0.1", "--port=\(port)", "--enable=receive-pack", basePath]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            if waitForPort(port, process: p) {
                self.port = port
                pid = p.processIdentifier
                return
            }
            p.terminate()
            lastError = "git daemon did not listen on \(port)"
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: lastError])
    }

    deinit { if pid > 0 { kill(pid, SIGTERM) } }
}

/// A TCP port that was free a moment ago.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Tries to connect until the port accepts (bounded: a few thousand attempts), or the process died.
func waitForPort(_ port: Int, process: Process) -> Bool {
    for _ in 0..<20_000 {
        if !process.isRunning { return false }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        close(fd)
        if rc == 0 { return true }
        sched_yield()
    }
    return false
}
