import Foundation
import GoalSyncGit
import GoalSyncTestSupport
import Testing

/// What every goalsync process pays before its work: libgit2 starts without parsing the system's
/// CA certificates (only libgit2's own TLS would use them, and goalsync's https goes through
/// libcurl), which was a fifth of the pre-commit hook's time.
@Suite("Start-up")
struct StartupTests {
    /// With Debian's libgit2 (mbedTLS, a default certificate location), `git_libgit2_init` asks
    /// mbedTLS to load one certificate file, and goalsync's start skips it; with a libgit2 that
    /// loads none at start there is nothing to skip.
    @Test func libgit2StartsWithoutParsingTheCertificates() throws {
        let skipped = GitLibrary.skippedCertificateLoads
        // /proc files report no size: read to the end.
        let maps = FileHandle(forReadingAtPath: "/proc/self/maps").map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? ""
        #expect(skipped == (maps.contains("libmbedx509") ? 1 : 0), "skipped \(skipped)")
    }

    /// The pre-commit hook's command never opens the certificate bundle (seen from outside: the
    /// file's access time is not a reliable witness, so the binary is run under strace).
    @Test func theHooksCommandDoesNotOpenTheCertificateBundle() throws {
        let opened = try filesTheHooksCommandOpens()
        #expect(!opened.contains { $0.contains("ca-certificates") || $0.contains("/etc/ssl/certs") }, "\(opened.filter { $0.contains("ssl") })")
    }

    /// libcurl and its two dozen libraries (OpenSSL's TLS, GnuTLS, LDAP, nghttp2...) are not mapped by a
    /// process that speaks no http: the hook's command opens none of them; an https remote loads it.
    @Test func theHooksCommandDoesNotLoadLibcurl() throws {
        let opened = try filesTheHooksCommandOpens()
        let curl = opened.filter { $0.contains("libcurl") || $0.contains("libssl.") || $0.contains("libgnutls") || $0.contains("libldap") }
        #expect(curl.isEmpty, "\(curl)")
    }

    /// The `open`/`openat` lines strace writes for `goalsync validate --staged` (the hook's command)
    /// in a new repository with one goal.
    private func filesTheHooksCommandOpens() throws -> [Substring] {
        let strace = try #require(["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                  "strace is not installed (scripts/install-deps.sh installs it)")
        let repo = try TestRepo()
        _ = try repo.newGoal(id: "g")
        let r = try ProcessRunner.run(strace, ["-f", "-e", "trace=open,openat", repo.binary, "validate", "--staged", "--quiet"], in: repo.root, environment: repo.environment)
        #expect(r.status == 0, "\(r.stderr.suffix(500))")
        let lines = r.stderr.split(separator: "\n").filter { $0.contains("open") }
        #expect(lines.contains { $0.contains("libgit2") }, "strace saw no library opened: \(r.stderr.suffix(300))")
        return lines
    }
}
