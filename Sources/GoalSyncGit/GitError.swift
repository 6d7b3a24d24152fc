import CLibgit2
import CLibgit2Start
import Dispatch

/// An error reported by libgit2, copied out of `git_error_last()` on the thread that made the call.
public struct GitError: Error, CustomStringConvertible, Sendable {
    /// libgit2's return code (`git_error_code`), e.g. `GIT_ENOTFOUND` (-3).
    public let code: Int32
    /// libgit2's error class (`git_error_t`), e.g. `GIT_ERROR_NET`.
    public let errorClass: Int32
    /// libgit2's own message.
    public let message: String
    /// What goalsync was doing: the libgit2 function and its subject.
    public let operation: String

    public var description: String {
        operation.isEmpty ? message : "\(operation): \(message)"
    }

    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
    public var isNetwork: Bool {
        errorClass == Int32(GIT_ERROR_NET.rawValue) || errorClass == Int32(GIT_ERROR_SSH.rawValue)
            || errorClass == Int32(GIT_ERROR_HTTP.rawValue) || errorClass == Int32(GIT_ERROR_SSL.rawValue)
    }
}

/// The one checked gateway for libgit2 calls: a negative return becomes a ``GitError`` built from
/// `git_error_last()`, which is then cleared. Every call site in this module goes through it.
func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(GitError) {
    guard result < 0 else { return }
    var message = "unknown libgit2 error (code \(result))"
    var klass: Int32 = 0
    if let last = git_error_last() {
        if let text = last.pointee.message { message = String(cString: text) }
        klass = last.pointee.klass
    }
    git_error_clear()
    while message.hasSuffix("\n") { message.removeLast() }
    // libgit2 names URLs in some messages ("malformed URL '…'"): never with their secrets.
    message = Redaction.urls(in: message)
    throw GitError(code: result, errorClass: klass, message: message, operation: operation())
}

/// `git_libgit2_init` runs once per process, the first time any handle is made; it is never shut down.
enum Libgit2 {
    static let initialized: Bool = {
        // Without parsing the system's CA certificates, which only libgit2's own TLS would use
        // and goalsync does not use: a fifth of a short command's time (see libgit2_start.c).
        goalsync_libgit2_init_without_certificates()
        // Objects are read as git reads them, without re-hashing each one
        // (`GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION` off): what arrives from a remote is hashed by
        // the fetch's indexer as it is stored, and what goalsync writes by libgit2 as it writes
        // it. Set here, once, before any object is read: the option is process-wide, and flipping
        // it while other threads read objects is a data race.
        _ = goalsync_set_strict_hash_verification(0)
        return true
    }()

    static func ensure() { _ = initialized }
}

/// libgit2 itself, before any repository is opened.
public enum GitLibrary {
    /// Starts `git_libgit2_init` on another thread (it sets up mbedTLS and its random generator,
    /// and libssh2, about a millisecond): a short-lived command does its own reading meanwhile,
    /// and its first libgit2 call waits for the initialization to finish.
    public static func initializeInBackground() {
        DispatchQueue.global(qos: .userInitiated).async { Libgit2.ensure() }
    }

    /// How many CA certificate files libgit2 asked to load when it started, and were not loaded
    /// (1 with Debian's libgit2, built with mbedTLS and a default location; 0 where libgit2 loads
    /// none at start). Starts libgit2.
    package static var skippedCertificateLoads: Int {
        Libgit2.ensure()
        return Int(goalsync_skipped_certificate_loads())
    }
}
