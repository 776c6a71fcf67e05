/*
 * httpd - a small web server: serves the files of a directory over
 * HTTP/1.1 (GET and HEAD, keep-alive, pipelined requests, content types
 * and lengths, 404, a limit on the request's size) and logs each
 * request on stdout. Plain C on the sockets and poll() of the C
 * library: the same files build and run on Linux
 * (gcc -o httpd app/httpd/httpd.c app/httpd/request.c).
 *
 *   httpd [PORT [ROOT [MAX_REQUEST]]]     defaults: 80, /www, 8192 bytes
 *
 * One thread serves up to CONN_MAX connections at once: every socket is
 * non-blocking, poll() says which can go on, and each connection is a
 * small state machine — reading a request's head, or sending its
 * answer (the head, then the file a piece at a time). A connection
 * idle for IDLE_SECONDS, or whose client takes nothing for
 * IDLE_SECONDS, is closed. request.c parses the requests.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include "request.h"

#define CONN_MAX 32
#define IDLE_SECONDS 10
#define CHUNK 16384

struct server {
    int port;
    const char *root;
    size_t max_request;
    unsigned long requests;
};

struct conn {
    int fd; /* -1: the slot is free */
    char peer[INET_ADDRSTRLEN];
    time_t active; /* when it last moved */
    char *in;      /* max_request + 1 bytes: the request's head and what follows */
    size_t in_len;
    /* the answer being sent: its head and body bytes in out, more of
     * the file from file; busy while there is any */
    int busy, keep, status, file;
    char *out; /* CHUNK bytes */
    size_t out_len, out_off;
    long long left, body; /* file bytes not read yet; body bytes sent */
    struct request req;
};

static time_t now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

static void log_request(const struct conn *c)
{
    printf("%s \"%s %s HTTP/1.%d\" %d %lld\n", c->peer, c->req.method[0] ? c->req.method : "-",
           c->req.path[0] ? c->req.path : "-", c->req.minor, c->status, c->body);
}

static void conn_close(struct conn *c)
{
    if (c->file >= 0) {
        close(c->file);
    }
    close(c->fd);
    free(c->in);
    free(c->out);
    *c = (struct conn){.fd = -1, .file = -1};
}

/* Start the answer of status without a file: a short text. */
static void answer_error(struct conn *c, int status, int keep)
{
    char body[64];
    int head = !strcmp(c->req.method, "HEAD");
    int bl = snprintf(body, sizeof(body), "%d %s\n", status, reason(status));
    c->status = status;
    c->keep = keep;
    c->out_len = (size_t)snprintf(
        c->out, CHUNK,
        "HTTP/1.1 %d %s\r\nServer: arbor-httpd\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Length: %d\r\n%sConnection: %s\r\n\r\n%s",
        status, reason(status), bl, status == 405 ? "Allow: GET, HEAD\r\n" : "",
        keep ? "keep-alive" : "close", head ? "" : body);
    c->body = head ? 0 : bl;
    c->busy = 1;
}

/* Start the answer of the file the request names (or 404). */
static void answer_file(struct server *sv, struct conn *c)
{
    char path[PATH_MAX_LEN + 256];
    struct stat st;
    snprintf(path, sizeof(path), "%s%s", sv->root, c->req.path);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        strncat(path, path[strlen(path) - 1] == '/' ? "index.html" : "/index.html",
                sizeof(path) - strlen(path) - 1);
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int status = fd < 0 && errno == EACCES ? 403 : 404;
        if (fd >= 0) {
            close(fd);
        }
        answer_error(c, status, c->req.keep_alive); /* a missing file does not end the connection */
        return;
    }
    c->status = 200;
    c->keep = c->req.keep_alive;
    c->out_len = (size_t)snprintf(
        c->out, CHUNK,
        "HTTP/1.1 200 OK\r\nServer: arbor-httpd\r\nContent-Type: %s\r\nContent-Length: %lld\r\n"
        "Connection: %s\r\n\r\n",
        content_type(path), (long long)st.st_size, c->keep ? "keep-alive" : "close");
    c->body = 0;
    c->busy = 1;
    if (strcmp(c->req.method, "HEAD")) {
        c->file = fd;
        c->left = st.st_size;
    } else {
        close(fd);
    }
}

/* Bytes of the head in c->in (up to and with the empty line), 0 while
 * it is incomplete. */
static size_t head_length(struct conn *c)
{
    c->in[c->in_len] = '\0';
    char *end = strstr(c->in, "\r\n\r\n");
    return end ? (size_t)(end - c->in) + 4 : 0;
}

/* If a whole request waits and no answer is being sent, start its answer. */
static void next_request(struct server *sv, struct conn *c)
{
    size_t hl;
    if (c->busy) {
        return;
    }
    c->req = (struct request){.minor = 1};
    if (!(hl = head_length(c))) {
        if (c->in_len >= sv->max_request) {
            answer_error(c, 431, 0);
        }
        return;
    }
    sv->requests++;
    c->in[hl - 2] = '\0'; /* the head ends in its last line's CRLF */
    int status = request_parse(c->in, &c->req);
    if (status) {
        answer_error(c, status, 0);
    } else {
        answer_file(sv, c);
    }
    memmove(c->in, c->in + hl, c->in_len - hl);
    c->in_len -= hl;
}

