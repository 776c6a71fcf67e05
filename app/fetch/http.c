/*
 * http.c - app/fetch's URLs, answer heads and SHA-256 (fetch.h).
 * SHA-256 as FIPS 180-4 defines it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "fetch.h"

const char *url_parse(const char *text, struct url *u)
{
    static const char scheme[] = "http://";
    if (strncasecmp(text, scheme, sizeof(scheme) - 1) != 0) {
        return "not an http:// URL (https and other schemes are not supported)";
    }
    for (const char *c = text; *c; c++) {
        if ((unsigned char)*c <= ' ' || *c == 0x7f) {
            return "a space or control character in the URL";
        }
    }
    const char *p = text + sizeof(scheme) - 1;
    size_t hl = strcspn(p, ":/?#");
    if (hl == 0) {
        return "no host in the URL";
    }
    if (hl >= sizeof(u->host)) {
        return "the host name is too long";
    }
    if (memchr(p, '@', hl)) {
        return "user names in URLs are not supported";
    }
    memcpy(u->host, p, hl);
    u->host[hl] = 0;
    p += hl;
    strcpy(u->port, "80");
    if (*p == ':') {
        p++;
        size_t pl = strspn(p, "0123456789");
        if (pl == 0 || pl > 5 || (p[pl] && p[pl] != '/' && p[pl] != '?' && p[pl] != '#')) {
            return "a bad port in the URL";
        }
        long port = strtol(p, NULL, 10);
        if (port < 1 || port > 65535) {
            return "the port is not in 1..65535";
        }
        snprintf(u->port, sizeof(u->port), "%ld", port);
        p += pl;
    }
    size_t rest = strcspn(p, "#"); /* the fragment stays with the client */
    if (rest + 2 > sizeof(u->path)) {
        return "the path is too long";
    }
    size_t o = 0;
    if (*p != '/') {
        u->path[o++] = '/';
    }
    memcpy(u->path + o, p, rest);
    u->path[o + rest] = 0;
    return NULL;
}

size_t answer_head_end(const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (buf[i] != '\n') {
            continue;
        }
        if (i + 1 < n && buf[i + 1] == '\n') {
            return i + 2;
        }
        if (i + 2 < n && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
            return i + 3;
        }
    }
    return 0;
}

/* the value of a header line "Name: value" if the line is that header */
static const char *header_value(const char *line, size_t len, const char *name, size_t *vlen)
{
    size_t nl = strlen(name);
    if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':') {
        return NULL;
    }
    const char *v = line + nl + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t')) {
        v++;
    }
    while (end > v && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) {
        end--;
    }
    *vlen = (size_t)(end - v);
    return v;
}

const char *answer_head_parse(const char *buf, size_t n, struct answer_head *h)
{
    h->status = 0;
    h->content_length = -1;
    h->chunked = 0;
    const char *end = buf + n, *eol = memchr(buf, '\n', n);
    if (!eol || n < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ') {
        return "the answer has no HTTP/1.x status line";
    }
    if (buf[9] < '1' || buf[9] > '5' || buf[10] < '0' || buf[10] > '9' || buf[11] < '0' || buf[11] > '9' ||
        (buf + 12 < eol && buf[12] != ' ' && buf[12] != '\r')) {
        return "the answer's status is not three digits 100..599";
    }
    h->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
    for (const char *line = eol + 1; line < end;) {
        const char *next = memchr(line, '\n', (size_t)(end - line));
        size_t len = next ? (size_t)(next - line) : (size_t)(end - line);
        size_t vl;
        const char *v;
        if ((v = header_value(line, len, "Content-Length", &vl))) {
            if (vl == 0 || vl > 18 || strspn(v, "0123456789") < vl) {
                return "a bad Content-Length";
            }
            int64_t cl = 0;
            for (size_t i = 0; i < vl; i++) {
                cl = cl * 10 + (v[i] - '0');
            }
            if (h->content_length >= 0 && h->content_length != cl) {
                return "two different Content-Lengths";
            }
            h->content_length = cl;
        } else if ((v = header_value(line, len, "Transfer-Encoding", &vl))) {
            h->chunked = vl >= 7 && strncasecmp(v + vl - 7, "chunked", 7) == 0;
        }
        line = next ? next + 1 : end;
    }
    return NULL;
}

static const uint32_t k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned n)
{
    return x >> n | x << (32 - n);
}

static void sha256_block(struct sha256 *s, const uint8_t *b)
{
    uint32_t w[64], v[8];
    for (unsigned i = 0; i < 16; i++) {
        w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 | (uint32_t)b[4 * i + 2] << 8 |
               b[4 * i + 3];
    }
    for (unsigned i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ w[i - 15] >> 3;
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ w[i - 2] >> 10;
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(v, s->h, sizeof(v));
    for (unsigned i = 0; i < 64; i++) {
        uint32_t t1 = v[7] + (rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25)) +
                      ((v[4] & v[5]) ^ (~v[4] & v[6])) + k[i] + w[i];
        uint32_t t2 = (rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22)) +
                      ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
        memmove(v + 1, v, 7 * sizeof(v[0]));
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (unsigned i = 0; i < 8; i++) {
        s->h[i] += v[i];
    }
}

void sha256_init(struct sha256 *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof(h0));
    s->bytes = 0;
    s->used = 0;
}

void sha256_add(struct sha256 *s, const void *data, size_t n)
{
    const uint8_t *p = data;
    s->bytes += n;
    while (n) {
        size_t take = 64 - s->used < n ? 64 - s->used : n;
        memcpy(s->block + s->used, p, take);
        s->used += take;
        p += take;
        n -= take;
        if (s->used == 64) {
            sha256_block(s, s->block);
            s->used = 0;
        }
    }
}

void sha256_hex(struct sha256 *s, char hex[65])
{
    uint64_t bits = s->bytes * 8;
    uint8_t pad[72] = {0x80};
    size_t padlen = (s->used < 56 ? 56 : 120) - s->used;
    for (unsigned i = 0; i < 8; i++) {
        pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
    }
    sha256_add(s, pad, padlen + 8);
    for (unsigned i = 0; i < 8; i++) {
        snprintf(hex + 8 * i, 9, "%08x", s->h[i]);
    }
}
