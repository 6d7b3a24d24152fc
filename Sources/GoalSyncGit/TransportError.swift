import Foundation

/// Why goalsync itself refused or could not complete a network operation: its own credential checks,
/// which run inside libgit2's callbacks and are rethrown after the libgit2 call, and what the exec
/// transport needs before it starts (git or ssh, a usable URL, a valid timeout).
/// Failures libgit2 reports (refused connection, protocol errors) stay ``GitError``s.
public struct TransportError: Error, CustomStringConvertible, LocalizedError, Sendable {
    public enum Kind: Sendable, Equatable {
        /// Every credential on offer was tried and the server accepted none.
        case authenticationFailed
        /// There was nothing to offer: no token or credential helper answer.
        case noCredentials
        /// The server asked for a kind of authentication goalsync does not do.
        case unsupportedAuthentication
        /// git is not installed: goalsync runs git's own services for a remote by path.
        case gitMissing
        /// The URL cannot be used as given (a `file://` URL naming another machine, no path, a port with
        /// the `simple` ssh variant).
        case unsupportedURL
        /// git refuses this URL as an attack: an ssh host, user or path starting with `-`, which ssh would
        /// read as an option ("strange hostname ... blocked").
        case refusedURL
        /// The ssh program (`ssh`, or what `GIT_SSH_COMMAND`, `core.sshCommand`, `GIT_SSH` name) is missing.
        case sshMissing
        /// The `goalsync.timeout` setting is not a number of seconds.
        case invalidTimeout
        /// The server did not answer, or stopped sending, for `goalsync.timeout` seconds (or
        /// `http.lowSpeedTime`).
        case timedOut
        /// The server's TLS certificate is not trusted or does not name the host.
        case certificateRejected
        /// An http(s) request failed: no connection, a proxy, or an HTTP error status.
        case httpFailed
        /// The http(s) server is not a smart git server (a dumb server, a web page).
        case notSmartHTTP
    }

    public let kind: Kind
    /// The remote's URL, with any password hidden.
    public let remote: String
    /// A full sentence: what failed, for which host, and what to do.
    public let message: String

    public var description: String { message }
    public var errorDescription: String? { message }
}