/* Send what the answer has ready, refilling from the file; at its end
 * log it and go on with the next request, or close. */
static void send_some(struct server *sv, struct conn *c)
{
    while (c->busy) {
        if (c->out_off == c->out_len && c->left > 0) {
            ssize_t n = read(c->file, c->out, (size_t)(c->left < CHUNK ? c->left : CHUNK));
            if (n <= 0) {
                conn_close(c); /* the length is promised: close rather than send less */
                return;
            }
            c->out_len = (size_t)n;
            c->out_off = 0;
            c->left -= n;
            c->body += n;
        }
        if (c->out_off < c->out_len) {
            ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
            if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
                return;
            }
            if (w <= 0) {
                conn_close(c);
                return;
            }
            c->out_off += (size_t)w;
            c->active = now();
            continue;
        }
        /* all sent */
        log_request(c);
        if (c->file >= 0) {
            close(c->file);
        }
        c->file = -1;
        c->busy = 0;
        c->out_len = c->out_off = 0;
        if (!c->keep) {
            conn_close(c);
            return;
        }
        next_request(sv, c);
    }
}

static void receive_some(struct server *sv, struct conn *c)
{
    ssize_t n = recv(c->fd, c->in + c->in_len, sv->max_request - c->in_len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        conn_close(c); /* closed (or failed) with no answer due */
        return;
    }
    c->in_len += (size_t)n;
    c->active = now();
    next_request(sv, c);
    send_some(sv, c);
}

/* Take a waiting connection into a free slot (there is one). */
static void accept_one(struct server *sv, struct conn *c, int l)
{
    struct sockaddr_in peer;
    socklen_t len = sizeof(peer);
    int one = 1, fd = accept(l, (struct sockaddr *)&peer, &len);
    if (fd < 0) {
        return;
    }
    *c = (struct conn){
        .fd = fd, .file = -1, .active = now(), .in = malloc(sv->max_request + 1), .out = malloc(CHUNK)};
    if (!c->in || !c->out) {
        fprintf(stderr, "httpd: out of memory for a connection\n");
        conn_close(c);
        return;
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    inet_ntop(AF_INET, &peer.sin_addr, c->peer, sizeof(c->peer));
}

/* Serve the listening socket l for ever. */
__attribute__((noreturn)) static void serve(struct server *sv, int l)
{
    static struct conn conns[CONN_MAX];
    struct pollfd fds[CONN_MAX + 1];
    struct conn *of[CONN_MAX + 1];
    for (int i = 0; i < CONN_MAX; i++) {
        conns[i] = (struct conn){.fd = -1, .file = -1};
    }
    for (;;) {
        int n = 0;
        struct conn *free_slot = NULL;
        time_t t = now();
        for (int i = 0; i < CONN_MAX; i++) {
            struct conn *c = &conns[i];
            if (c->fd >= 0 && t - c->active >= IDLE_SECONDS) {
                conn_close(c); /* idle, or its client takes nothing */
            }
            if (c->fd < 0) {
                free_slot = free_slot ? free_slot : c;
                continue;
            }
            of[n] = c;
            fds[n++] = (struct pollfd){.fd = c->fd, .events = c->busy ? POLLOUT : POLLIN};
        }
        if (free_slot) { /* more connections wait in the backlog meanwhile */
            of[n] = NULL;
            fds[n++] = (struct pollfd){.fd = l, .events = POLLIN};
        }
        if (poll(fds, (nfds_t)n, 1000) < 0) {
            fprintf(stderr, "httpd: poll: %s\n", strerror(errno));
            continue;
        }
        for (int i = 0; i < n; i++) {
            if (!fds[i].revents) {
                continue;
            }
            if (!of[i]) {
                accept_one(sv, free_slot, l);
            } else if (of[i]->busy) {
                send_some(sv, of[i]);
            } else {
                receive_some(sv, of[i]);
            }
        }
    }
}

/* A listening socket on port of every address; -1 with errno. */
static int listen_on(int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int one = 1, l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, SOMAXCONN) < 0) {
        int e = errno;
        if (l >= 0) {
            close(l);
        }
        errno = e;
        return -1;
    }
    return l;
}

int main(int argc, char **argv)
{
    struct server sv = {.port = argc > 1 ? atoi(argv[1]) : 80,
                        .root = argc > 2 ? argv[2] : "/www",
                        .max_request = argc > 3 ? strtoul(argv[3], NULL, 0) : 8192};
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    if (sv.port <= 0 || sv.port > 65535 || sv.max_request < 64 || sv.max_request > (1 << 20)) {
        fprintf(stderr, "httpd: usage: httpd [PORT [ROOT [MAX_REQUEST, 64..1048576]]]\n");
        return 2;
    }
    int l = listen_on(sv.port);
    if (l < 0) {
        fprintf(stderr, "httpd: cannot listen on TCP port %d: %s\n", sv.port, strerror(errno));
        return 1;
    }
    printf("httpd: serving %s on TCP port %d (requests up to %zu bytes)\n", sv.root, sv.port, sv.max_request);
    serve(&sv, l);
}
