import Foundation
import Testing

/// A git host as a team runs its own: nginx in front of fcgiwrap and `git http-backend`, on 127.0.0.1
/// and a free port, over plain http or over TLS with a certificate (CN and SAN `localhost`, SAN IP
/// 127.0.0.1) from a CA made for the test (never in the system's bundle), with basic auth on pushes
/// or on everything. Every file of nginx (config, pid, logs, temp folders) lives in `dir`; both
/// processes are stopped when the value goes.
///
/// The access log (`accessLog`) has one line per request: `METHOD URI STATUS user=USER team=X-TEAM`.
package final class HTTPGitServer {
    package enum Auth {
        /// Anyone reads and pushes (the repositories get `http.receivepack true`).
        case none
        /// Reads are open; a push needs a user name and password.
        case push
        /// Every request needs a user name and password.
        case all
    }

    package let dir: String
    package let port: Int
    package let tls: Bool
    /// The CA that signed the server's certificate (PEM), when `tls`.
    package var caFile: String { dir + "/ca.crt" }
    package var accessLog: String { dir + "/access.log" }
    private let nginx: SpawnedProcess
    private let fcgi: SpawnedProcess

    /// - Parameters:
    ///   - projectRoot: the folder whose bare repositories are served (`/name.git` is `projectRoot/name.git`).
    ///   - users: user names and passwords basic auth accepts.
    package init(dir: String, projectRoot: String, tls: Bool, auth: Auth, users: [String: String] = [:]) throws {
        self.dir = dir
        self.tls = tls
        for folder in [dir, dir + "/tmp"] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        if tls { try Self.makeCertificates(in: dir) }
        var htpasswd = ""
        for (user, password) in users.sorted(by: { $0.key < $1.key }) {
            htpasswd += "\(user):\(try Self.tool("/usr/bin/openssl", ["passwd", "-apr1", password], in: dir))\n"
        }
        try htpasswd.write(toFile: dir + "/htpasswd", atomically: true, encoding: .utf8)
        if auth == .none {
            for name in try FileManager.default.contentsOfDirectory(atPath: projectRoot) where name.hasSuffix(".git") {
                _ = try Self.tool(TestRepo.gitPath, ["--git-dir", projectRoot + "/" + name, "config", "http.receivepack", "true"], in: dir)
            }
        }
        let socket = dir + "/fcgi.sock"
        fcgi = try SpawnedProcess("/usr/sbin/fcgiwrap", ["-c", "4", "-s", "unix:" + socket])
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: socket), fcgi.isRunning, Date() < deadline { sched_yield() }
        guard FileManager.default.fileExists(atPath: socket) else {
            fcgi.stop()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "fcgiwrap did not start"])
        }
        let authLine: String
        switch auth {
        case .none: authLine = "off"
        case .push: authLine = "$git_auth"
        case .all: authLine = "\"git\""
        }
        for _ in 0..<5 {
            let port = try freePort()
            let config = Self.nginxConfig(dir: dir, port: port, tls: tls, auth: authLine, projectRoot: projectRoot, socket: socket)
            try config.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
            let p = try SpawnedProcess("/usr/sbin/nginx", ["-p", dir, "-c", dir + "/nginx.conf", "-e", dir + "/error.log"])
            if waitForPort(port, server: p) {
                self.port = port
                nginx = p
                return
            }
            p.stop()
        }
        fcgi.stop()
        let log = (try? String(contentsOfFile: dir + "/error.log", encoding: .utf8)) ?? ""
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "nginx did not start:\n\(log)"])
    }

    deinit {
        nginx.stop()
        fcgi.stop()
    }

    /// The URL of `repository` (e.g. "remote.git") on `host`, with `user` and `password` in it when given.
    package func url(_ repository: String, host: String = "localhost", user: String? = nil, password: String? = nil) -> String {
        let userInfo = user.map { u in password.map { "\(u):\($0)@" } ?? "\(u)@" } ?? ""
        return "\(tls ? "https" : "http")://\(userInfo)\(host):\(port)/\(repository)"
    }

    /// The access log's lines so far.
    package func requests() -> [String] {
        ((try? String(contentsOfFile: accessLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    package static func nginxConfig(dir: String, port: Int, tls: Bool, auth: String, projectRoot: String, socket: String) -> String {
        """
        daemon off;
        master_process off;
        worker_processes 1;
        pid \(dir)/nginx.pid;
        error_log \(dir)/error.log;
        events { worker_connections 64; }
        http {
            log_format git '$request_method $request_uri $status user=$remote_user team=$http_x_team';
            access_log \(dir)/access.log git;
            client_body_temp_path \(dir)/tmp/body;
            proxy_temp_path \(dir)/tmp/proxy;
            fastcgi_temp_path \(dir)/tmp/fastcgi;
            uwsgi_temp_path \(dir)/tmp/uwsgi;
            scgi_temp_path \(dir)/tmp/scgi;
            client_max_body_size 0;
            map "$uri $arg_service" $git_auth { "~git-receive-pack" "git push"; default off; }
            server {
                listen 127.0.0.1:\(port)\(tls ? " ssl" : "");
                \(tls ? "ssl_certificate \(dir)/server.crt; ssl_certificate_key \(dir)/server.key;" : "")
                location / {
                    auth_basic \(auth);
                    auth_basic_user_file \(dir)/htpasswd;
                    fastcgi_pass unix:\(socket);
                    fastcgi_buffering off;
                    fastcgi_param SCRIPT_FILENAME \(gitExecPath())/git-http-backend;
                    fastcgi_param GIT_PROJECT_ROOT \(projectRoot);
                    fastcgi_param GIT_HTTP_EXPORT_ALL "";
                    fastcgi_param PATH_INFO $uri;
                    fastcgi_param QUERY_STRING $query_string;
                    fastcgi_param REQUEST_METHOD $request_method;
                    fastcgi_param CONTENT_TYPE $content_type;
                    fastcgi_param CONTENT_LENGTH $content_length;
                    fastcgi_param REMOTE_USER $remote_user;
                    fastcgi_param REMOTE_ADDR $remote_addr;
                    fastcgi_param HTTP_GIT_PROTOCOL $http_git_protocol;
                }
            }
        }

        """
    }

    /// A CA (`ca.crt`, `ca.key`) and a server certificate it signed (`server.crt`, `server.key`) for
    /// `localhost` and 127.0.0.1, EC P-256, valid two days.
    package static func makeCertificates(in dir: String) throws {
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        _ = try tool("/usr/bin/openssl", ["req", "-x509"] + ec + ["-days", "2", "-subj", "/CN=goalsync test CA", "-keyout", "ca.key", "-out", "ca.crt"], in: dir)
        _ = try tool("/usr/bin/openssl", ["req"] + ec + ["-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr"], in: dir)
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n".write(toFile: dir + "/ext.cnf", atomically: true, encoding: .utf8)
        _ = try tool(
            "/usr/bin/openssl",
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf", "-out", "server.crt"],
            in: dir)
    }

    package static func tool(_ executable: String, _ arguments: [String], in dir: String) throws -> String {
        let result = try ProcessRunner.run(executable, arguments, in: dir, environment: ["PATH": "/usr/bin:/bin", "HOME": dir])
        try #require(result.status == 0, "\(executable) \(arguments.joined(separator: " ")) failed: \(result)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// An nginx forward proxy for plain http on 127.0.0.1 (what a company's proxy does for `http://`), its
/// access log listing every request it carried (`METHOD ABSOLUTE-URI STATUS`).
package final class HTTPForwardProxy {
    package let dir: String
    package let port: Int
    private let nginx: SpawnedProcess

    package init(dir: String) throws {
        self.dir = dir
        try FileManager.default.createDirectory(atPath: dir + "/tmp", withIntermediateDirectories: true)
        for _ in 0..<5 {
            let port = try freePort()
            let config = """
                daemon off;
                master_process off;
                worker_processes 1;
                pid \(dir)/nginx.pid;
                error_log \(dir)/error.log;
                events { worker_connections 64; }
                http {
                    log_format proxy '$request $status';
                    access_log \(dir)/access.log proxy;
                    client_body_temp_path \(dir)/tmp/body;
                    proxy_temp_path \(dir)/tmp/proxy;
                    fastcgi_temp_path \(dir)/tmp/fastcgi;
                    uwsgi_temp_path \(dir)/tmp/uwsgi;
                    scgi_temp_path \(dir)/tmp/scgi;
                    client_max_body_size 0;
                    server {
                        listen 127.0.0.1:\(port);
                        location / {
                            proxy_pass http://$http_host$request_uri;
                            proxy_buffering off;
                        }
                    }
                }

                """
            try config.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
            let p = try SpawnedProcess("/usr/sbin/nginx", ["-p", dir, "-c", dir + "/nginx.conf", "-e", dir + "/error.log"])
            if waitForPort(port, server: p) {
                self.port = port
                nginx = p
                return
            }
            p.stop()
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the nginx proxy did not start"])
    }

    deinit { nginx.stop() }

    package var url: String { "http://127.0.0.1:\(port)" }

    /// The requests it carried so far.
    package func requests() -> [String] {
        ((try? String(contentsOfFile: dir + "/access.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
