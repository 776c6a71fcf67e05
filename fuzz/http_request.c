/*
 * app/httpd's request parser (app/httpd/request.c) on any bytes, cut as
 * httpd cuts a head (up to the first empty line, without its last CRLF;
 * nothing to parse without one). An accepted request must name GET or
 * HEAD and a path that starts with '/' and has no ".." segment.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../app/httpd/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *head = malloc(size + 1);
    if (!head) {
        return 0;
    }
    memcpy(head, data, size);
    head[size] = '\0';
    char *end = strstr(head, "\r\n\r\n");
    if (end) {
        end[2] = '\0';
        struct request r = {.minor = 1};
        if (request_parse(head, &r) == 0) {
            if (r.path[0] != '/' || (strcmp(r.method, "GET") && strcmp(r.method, "HEAD"))) {
                __builtin_trap();
            }
            for (const char *p = strstr(r.path, ".."); p; p = strstr(p + 2, "..")) {
                if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0')) {
                    __builtin_trap();
                }
            }
        }
    }
    free(head);
    return 0;
}
