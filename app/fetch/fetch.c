/*
 * fetch - fetches an http:// URL and prints it or stores it in a file.
 * Plain C on the sockets of the C library: the same files build and run
 * on Linux (gcc -o fetch app/fetch/fetch.c app/fetch/http.c).
 *
 *   fetch URL [FILE]
 *
 * URL is http://HOST[:PORT][/PATH]; HOST a dotted IPv4 address or a
 * name (getaddrinfo, DNS). One GET (HTTP/1.0, so the server closes the
 * connection after the answer). Without FILE the body goes to stdout;
 * with it, into FILE, which is then read back. The summary goes to
 * stderr:
 *
 *   fetch: http://10.0.2.100/f.bin: 200, 1048576 bytes, sha256 ...
 *   fetch: stored in /tmp/f.bin: 1048576 bytes, sha256 ...   (read back)
 *
 * A network still without an address (DHCP not done) is waited for, up
 * to a minute. Exits 0 when the status is 2xx and the body is complete (as long as
 * Content-Length says, when it says), 1 otherwise, after a line that
 * says what went wrong. Chunked answers are refused (an HTTP/1.0
 * request should not get one).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "fetch.h"

#define HEAD_MAX 16384
#define TIMEOUT_SECONDS 30
#define NETWORK_WAIT_TRIES 120 /* half seconds: a minute for DHCP */

static const char *url_text;

