#ifndef GOALSYNC_CCURL_H
#define GOALSYNC_CCURL_H
// libcurl, loaded when the first http(s) remote is used (curl_load.c): goalsync links no libcurl,
// so a process that never speaks http (the pre-commit hook, the merge driver, every local command)
// does not map libcurl and its two dozen dependencies at start-up.
#include <curl/curl.h>
#include <stddef.h>
#include <sys/types.h>

/// Loads libcurl (`libcurl.so.4`) and initialises it (`curl_global_init`) once per process.
/// Returns NULL when libcurl is ready, or a message saying why it is not (static storage).
const char *goalsync_curl_load(void);

CURL *goalsync_curl_easy_init(void);
void goalsync_curl_easy_cleanup(CURL *handle);
const char *goalsync_curl_easy_strerror(CURLcode code);
CURLM *goalsync_curl_multi_init(void);
CURLMcode goalsync_curl_multi_cleanup(CURLM *multi);
CURLMcode goalsync_curl_multi_add_handle(CURLM *multi, CURL *handle);
CURLMcode goalsync_curl_multi_remove_handle(CURLM *multi, CURL *handle);
CURLMcode goalsync_curl_multi_perform(CURLM *multi, int *running);
CURLMcode goalsync_curl_multi_poll(CURLM *multi, struct curl_waitfd extra[], unsigned int count, int timeout_ms, int *ready);
CURLMsg *goalsync_curl_multi_info_read(CURLM *multi, int *left);
const char *goalsync_curl_multi_strerror(CURLMcode code);
struct curl_slist *goalsync_curl_slist_append(struct curl_slist *list, const char *line);
void goalsync_curl_slist_free_all(struct curl_slist *list);

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed,
// non-variadic function per kind of argument.
CURLcode goalsync_curl_set_long(CURL *handle, CURLoption option, long value);
CURLcode goalsync_curl_set_string(CURL *handle, CURLoption option, const char *value);
CURLcode goalsync_curl_set_pointer(CURL *handle, CURLoption option, void *value);
CURLcode goalsync_curl_set_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode goalsync_curl_set_slist(CURL *handle, CURLoption option, struct curl_slist *value);
typedef size_t (*goalsync_curl_data_callback)(char *data, size_t size, size_t count, void *user);
CURLcode goalsync_curl_set_data_callback(CURL *handle, CURLoption option, goalsync_curl_data_callback callback);
CURLcode goalsync_curl_get_long(CURL *handle, CURLINFO info, long *value);
CURLcode goalsync_curl_get_string(CURL *handle, CURLINFO info, char **value);

/// Whether this process has loaded libcurl (for the start-up test).
int goalsync_curl_is_loaded(void);
#endif
