/*
 * app/httpd on the host: the server's own code (included below, its
 * main renamed) serves a listening socket on 127.0.0.1 in a child
 * process. Each case connects, writes its requests and shuts its side,
 * then reads the answers to the end and checks them: keep-alive and
 * pipelining, HEAD, content types and lengths, 404, HTTP/1.0 closing,
 * the request size limit, paths outside the root, methods, bodies, and
 * an idle connection that does not hold up another.
 */
#define main httpd_main
#include "../app/httpd/httpd.c"
#undef main
#include "../app/httpd/request.c"
#include "unit.h"
#include <stdlib.h>
#include <sys/wait.h>

static char root[64];
static char answer[65536];

static void put(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", root, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static const char *const files[] = {"index.html", "a.txt", "sub/data.bin", "sub/index.html", "sub", ""};

__attribute__((destructor)) static void cleanup(void)
{
    char path[128];
    for (size_t i = 0; root[0] && i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", root, files[i]);
        remove(path);
    }
}

static void setup(void)
{
    if (root[0]) {
        return;
    }
    strcpy(root, "/tmp/arbor-httpd-XXXXXX");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        exit(1);
    }
    char sub[96];
    snprintf(sub, sizeof(sub), "%s/sub", root);
    mkdir(sub, 0755);
    put("index.html", "<h1>hello</h1>\n");
    put("a.txt", "some text\n");
    put("sub/data.bin", "\x01\x02\x03");
    put("sub/index.html", "sub index\n");
}

static pid_t server_pid;
static int server_port;

__attribute__((destructor)) static void stop_server(void)
{
    if (server_pid > 0) {
        kill(server_pid, SIGKILL);
        waitpid(server_pid, NULL, 0);
    }
}

/* The server in a child process, its port in server_port. */
static void start_server(size_t max_request)
{
    static struct server server;
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    server = (struct server){.port = 0, .root = root, .max_request = max_request};
    int l = listen_on(0);
    if (l < 0 || getsockname(l, (struct sockaddr *)&a, &len) < 0) {
        perror("httpd: listen");
        exit(1);
    }
    server_port = ntohs(a.sin_port);
    fflush(stdout);
    if (!(server_pid = fork())) {
        serve(&server, l);
    }
    close(l);
}

static int connect_server(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)server_port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        perror("httpd: connect");
        exit(1);
    }
    return fd;
}

/* Requests on one connection (served by a server with this request
 * limit); the answers, NUL-terminated. */
static const char *exchange(const char *requests, size_t max_request)
{
    static size_t running_max;
    setup();
    if (running_max != max_request) {
        stop_server();
        start_server(max_request);
        running_max = max_request;
    }
    int fd = connect_server();
    size_t len = strlen(requests), sent = 0;
    while (sent < len) {
        ssize_t w = write(fd, requests + sent, len - sent);
        if (w <= 0) {
            break; /* the server may close early (a refused request) */
        }
        sent += (size_t)w;
    }
    shutdown(fd, SHUT_WR);
    size_t got = 0;
    ssize_t n;
    while ((n = read(fd, answer + got, sizeof(answer) - 1 - got)) > 0) {
        got += (size_t)n;
    }
    answer[got] = '\0';
    close(fd);
    return answer;
}

static int count(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what)) {
        n++;
    }
    return n;
}

TEST(keep_alive_serves_pipelined_requests)
{
    const char *a = exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n"
                             "HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                             "GET /missing HTTP/1.1\r\n\r\n"
                             "GET /sub/ HTTP/1.1\r\n\r\n",
                             8192);
    EXPECT(count(a, "HTTP/1.1 200 OK\r\n") == 3);
    EXPECT(count(a, "HTTP/1.1 404 Not Found\r\n") == 1);
    EXPECT(strstr(a, "Content-Type: text/html; charset=utf-8\r\nContent-Length: 15\r\n"));
    EXPECT(strstr(a, "\r\n\r\n<h1>hello</h1>\n"));
    /* HEAD: the length of the file, not its bytes */
    EXPECT(strstr(a, "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 10\r\n"));
    EXPECT(!strstr(a, "some text"));
    EXPECT(strstr(a, "sub index\n"));
    EXPECT(count(a, "Connection: keep-alive") == 4);
}

