import CLibgit2

/// A git configuration (`git_config`). Reads come from a snapshot so strings stay valid.
public final class Config {
    let pointer: OpaquePointer

    init(pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_config_free(pointer) }

    /// A string value, or nil when unset (`git_config_get_string_buf`).
    public func string(_ name: String) throws -> String? {
        var buf = git_buf()
        defer { git_buf_dispose(&buf) }
        let rc = git_config_get_string_buf(&buf, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "read config \(name)")
        return buf.ptr.map { String(cString: $0) }
    }

    /// A boolean value, or nil when unset (`git_config_get_bool`).
    public func bool(_ name: String) throws -> Bool? {
        var value: Int32 = 0
        let rc = git_config_get_bool(&value, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "read config \(name)")
        return value != 0
    }

    /// Every value of a multi-valued key, in the order git reads them (system, global, local), or an
    /// empty list when unset (`git_config_get_multivar_foreach`).
    public func strings(_ name: String) throws -> [String] {
        final class Box { var values = [String]() }
        let box = Box()
        let rc = withExtendedLifetime(box) {
            git_config_get_multivar_foreach(pointer, name, nil, { entry, payload in
                guard let entry, let payload else { return 0 }
                let box = Unmanaged<Box>.fromOpaque(payload).takeUnretainedValue()
                box.values.append(entry.pointee.value.map { String(cString: $0) } ?? "")
                return 0
            }, Unmanaged.passUnretained(box).toOpaque())
        }
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return [] }
        try check(rc, "read config \(name)")
        return box.values
    }

    /// Sets a string in the repository's local config (`git_config_set_string`).
    public func set(_ name: String, _ value: String) throws {
        try check(git_config_set_string(pointer, name, value), "set config \(name)")
    }

    /// The global (per-user) default configuration, read-only (`git_config_open_default`).
    public static func openDefault() throws -> Config {
        Libgit2.ensure()
        var cfg: OpaquePointer?
        try check(git_config_open_default(&cfg), "open default git config")
        defer { git_config_free(cfg) }
        var snap: OpaquePointer?
        try check(git_config_snapshot(&snap, cfg), "snapshot git config")
        return Config(pointer: snap!)
    }
}
