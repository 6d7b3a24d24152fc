#ifndef GOALSYNC_CLIBGIT2START_H
#define GOALSYNC_CLIBGIT2START_H

/// Runs `git_libgit2_init` without loading the system's CA certificates into mbedTLS (see
/// libgit2_start.c). Returns what `git_libgit2_init` returns.
int goalsync_libgit2_init_without_certificates(void);

/// How many CA certificate files libgit2 asked mbedTLS to load during
/// `goalsync_libgit2_init_without_certificates`, and were skipped.
int goalsync_skipped_certificate_loads(void);

#endif
