// libgit2's start without the CA certificates.
//
// Debian's libgit2 1.5 is built with mbedTLS and a default certificate location, and its
// `git_libgit2_init` parses that whole bundle (/etc/ssl/certs/ca-certificates.crt, ~140 PEM
// certificates, base64 and X.509 parsing) before it returns: about 4 ms of every goalsync process,
// a fifth of the pre-commit hook's cost. goalsync never uses libgit2's own TLS (https goes through
// libcurl, ssh through OpenSSH), and libgit2 1.5 has no option to skip the load.
//
// So this executable defines `mbedtls_x509_crt_parse_file`, which libgit2 calls from
// `git_mbedtls__set_cert_location`; the dynamic linker binds libgit2's call to the executable's
// definition first. While `goalsync_libgit2_init_without_certificates` runs `git_libgit2_init` on
// the calling thread, the call loads nothing and succeeds: libgit2's mbedTLS configuration keeps
// an empty CA chain, so a TLS connection through libgit2 would fail its certificate check (it
// fails closed, it never trusts a server). At any other time, and on any other thread, the call
// goes to mbedTLS's own function (`dlsym(RTLD_NEXT, ...)`), so `GIT_OPT_SET_SSL_CERT_LOCATIONS`
// still loads certificates.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>

#include "CLibgit2Start.h"

extern int git_libgit2_init(void);

static _Thread_local int starting = 0;
static atomic_int skipped = 0;

typedef int (*parse_file_fn)(void *chain, const char *path);

int mbedtls_x509_crt_parse_file(void *chain, const char *path) {
    if (starting) {
        atomic_fetch_add(&skipped, 1);
        return 0;
    }
    parse_file_fn real = (parse_file_fn)dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
    // MBEDTLS_ERR_X509_FILE_IO_ERROR when mbedTLS itself cannot be found.
    return real != NULL ? real(chain, path) : -0x2900;
}

int goalsync_libgit2_init_without_certificates(void) {
    starting = 1;
    int result = git_libgit2_init();
    starting = 0;
    return result;
}

int goalsync_skipped_certificate_loads(void) {
    return atomic_load(&skipped);
}
