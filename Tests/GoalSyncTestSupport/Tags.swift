import Testing

extension Tag {
    /// A suite or test that starts a server of its own on 127.0.0.1 (git daemon, OpenSSH's sshd,
    /// nginx with fcgiwrap and git http-backend, or a listener that never answers): it needs the
    /// packages scripts/install-deps.sh installs, and a free port.
    @Tag package static var server: Self
}
