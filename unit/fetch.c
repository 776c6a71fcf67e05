/*
 * unit/fetch.c - app/fetch's pure parts (app/fetch/http.c): URLs, the
 * head of an answer, SHA-256 against FIPS 180-4's examples.
 */
#include <stdlib.h>
#include "unit.h"
#include "../app/fetch/fetch.h"

TEST(url_parts)
{
    struct url u;
    EXPECT(url_parse("http://10.0.2.100/f.bin", &u) == NULL);
    EXPECT(!strcmp(u.host, "10.0.2.100") && !strcmp(u.port, "80") && !strcmp(u.path, "/f.bin"));
    EXPECT(url_parse("HTTP://example.org:8080", &u) == NULL);
    EXPECT(!strcmp(u.host, "example.org") && !strcmp(u.port, "8080") && !strcmp(u.path, "/"));
    EXPECT(url_parse("http://h:00080/a?b=c#frag", &u) == NULL);
    EXPECT(!strcmp(u.port, "80") && !strcmp(u.path, "/a?b=c"));
    EXPECT(url_parse("http://h?x", &u) == NULL);
    EXPECT(!strcmp(u.host, "h") && !strcmp(u.path, "/?x"));
}

TEST(url_refused)
{
    struct url u;
    EXPECT(url_parse("https://h/", &u) != NULL);
    EXPECT(url_parse("ftp://h/", &u) != NULL);
    EXPECT(url_parse("h/x", &u) != NULL);
    EXPECT(url_parse("http:///x", &u) != NULL);
    EXPECT(url_parse("http://h:/x", &u) != NULL);
    EXPECT(url_parse("http://h:0/", &u) != NULL);
    EXPECT(url_parse("http://h:65536/", &u) != NULL);
    EXPECT(url_parse("http://h:123456/", &u) != NULL);
    EXPECT(url_parse("http://h:80x/", &u) != NULL);
    EXPECT(url_parse("http://u@h/", &u) != NULL);
    EXPECT(url_parse("http://h/a b", &u) != NULL);
    EXPECT(url_parse("http://h/a\r\nX: y", &u) != NULL);
    char *long_host = malloc(400), *long_path = malloc(2000);
    memcpy(long_host, "http://", 7);
    memset(long_host + 7, 'a', 300);
    long_host[307] = 0;
    EXPECT(url_parse(long_host, &u) != NULL);
    memcpy(long_path, "http://h/", 9);
    memset(long_path + 9, 'p', 1500);
    long_path[1509] = 0;
    EXPECT(url_parse(long_path, &u) != NULL);
    free(long_host);
    free(long_path);
}

TEST(head_end)
{
    EXPECT(answer_head_end("HTTP/1.0 200 OK\r\n", 17) == 0);
    EXPECT(answer_head_end("HTTP/1.0 200 OK\r\n\r\nbody", 23) == 19);
    EXPECT(answer_head_end("HTTP/1.0 200 OK\n\nbody", 21) == 17);
    EXPECT(answer_head_end("HTTP/1.0 200 OK\r\n\r", 18) == 0);
}

TEST(head_parse)
{
    struct answer_head h;
    const char *a = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length:  42 \r\n\r\n";
    EXPECT(answer_head_parse(a, strlen(a), &h) == NULL);
    EXPECT(h.status == 200 && h.content_length == 42 && !h.chunked);
    const char *b = "HTTP/1.0 404 Not Found\r\n\r\n";
    EXPECT(answer_head_parse(b, strlen(b), &h) == NULL);
    EXPECT(h.status == 404 && h.content_length == -1);
    const char *c = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n";
    EXPECT(answer_head_parse(c, strlen(c), &h) == NULL && h.chunked);
    const char *d = "HTTP/1.1 204\r\n\r\n";
    EXPECT(answer_head_parse(d, strlen(d), &h) == NULL && h.status == 204);
}

TEST(head_refused)
{
    struct answer_head h;
    static const char *bad[] = {
        "HTTP/2 200 OK\r\n\r\n",
        "SSH-2.0-OpenSSH\r\n\r\n",
        "HTTP/1.1 099 X\r\n\r\n",
        "HTTP/1.1 600 X\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (answer_head_parse(bad[i], strlen(bad[i]), &h) == NULL) {
            printf("  accepted: %s", bad[i]);
            unit_failures++;
        }
    }
}

static void digest(const void *data, size_t n, size_t piece, char hex[65])
{
    struct sha256 s;
    sha256_init(&s);
    for (size_t o = 0; o < n; o += piece) {
        sha256_add(&s, (const char *)data + o, n - o < piece ? n - o : piece);
    }
    sha256_hex(&s, hex);
}

TEST(sha256_examples)
{
    char hex[65];
    digest("", 0, 1, hex);
    EXPECT(!strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    digest("abc", 3, 3, hex);
    EXPECT(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    static const char two[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    for (size_t piece = 1; piece <= 64; piece++) {
        digest(two, strlen(two), piece, hex);
        EXPECT(!strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    }
    char *million = malloc(1000000);
    memset(million, 'a', 1000000);
    digest(million, 1000000, 4093, hex);
    EXPECT(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    free(million);
}