TEST(content_type_of_unknown_extension_is_octet_stream)
{
    const char *a = exchange("GET /sub/data.bin HTTP/1.1\r\n\r\n", 8192);
    EXPECT(strstr(a, "Content-Type: application/octet-stream\r\nContent-Length: 3\r\n"));
    EXPECT(strstr(a, "\r\n\r\n\x01\x02\x03"));
}

TEST(http10_and_connection_close_end_the_connection)
{
    const char *a = exchange("GET /a.txt HTTP/1.0\r\n\r\nGET /a.txt HTTP/1.0\r\n\r\n", 8192);
    EXPECT(count(a, "HTTP/1.1 200 OK") == 1);
    EXPECT(strstr(a, "Connection: close\r\n"));
    a = exchange("GET /a.txt HTTP/1.1\r\nConnection: close\r\n\r\nGET /a.txt HTTP/1.1\r\n\r\n", 8192);
    EXPECT(count(a, "HTTP/1.1 200 OK") == 1);
}

TEST(request_beyond_the_limit_is_refused)
{
    char big[400];
    snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nX-Fill: %0300d\r\n\r\n", 0);
    const char *a = exchange(big, 256);
    EXPECT(!strncmp(a, "HTTP/1.1 431 ", 13));
    EXPECT(count(a, "HTTP/1.1") == 1);
}

TEST(paths_outside_the_root_are_forbidden)
{
    const char *a = exchange("GET /../etc/passwd HTTP/1.1\r\n\r\n", 8192);
    EXPECT(!strncmp(a, "HTTP/1.1 403 ", 13));
    a = exchange("GET /sub/%2e%2e/%2E%2E/x HTTP/1.1\r\n\r\n", 8192);
    EXPECT(!strncmp(a, "HTTP/1.1 403 ", 13));
    a = exchange("GET /a%00.txt HTTP/1.1\r\n\r\n", 8192);
    EXPECT(!strncmp(a, "HTTP/1.1 400 ", 13));
    a = exchange("GET /a.txt?x=1 HTTP/1.1\r\n\r\n", 8192);
    EXPECT(!strncmp(a, "HTTP/1.1 200 ", 13));
}

TEST(an_idle_connection_does_not_hold_up_another)
{
    exchange("GET / HTTP/1.1\r\n\r\n", 8192); /* the server runs */
    int idle = connect_server();
    write(idle, "GET /a.txt HTTP/1.1\r\n", 22); /* half a request, then nothing */
    const char *a = exchange("GET /a.txt HTTP/1.1\r\nConnection: close\r\n\r\n", 8192);
    EXPECT(!strncmp(a, "HTTP/1.1 200 ", 13) && strstr(a, "some text\n"));
    close(idle);
}

TEST(bad_requests_methods_and_bodies)
{
    const char *a = exchange("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 8192);
    EXPECT(!strncmp(a, "HTTP/1.1 405 ", 13) && strstr(a, "Allow: GET, HEAD\r\n"));
    a = exchange("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 8192);
    EXPECT(!strncmp(a, "HTTP/1.1 413 ", 13));
    a = exchange("garbage\r\n\r\n", 8192);
    EXPECT(!strncmp(a, "HTTP/1.1 400 ", 13));
    a = exchange("GET / HTTP/2.0\r\n\r\n", 8192);
    EXPECT(!strncmp(a, "HTTP/1.1 505 ", 13));
    a = exchange("GET / HTTP/1.1\r\nHost: x\r\n", 8192); /* cut off: no answer */
    EXPECT(a[0] == '\0');
}
