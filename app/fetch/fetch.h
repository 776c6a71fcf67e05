/*
 * fetch.h - the pure parts of app/fetch: URLs, the head of an HTTP
 * answer, SHA-256. No I/O; unit/fetch.c tests them on the host.
 */
#ifndef FETCH_H
#define FETCH_H

#include <stddef.h>
#include <stdint.h>

#define URL_HOST_MAX 256
#define URL_PATH_MAX 1024

struct url {
    char host[URL_HOST_MAX]; /* a name or a dotted IPv4 address */
    char port[6];            /* decimal, 1..65535; "80" when the URL names none */
    char path[URL_PATH_MAX]; /* from the first '/', "/" when the URL has none */
};

/* Splits "http://HOST[:PORT][/PATH]". Returns NULL, or what is wrong
 * with the URL (another scheme, an empty host, a bad port, too long, a
 * space or control character). */
const char *url_parse(const char *text, struct url *u);

struct answer_head {
    int status;             /* 100..599 */
    int64_t content_length; /* -1 when the head names none */
    int chunked;            /* Transfer-Encoding: chunked */
};

/* Finds the end of a head (the empty line) in buf[0..n): returns the
 * length of the head including it, or 0 while it is incomplete. */
size_t answer_head_end(const char *buf, size_t n);

/* Parses a complete head of `n` bytes. Returns NULL, or what is wrong
 * (no status line, a bad status, a bad Content-Length). */
const char *answer_head_parse(const char *buf, size_t n, struct answer_head *h);

struct sha256 {
    uint32_t h[8];
    uint64_t bytes;
    uint8_t block[64];
    size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_add(struct sha256 *s, const void *data, size_t n);
/* hex: 65 bytes, the digest in lower-case hex and a NUL */
void sha256_hex(struct sha256 *s, char hex[65]);

#endif
