// libcurl through dlopen, on first use.
//
// Linking libcurl made every goalsync process map it and its ~24 dependencies (OpenSSL, GnuTLS,
// Kerberos, LDAP, nghttp2, brotli...) and resolve their symbols before main: about a third of the
// start-up of the pre-commit hook, which never speaks http. So goalsync declares libcurl's API from
// its headers, and `goalsync_curl_load` opens `libcurl.so.4` (the soname of libcurl 7 and 8) the
// first time an http(s) remote is used, looks up the functions goalsync calls, and runs
// `curl_global_init` once. Every other function here calls through the table it filled; Swift calls
// them only after `goalsync_curl_load` returned NULL.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "CCurl.h"

static struct {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd[], unsigned int, int, int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    const char *(*multi_strerror)(CURLMcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *failure = NULL;
static char message[512];
static int loaded = 0;

#define LOOK_UP(field, name)                                                                      \
    do {                                                                                          \
        *(void **)(&curl.field) = dlsym(library, name);                                           \
        if (curl.field == NULL) {                                                                 \
            snprintf(message, sizeof message,                                                     \
                     "the libcurl found (libcurl.so.4) has no %s; goalsync needs libcurl 7.66 or " \
                     "later for http(s) remotes (Debian: apt-get install libcurl4)", name);        \
            failure = message;                                                                    \
            return;                                                                               \
        }                                                                                         \
    } while (0)

static void load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *why = dlerror();
        snprintf(message, sizeof message,
                 "http(s) remotes need libcurl, which could not be loaded (%s); install it "
                 "(Debian: apt-get install libcurl4) or use an ssh:// remote",
                 why != NULL ? why : "libcurl.so.4 not found");
        failure = message;
        return;
    }
    LOOK_UP(global_init, "curl_global_init");
    LOOK_UP(easy_init, "curl_easy_init");
    LOOK_UP(easy_cleanup, "curl_easy_cleanup");
    LOOK_UP(easy_setopt, "curl_easy_setopt");
    LOOK_UP(easy_getinfo, "curl_easy_getinfo");
    LOOK_UP(easy_strerror, "curl_easy_strerror");
    LOOK_UP(multi_init, "curl_multi_init");
    LOOK_UP(multi_cleanup, "curl_multi_cleanup");
    LOOK_UP(multi_add_handle, "curl_multi_add_handle");
    LOOK_UP(multi_remove_handle, "curl_multi_remove_handle");
    LOOK_UP(multi_perform, "curl_multi_perform");
    LOOK_UP(multi_poll, "curl_multi_poll");
    LOOK_UP(multi_info_read, "curl_multi_info_read");
    LOOK_UP(multi_strerror, "curl_multi_strerror");
    LOOK_UP(slist_append, "curl_slist_append");
    LOOK_UP(slist_free_all, "curl_slist_free_all");
    CURLcode code = curl.global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
        snprintf(message, sizeof message, "libcurl could not start: %s", curl.easy_strerror(code));
        failure = message;
        return;
    }
    loaded = 1;
}

const char *goalsync_curl_load(void) {
    pthread_once(&once, load);
    return failure;
}

int goalsync_curl_is_loaded(void) { return loaded; }

CURL *goalsync_curl_easy_init(void) { return curl.easy_init(); }
void goalsync_curl_easy_cleanup(CURL *handle) { curl.easy_cleanup(handle); }
const char *goalsync_curl_easy_strerror(CURLcode code) { return curl.easy_strerror(code); }
CURLM *goalsync_curl_multi_init(void) { return curl.multi_init(); }
CURLMcode goalsync_curl_multi_cleanup(CURLM *multi) { return curl.multi_cleanup(multi); }
CURLMcode goalsync_curl_multi_add_handle(CURLM *multi, CURL *handle) { return curl.multi_add_handle(multi, handle); }
CURLMcode goalsync_curl_multi_remove_handle(CURLM *multi, CURL *handle) { return curl.multi_remove_handle(multi, handle); }
CURLMcode goalsync_curl_multi_perform(CURLM *multi, int *running) { return curl.multi_perform(multi, running); }
CURLMcode goalsync_curl_multi_poll(CURLM *multi, struct curl_waitfd extra[], unsigned int count, int timeout_ms, int *ready) {
    return curl.multi_poll(multi, extra, count, timeout_ms, ready);
}
CURLMsg *goalsync_curl_multi_info_read(CURLM *multi, int *left) { return curl.multi_info_read(multi, left); }
const char *goalsync_curl_multi_strerror(CURLMcode code) { return curl.multi_strerror(code); }
struct curl_slist *goalsync_curl_slist_append(struct curl_slist *list, const char *line) { return curl.slist_append(list, line); }
void goalsync_curl_slist_free_all(struct curl_slist *list) { curl.slist_free_all(list); }

CURLcode goalsync_curl_set_long(CURL *handle, CURLoption option, long value) { return curl.easy_setopt(handle, option, value); }
CURLcode goalsync_curl_set_string(CURL *handle, CURLoption option, const char *value) { return curl.easy_setopt(handle, option, value); }
CURLcode goalsync_curl_set_pointer(CURL *handle, CURLoption option, void *value) { return curl.easy_setopt(handle, option, value); }
CURLcode goalsync_curl_set_off(CURL *handle, CURLoption option, curl_off_t value) { return curl.easy_setopt(handle, option, value); }
CURLcode goalsync_curl_set_slist(CURL *handle, CURLoption option, struct curl_slist *value) { return curl.easy_setopt(handle, option, value); }
CURLcode goalsync_curl_set_data_callback(CURL *handle, CURLoption option, goalsync_curl_data_callback callback) {
    return curl.easy_setopt(handle, option, callback);
}
CURLcode goalsync_curl_get_long(CURL *handle, CURLINFO info, long *value) { return curl.easy_getinfo(handle, info, value); }
CURLcode goalsync_curl_get_string(CURL *handle, CURLINFO info, char **value) { return curl.easy_getinfo(handle, info, value); }
