/*
 * httpd - a small web server: serves the files of a directory over
 * HTTP/1.1 (GET and HEAD, keep-alive, pipelined requests, content types
 * and lengths, 404, a limit on the request's size) and logs each
 * request on stdout. Plain C on the sockets of the C library: the same
 * file builds and runs on Linux (gcc -o httpd httpd.c).
 *
 *   httpd [PORT [ROOT [MAX_REQUEST]]]     defaults: 80, /www, 8192 bytes
 *
 * Connections are served one after the other, each until the client
 * closes it, asks to, or is idle for IDLE_SECONDS; more wait in the
 * listen backlog. (Serving many at once waits for poll() on sockets.)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#define IDLE_SECONDS 5
#define SEND_SECONDS 30
#define PATH_MAX_LEN 512

struct server {
    int port;
    const char *root;
    size_t max_request;
    unsigned long requests;
};

struct conn {
    int fd;
    char peer[INET_ADDRSTRLEN];
    char *buf;  /* max_request + 1 bytes */
    size_t len; /* bytes in buf: this request's head and what follows it */
};

struct request {
    char method[8];
    char path[PATH_MAX_LEN];
    int minor;       /* HTTP/1.minor */
    int keep_alive;  /* the client asks to keep the connection */
    long body;       /* Content-Length; -1 for chunked */
};

static const struct {
    const char *ext, *type;
} types[] = {
    {"html", "text/html; charset=utf-8"}, {"htm", "text/html; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"}, {"css", "text/css"},
    {"js", "text/javascript"},            {"json", "application/json"},
    {"png", "image/png"},                 {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},               {"gif", "image/gif"},
    {"svg", "image/svg+xml"},             {"ico", "image/x-icon"},
    {"pdf", "application/pdf"},           {"xml", "application/xml"},
};

static const char *content_type(const char *path)
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

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

/* All of buf, or -1 when the connection failed. */
static int send_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void log_request(struct conn *c, const struct request *r, int status, long long bytes)
{
    printf("%s \"%s %s HTTP/1.%d\" %d %lld\n", c->peer, r->method[0] ? r->method : "-",
           r->path[0] ? r->path : "-", r->minor, status, bytes);
}

/* A response without a file: the status line and a short text. */
static int send_error(struct conn *c, const struct request *r, int status, int keep)
{
    char body[128], head[512];
    int bl = snprintf(body, sizeof(body), "%d %s\n", status, reason(status));
    int hl = snprintf(head, sizeof(head),
                      "HTTP/1.1 %d %s\r\nServer: arbor-httpd\r\nContent-Type: text/plain; charset=utf-8\r\n"
                      "Content-Length: %d\r\n%sConnection: %s\r\n\r\n",
                      status, reason(status), bl, status == 405 ? "Allow: GET, HEAD\r\n" : "",
                      keep ? "keep-alive" : "close");
    log_request(c, r, status, 0);
    if (send_all(c->fd, head, (size_t)hl) < 0) {
        return -1;
    }
    return strcmp(r->method, "HEAD") ? send_all(c->fd, body, (size_t)bl) : 0;
}

static int hex(int ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
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
static int parse(const char *head, struct request *r)
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
    r->keep_alive = r->minor == 1 ? !(conn && has_token(conn, len, "close")) : conn && has_token(conn, len, "keep-alive");
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

/* Send the file of the request (or 404/403), keeping the connection when keep. */
static int serve_file(struct server *sv, struct conn *c, const struct request *r, int keep)
{
    char path[PATH_MAX_LEN + 256], head[512];
    struct stat st;
    snprintf(path, sizeof(path), "%s%s", sv->root, r->path);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        strncat(path, path[strlen(path) - 1] == '/' ? "index.html" : "/index.html", sizeof(path) - strlen(path) - 1);
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) {
            close(fd);
        }
        return send_error(c, r, errno == EACCES ? 403 : 404, keep);
    }
    int hl = snprintf(head, sizeof(head),
                      "HTTP/1.1 200 OK\r\nServer: arbor-httpd\r\nContent-Type: %s\r\nContent-Length: %lld\r\n"
                      "Connection: %s\r\n\r\n",
                      content_type(path), (long long)st.st_size, keep ? "keep-alive" : "close");
    int rc = send_all(c->fd, head, (size_t)hl);
    long long sent = 0;
    if (rc == 0 && !strcmp(r->method, "GET")) {
        static char chunk[16384];
        ssize_t n;
        while (rc == 0 && (n = read(fd, chunk, sizeof(chunk))) > 0) {
            rc = send_all(c->fd, chunk, (size_t)n);
            sent += rc == 0 ? n : 0;
        }
        if (sent != (long long)st.st_size) {
            rc = -1; /* the length is promised: close rather than send less */
        }
    }
    close(fd);
    log_request(c, r, 200, sent);
    return rc;
}

