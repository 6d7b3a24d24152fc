#ifndef GOALSYNC_CCURL_SHIM_H
#define GOALSYNC_CCURL_SHIM_H
#include <curl/curl.h>
#include <sys/types.h>

/* curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic, which Swift cannot call:
   one typed, non-variadic wrapper per kind of argument (GoalSyncGit/HTTPTransport.swift). */
static inline CURLcode goalsync_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode goalsync_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode goalsync_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode goalsync_curl_set_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode goalsync_curl_set_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*goalsync_curl_data_callback)(char *data, size_t size, size_t count, void *user);
static inline CURLcode goalsync_curl_set_data_callback(CURL *handle, CURLoption option, goalsync_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}
static inline CURLcode goalsync_curl_get_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode goalsync_curl_get_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode goalsync_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}
#endif
