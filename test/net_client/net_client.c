/*
 * net_client: a TCP client on the C library's sockets for
 * run/net_two_machines.run. Arguments: "get IP PORT PATH" (fetch PATH
 * over HTTP/1.0 and print the status line and the body's first line;
 * while the network has no address yet (DHCP), the connection is tried
 * again for up to 60 s) and "unreachable IP PORT" (a connection must
 * not come up within 10 s), any number of each. Each prints one line
 * "net_client: ..."; the exit value is the number of failures. Plain C:
 * it builds on Linux as well.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A socket connected to ip:port within ms, or -1 (why in *err). */
static int connect_within(const char *ip, int port, int ms, int *err)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
        *err = EINVAL;
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno != EINPROGRESS) {
        *err = errno;
        close(fd);
        return -1;
    }
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int n = poll(&p, 1, ms), soerr = 0;
    socklen_t len = sizeof(soerr);
    if (n <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0 || soerr) {
        *err = n == 0 ? ETIMEDOUT : n < 0 ? errno : soerr ? soerr : errno;
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

static int get(const char *ip, int port, const char *path)
{
    int err = 0, fd = connect_within(ip, port, 30000, &err);
    /* DHCP may not be done yet: no route until it is (up to 60 s) */
    for (int i = 0; fd < 0 && i < 60 && (err == EHOSTUNREACH || err == ENETUNREACH || err == ENETDOWN); i++) {
        sleep(1);
        fd = connect_within(ip, port, 30000, &err);
    }
    if (fd < 0) {
        printf("net_client: get %s:%d%s: no connection: %s: FAILED\n", ip, port, path, strerror(err));
        return 1;
    }
    char req[256], buf[4096];
    int n = snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, ip);
    if (send(fd, req, (size_t)n, 0) != n) {
        printf("net_client: get %s:%d%s: send: %s: FAILED\n", ip, port, path, strerror(errno));
        close(fd);
        return 1;
    }
    size_t got = 0;
    ssize_t r;
    while ((r = recv(fd, buf + got, sizeof(buf) - 1 - got, 0)) > 0) {
        got += (size_t)r;
        if (got == sizeof(buf) - 1) {
            break;
        }
    }
    close(fd);
    buf[got] = 0;
    char *body = strstr(buf, "\r\n\r\n"), *eol = strstr(buf, "\r\n");
    if (r < 0 || !body || !eol) {
        printf("net_client: get %s:%d%s: %zu bytes, no HTTP answer: FAILED\n", ip, port, path, got);
        return 1;
    }
    *eol = 0;
    body += 4;
    printf("net_client: get %s:%d%s: %s, body \"%.*s\"\n", ip, port, path, buf, (int)strcspn(body, "\n"),
           body);
    return 0;
}

static int unreachable(const char *ip, int port)
{
    int err = 0, fd = connect_within(ip, port, 10000, &err);
    if (fd >= 0) {
        printf("net_client: %s:%d: connected: FAILED\n", ip, port);
        close(fd);
        return 1;
    }
    printf("net_client: %s:%d: no connection (%s): ok\n", ip, port, strerror(err));
    return 0;
}

int main(int argc, char **argv)
{
    int failures = 0;
    for (int i = 1; i < argc;) {
        if (!strcmp(argv[i], "get") && i + 3 < argc) {
            failures += get(argv[i + 1], atoi(argv[i + 2]), argv[i + 3]);
            i += 4;
        } else if (!strcmp(argv[i], "unreachable") && i + 2 < argc) {
            failures += unreachable(argv[i + 1], atoi(argv[i + 2]));
            i += 3;
        } else {
            printf("net_client: bad argument \"%s\"\n", argv[i]);
            return 100;
        }
    }
    printf("net_client: %d failed\n", failures);
    return failures;
}