/* Bytes of the head in c->buf (up to and with the empty line), 0 while
 * incomplete. */
static size_t head_length(struct conn *c)
{
    c->buf[c->len] = '\0';
    char *end = strstr(c->buf, "\r\n\r\n");
    return end ? (size_t)(end - c->buf) + 4 : 0;
}

/* One request of c: read its head, answer it. 1 to go on with the
 * connection, 0 to close it. */
static int one_request(struct server *sv, struct conn *c)
{
    struct request r = {.minor = 1};
    size_t hl;
    while (!(hl = head_length(c))) {
        if (c->len >= sv->max_request) {
            send_error(c, &r, 431, 0);
            return 0;
        }
        ssize_t n = recv(c->fd, c->buf + c->len, sv->max_request - c->len, 0);
        if (n <= 0) {
            if (n < 0 && errno == EAGAIN && c->len) {
                send_error(c, &r, 408, 0);
            }
            return 0; /* closed, idle, or failed */
        }
        c->len += (size_t)n;
    }
    sv->requests++;
    c->buf[hl - 2] = '\0'; /* the head ends in its last line's CRLF */
    int status = parse(c->buf, &r);
    int keep = !status && r.keep_alive;
    int rc = status ? send_error(c, &r, status, 0) : serve_file(sv, c, &r, keep);
    memmove(c->buf, c->buf + hl, c->len - hl);
    c->len -= hl;
    return rc == 0 && keep;
}

static void serve_connection(struct server *sv, int fd, const struct sockaddr_in *peer)
{
    struct conn c = {.fd = fd, .buf = malloc(sv->max_request + 1)};
    struct timeval idle = {IDLE_SECONDS, 0}, snd = {SEND_SECONDS, 0};
    int one = 1;
    inet_ntop(AF_INET, &peer->sin_addr, c.peer, sizeof(c.peer));
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof(snd));
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (c.buf) {
        while (one_request(sv, &c)) {
        }
    }
    free(c.buf);
    close(fd);
}

int main(int argc, char **argv)
{
    struct server sv = {.port = argc > 1 ? atoi(argv[1]) : 80,
                        .root = argc > 2 ? argv[2] : "/www",
                        .max_request = argc > 3 ? strtoul(argv[3], NULL, 0) : 8192};
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)sv.port)};
    int one = 1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    if (sv.port <= 0 || sv.port > 65535 || sv.max_request < 64) {
        fprintf(stderr, "httpd: usage: httpd [PORT [ROOT [MAX_REQUEST >= 64]]]\n");
        return 2;
    }
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, SOMAXCONN) < 0) {
        fprintf(stderr, "httpd: cannot listen on TCP port %d: %s\n", sv.port, strerror(errno));
        return 1;
    }
    printf("httpd: serving %s on TCP port %d (requests up to %zu bytes)\n", sv.root, sv.port, sv.max_request);
    for (;;) {
        struct sockaddr_in peer;
        socklen_t len = sizeof(peer);
        int fd = accept(l, (struct sockaddr *)&peer, &len);
        if (fd < 0) {
            if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
                fprintf(stderr, "httpd: accept: %s\n", strerror(errno));
            }
            continue;
        }
        serve_connection(&sv, fd, &peer);
    }
}