static int failed(const char *what, const char *why)
{
    fprintf(stderr, "fetch: %s: %s%s%s\n", url_text, what, why ? ": " : "", why ? why : "");
    return 1;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
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

/* Waits half a second in poll() on a UDP socket nobody sends to: the
 * time passes in the C library's network stack, which keeps working
 * (DHCP) only while the program is in a socket call. */
static void network_pause(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct pollfd p = {.fd = s, .events = POLLIN};
    poll(&p, s >= 0 ? 1 : 0, 500);
    if (s >= 0) {
        close(s);
    }
}

/* One attempt: 0 connected (*fd), or an errno; *gai a getaddrinfo error. */
static int try_connect(const struct url *u, int *fd, int *gai)
{
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res, *ai;
    if ((*gai = getaddrinfo(u->host, u->port, &hints, &res))) {
        return -1;
    }
    int err = EHOSTUNREACH;
    *fd = -1;
    for (ai = res; ai && *fd < 0; ai = ai->ai_next) {
        *fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (*fd < 0) {
            err = errno;
            continue;
        }
        struct timeval tv = {.tv_sec = TIMEOUT_SECONDS};
        setsockopt(*fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(*fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (connect(*fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            err = errno;
            close(*fd);
            *fd = -1;
        }
    }
    freeaddrinfo(res);
    return *fd < 0 ? err : 0;
}

/* Connects to the URL's host. While the network has no address yet (no
 * route, the network down, a name server not answering: a program
 * started with the machine, before DHCP) it tries again every half
 * second, up to a minute; a refused connection or an unknown name ends
 * it at once. */
static int connect_to(const struct url *u)
{
    int fd = -1, gai = 0, err = 0;
    for (int tries = 0;; tries++) {
        err = try_connect(u, &fd, &gai);
        if (!err) {
            return fd;
        }
        int again = gai ? gai == EAI_AGAIN : err == EHOSTUNREACH || err == ENETUNREACH || err == ENETDOWN;
        if (!again || tries == NETWORK_WAIT_TRIES) {
            break;
        }
        if (tries == 0) {
            fprintf(stderr, "fetch: %s: waiting for the network (%s)\n", url_text,
                    gai ? gai_strerror(gai) : strerror(err));
        }
        network_pause();
    }
    if (gai) {
        fprintf(stderr, "fetch: %s: no address for \"%s\": %s\n", url_text, u->host, gai_strerror(gai));
    } else {
        fprintf(stderr, "fetch: %s: cannot connect to %s port %s: %s\n", url_text, u->host, u->port,
                strerror(err));
    }
    return -1;
}

/* reads FILE back and prints its size and digest */
static int read_back(const char *file, uint64_t want)
{
    int fd = open(file, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "fetch: %s: cannot read it back: %s\n", file, strerror(errno));
        return 1;
    }
    struct sha256 s;
    char buf[8192], hex[65];
    ssize_t n;
    sha256_init(&s);
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        sha256_add(&s, buf, (size_t)n);
    }
    int e = n < 0 ? errno : 0;
    close(fd);
    uint64_t got = s.bytes;
    sha256_hex(&s, hex);
    if (e) {
        fprintf(stderr, "fetch: %s: reading it back: %s\n", file, strerror(e));
        return 1;
    }
    fprintf(stderr, "fetch: stored in %s: %llu bytes, sha256 %s\n", file, (unsigned long long)got, hex);
    if (got != want) {
        fprintf(stderr, "fetch: %s holds %llu bytes, not the %llu received\n", file, (unsigned long long)got,
                (unsigned long long)want);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: fetch http://HOST[:PORT][/PATH] [FILE]\n");
        return 2;
    }
    url_text = argv[1];
    const char *file = argc == 3 ? argv[2] : NULL;
    static struct url u;
    const char *bad = url_parse(url_text, &u);
    if (bad) {
        return failed(bad, NULL);
    }
    int out = 1;
    if (file && (out = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
        fprintf(stderr, "fetch: %s: cannot create it: %s\n", file, strerror(errno));
        return 1;
    }
    int fd = connect_to(&u);
    if (fd < 0) {
        return 1;
    }
    static char buf[HEAD_MAX + 1];
    int rl = snprintf(buf, sizeof(buf),
                      "GET %s HTTP/1.0\r\nHost: %s%s%s\r\nUser-Agent: arbor-fetch\r\nAccept: */*\r\n\r\n",
                      u.path, u.host, strcmp(u.port, "80") ? ":" : "", strcmp(u.port, "80") ? u.port : "");
    if (write_all(fd, buf, (size_t)rl) < 0) {
        return failed("sending the request", strerror(errno));
    }
    size_t have = 0, head_len = 0;
    while (!(head_len = answer_head_end(buf, have))) {
        if (have == HEAD_MAX) {
            return failed("the answer's head is longer than 16 KiB", NULL);
        }
        ssize_t n = recv(fd, buf + have, HEAD_MAX - have, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return failed("the connection ended before the answer's head", n < 0 ? strerror(errno) : NULL);
        }
        have += (size_t)n;
    }
    struct answer_head h;
    if ((bad = answer_head_parse(buf, head_len, &h))) {
        return failed(bad, NULL);
    }
    if (h.chunked) {
        return failed("a chunked answer (not supported)", NULL);
    }
    struct sha256 s;
    sha256_init(&s);
    char *body = buf + head_len;
    size_t n = have - head_len;
    int io_error = 0;
    for (;;) {
        if (h.content_length >= 0 && s.bytes + n > (uint64_t)h.content_length) {
            return failed("more bytes than Content-Length says", NULL);
        }
        sha256_add(&s, body, n);
        if (n && write_all(out, body, n) < 0) {
            return failed(file ? "writing the file" : "writing stdout", strerror(errno));
        }
        if (h.content_length >= 0 && s.bytes == (uint64_t)h.content_length) {
            break;
        }
        ssize_t r;
        do {
            r = recv(fd, buf, HEAD_MAX, 0);
        } while (r < 0 && errno == EINTR);
        if (r < 0) {
            io_error = errno;
            break;
        }
        if (r == 0) {
            break;
        }
        body = buf;
        n = (size_t)r;
    }
    close(fd);
    uint64_t got = s.bytes;
    char hex[65];
    sha256_hex(&s, hex);
    if (file && close(out) < 0) {
        return failed("closing the file", strerror(errno));
    }
    if (io_error) {
        return failed("receiving the body", strerror(io_error));
    }
    fprintf(stderr, "fetch: %s: %d, %llu bytes, sha256 %s\n", url_text, h.status, (unsigned long long)got,
            hex);
    if (h.content_length >= 0 && got != (uint64_t)h.content_length) {
        fprintf(stderr, "fetch: %s: the body ended after %llu of %lld bytes\n", url_text,
                (unsigned long long)got, (long long)h.content_length);
        return 1;
    }
    if (file && read_back(file, got)) {
        return 1;
    }
    if (h.status < 200 || h.status > 299) {
        fprintf(stderr, "fetch: %s: the server answered %d\n", url_text, h.status);
        return 1;
    }
    return 0;
}
