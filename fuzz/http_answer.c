/*
 * app/fetch's parsers (app/fetch/http.c) on any bytes: the first line
 * as a URL, the rest as the answer a server sends, cut where fetch cuts
 * its head (answer_head_end). An accepted URL has a host without
 * separators or control characters, a port 1..65535 and a path that
 * starts with '/'; an accepted head a status 100..599 and a length of
 * -1 (none) or more.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../app/fetch/fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t ul = nl ? (size_t)(nl - data) : size;
    char *url = malloc(ul + 1);
    if (!url) {
        return 0;
    }
    memcpy(url, data, ul);
    url[ul] = '\0';
    static struct url u;
    if (url_parse(url, &u) == NULL) {
        long port = strtol(u.port, NULL, 10);
        if (!u.host[0] || u.host[strcspn(u.host, ":/?#@ \t\r\n")] || port < 1 || port > 65535 ||
            u.path[0] != '/') {
            __builtin_trap();
        }
        for (const char *p = u.path; *p; p++) {
            if ((unsigned char)*p <= ' ' || *p == 0x7f) {
                __builtin_trap();
            }
        }
    }
    free(url);
    if (nl) {
        size_t n = size - ul - 1;
        char *answer = malloc(n ? n : 1); /* exactly the bytes: no NUL to lean on */
        if (!answer) {
            return 0;
        }
        memcpy(answer, nl + 1, n);
        size_t head = answer_head_end(answer, n);
        struct answer_head h;
        if (head > n || (head && answer_head_parse(answer, head, &h) == NULL &&
                         (h.status < 100 || h.status > 599 || h.content_length < -1))) {
            __builtin_trap();
        }
        free(answer);
    }
    return 0;
}
