/*
 * HTTP/1.x requests for httpd (request.h): the request line, the
 * Connection, Content-Length and Transfer-Encoding headers, the target
 * percent-decoded and refused when it could leave the root.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "request.h"

static const struct {
    const char *ext, *type;
} types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"css", "text/css"},
    {"js", "text/javascript"},
    {"json", "application/json"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"svg", "image/svg+xml"},
    {"ico", "image/x-icon"},
    {"pdf", "application/pdf"},
    {"xml", "application/xml"},
};

const char *content_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && !strchr(dot, '/')) {
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
            if (!strcasecmp(dot + 1, types[i].ext)) {
                return types[i].type;
            }
        }
    }
    return "application/octet-stream";
}

const char *reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

static int hex(int ch)
{
    return ch >= '0' && ch <= '9'   ? ch - '0'
           : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
           : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                    : -1;
}

/* Decode %XX in the target up to '?' into out; refuse NUL, "..", and
 * anything not starting with '/'. 0, or the status to answer. */
static int decode_path(const char *target, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    if (!n || target[0] != '/') {
        return 400;
    }
    for (size_t i = 0; i < n && target[i] != '?' && target[i] != '#'; i++) {
        int ch = (unsigned char)target[i];
        if (ch == '%') {
            int hi = i + 2 < n ? hex(target[i + 1]) : -1, lo = i + 2 < n ? hex(target[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                return 400;
            }
            ch = hi * 16 + lo;
            i += 2;
        }
        if (ch == 0) {
            return 400;
        }
        if (o + 1 >= cap) {
            return 414;
        }
        out[o++] = (char)ch;
    }
    out[o] = '\0';
    /* no ".." segment: nothing outside the root */
    for (const char *p = out; (p = strstr(p, "..")); p += 2) {
        if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0')) {
            return 403;
        }
    }
    return 0;
}

/* The value of header name in head (lines after the first), or NULL. */
static const char *header(const char *head, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    for (const char *line = strstr(head, "\r\n"); line && line[2] != '\r'; line = strstr(line + 2, "\r\n")) {
        const char *h = line + 2;
        if (!strncasecmp(h, name, nl) && h[nl] == ':') {
            const char *v = h + nl + 1, *end = strstr(v, "\r\n");
            if (!end) { /* the last line without its CRLF (httpd always has it) */
                end = v + strlen(v);
            }
            while (*v == ' ' || *v == '\t') {
                v++;
            }
            *len = (size_t)(end - v);
            while (*len && (v[*len - 1] == ' ' || v[*len - 1] == '\t')) {
                (*len)--;
            }
            return v;
        }
    }
    return NULL;
}

static int has_token(const char *v, size_t len, const char *token)
{
    size_t tl = strlen(token);
    for (size_t i = 0; i + tl <= len; i++) {
        if (!strncasecmp(v + i, token, tl) && (i == 0 || v[i - 1] == ' ' || v[i - 1] == ',') &&
            (i + tl == len || v[i + tl] == ' ' || v[i + tl] == ',')) {
            return 1;
        }
    }
    return 0;
}

/* Parse the head (NUL-terminated, ending in an empty line). 0 or a status. */
int request_parse(const char *head, struct request *r)
{
    const char *sp1 = strchr(head, ' '), *eol = strstr(head, "\r\n");
    const char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    size_t len;
    if (!sp1 || !sp2 || sp2 > eol || (size_t)(sp1 - head) >= sizeof(r->method)) {
        return 400;
    }
    memcpy(r->method, head, (size_t)(sp1 - head));
    r->method[sp1 - head] = '\0';
    if (strncmp(sp2 + 1, "HTTP/1.", 7) || (sp2[8] != '0' && sp2[8] != '1') || sp2 + 9 != eol) {
        return strncmp(sp2 + 1, "HTTP/", 5) ? 400 : 505;
    }
    r->minor = sp2[8] - '0';
    int bad = decode_path(sp1 + 1, (size_t)(sp2 - sp1 - 1), r->path, sizeof(r->path));
    if (bad) {
        return bad;
    }
    const char *conn = header(head, "Connection", &len);
    r->keep_alive =
        r->minor == 1 ? !(conn && has_token(conn, len, "close")) : conn && has_token(conn, len, "keep-alive");
    const char *cl = header(head, "Content-Length", &len);
    r->body = cl ? strtol(cl, NULL, 10) : 0;
    if (header(head, "Transfer-Encoding", &len)) {
        r->body = -1;
    }
    if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
        return 405;
    }
    return r->body ? 413 : 0;
}
