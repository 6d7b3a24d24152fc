#ifndef GOALSYNC_CLIBGIT2_SHIM_H
#define GOALSYNC_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/repository.h>
#include <git2/sys/transport.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one non-variadic wrapper per option used. */
static inline int goalsync_set_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}
static inline int goalsync_set_caching(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_CACHING, enabled);
}
static inline int goalsync_set_cache_object_limit(git_object_t type, size_t size) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, type, size);
}

/* goalsync's exec subtransport (GoalSyncGit/ExecTransport.swift): libgit2's smart transport speaks the
   protocol; these carry it over the standard input and output of a child process (git-upload-pack,
   git-receive-pack). libgit2 sees only the first member; `state` is the Swift object behind it
   (retained by the struct, released when libgit2 frees it). */
typedef struct goalsync_exec_subtransport {
    git_smart_subtransport parent;
    void *state;
} goalsync_exec_subtransport;

typedef struct goalsync_exec_stream {
    git_smart_subtransport_stream parent;
    void *state;
} goalsync_exec_stream;

/* goalsync's http(s) subtransport (GoalSyncGit/HTTPTransport.swift): stateless smart HTTP through
   libcurl. Same layout: libgit2 sees `parent`; `state` is the retained Swift object behind it. */
typedef struct goalsync_http_subtransport {
    git_smart_subtransport parent;
    void *state;
} goalsync_http_subtransport;

typedef struct goalsync_http_stream {
    git_smart_subtransport_stream parent;
    void *state;
} goalsync_http_stream;
#endif
