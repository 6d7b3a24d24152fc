import CLibgit2

/// An author or committer: name, email and time, as a value.
public struct Signature: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var email: String
    /// Seconds since the epoch.
    public var time: Int64
    /// Offset from UTC in minutes.
    public var offsetMinutes: Int32

    public init(name: String, email: String, time: Int64, offsetMinutes: Int32) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ sig: UnsafePointer<git_signature>) {
        name = sig.pointee.name.map { String(cString: $0) } ?? ""
        email = sig.pointee.email.map { String(cString: $0) } ?? ""
        time = sig.pointee.when.time
        offsetMinutes = sig.pointee.when.offset
    }

    /// "Name <email>", as git writes it.
    public var description: String { "\(name) <\(email)>" }

    /// Runs `body` with a temporary `git_signature` (`git_signature_new`), freed afterwards.
    func withRaw<R>(_ body: (UnsafePointer<git_signature>) throws -> R) throws -> R {
        var sig: UnsafeMutablePointer<git_signature>?
        try check(git_signature_new(&sig, name, email, time, Int32(offsetMinutes)), "git_signature_new(\(self))")
        defer { git_signature_free(sig) }
        return try body(sig!)
    }
}
