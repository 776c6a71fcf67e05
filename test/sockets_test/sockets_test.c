/*
 * sockets_test: the C library's sockets over lwIP's loopback netif
 * (127.0.0.1), all in one component (run/sockets.run). Each check
 * prints "ok NAME" or "FAIL NAME: why"; the exit value is the number of
 * failures. TCP server and client take turns in one thread: the
 * server's side is non-blocking, so no call waits for the other side.
 * Plain C on the sockets API: it builds on Linux as well.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <signal.h>
#include <poll.h>
#include <sys/select.h>

static int failures, checks;

static void check(const char *name, int ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void check(const char *name, int ok, const char *fmt, ...)
{
    checks++;
    if (ok) {
        printf("ok %s\n", name);
        return;
    }
    failures++;
    char why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    printf("FAIL %s: %s\n", name, why);
}

static struct sockaddr_in loopback(uint16_t port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static uint16_t port_of(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    return getsockname(fd, (struct sockaddr *)&a, &len) == 0 ? ntohs(a.sin_port) : 0;
}

/* A listening TCP socket on 127.0.0.1 (port 0: any), non-blocking. */
static int listener(uint16_t port, int reuse)
{
    struct sockaddr_in a = loopback(port);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (reuse) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(reuse));
    }
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4) < 0) {
        printf("listener on port %u: %s\n", port, strerror(errno));
        return -1;
    }
    return fd;
}

static unsigned char pattern(size_t i)
{
    return (unsigned char)(i * 7 + (i >> 10) * 13);
}

/* Non-blocking connect, then accept on the non-blocking listener. */
static int connect_pair(int lfd, int *server)
{
    struct sockaddr_in a = loopback(port_of(lfd));
    int c = socket(AF_INET, SOCK_STREAM, 0);
    fcntl(c, F_SETFL, O_NONBLOCK);
    int r = connect(c, (struct sockaddr *)&a, sizeof(a));
    if (r < 0 && errno != EINPROGRESS) {
        printf("connect: %s\n", strerror(errno));
        return -1;
    }
    *server = -1;
    for (int i = 0; i < 100000 && *server < 0; i++) {
        *server = accept(lfd, NULL, NULL);
        if (*server < 0 && errno != EAGAIN) {
            printf("accept: %s\n", strerror(errno));
            return -1;
        }
    }
    return c;
}

static void tcp_megabyte(void)
{
    enum { TOTAL = 1 << 20 };
    static unsigned char out[8192], in[6000];
    int s, lfd = listener(0, 0);
    int c = connect_pair(lfd, &s);
    check("tcp_connect_accept", c >= 0 && s >= 0, "no connection");
    if (c < 0 || s < 0) {
        return;
    }
    struct sockaddr_in peer, mine;
    socklen_t plen = sizeof(peer), mlen = sizeof(mine);
    getpeername(s, (struct sockaddr *)&peer, &plen);
    getsockname(c, (struct sockaddr *)&mine, &mlen);
    check("tcp_peer_is_client",
          peer.sin_port == mine.sin_port && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
          "peer %s:%u, client port %u", inet_ntoa(peer.sin_addr), ntohs(peer.sin_port), ntohs(mine.sin_port));
    size_t sent = 0, got = 0, bad = (size_t)-1;
    long rounds = 0;
    while (got < TOTAL && rounds++ < 1000000) {
        if (sent < TOTAL) {
            size_t n = TOTAL - sent < sizeof(out) ? TOTAL - sent : sizeof(out);
            for (size_t i = 0; i < n; i++) {
                out[i] = pattern(sent + i);
            }
            ssize_t w = send(c, out, n, 0);
            if (w > 0) {
                sent += (size_t)w;
            } else if (errno != EAGAIN) {
                break;
            }
        }
        ssize_t r = recv(s, in, sizeof(in), 0);
        if (r < 0 && errno != EAGAIN) {
            break;
        }
        for (ssize_t i = 0; i < r && bad == (size_t)-1; i++) {
            if (in[i] != pattern(got + (size_t)i)) {
                bad = got + (size_t)i;
            }
        }
        got += r > 0 ? (size_t)r : 0;
    }
    check("tcp_1mib_moved", got == TOTAL && sent == TOTAL, "sent %zu, received %zu of %d (%s)", sent, got,
          TOTAL, strerror(errno));
    check("tcp_1mib_intact", bad == (size_t)-1, "byte %zu differs", bad);
    /* The client ends its half; the server sees end of file, answers with
     * write() (fd layer), the client reads it blocking with read(). */
    shutdown(c, SHUT_WR);
    ssize_t r;
    int tries = 0;
    while ((r = recv(s, in, sizeof(in), 0)) < 0 && errno == EAGAIN && tries++ < 100000) {
    }
    check("tcp_eof_after_shutdown", r == 0, "recv gave %zd (%s)", r, strerror(errno));
    check("tcp_write_on_socket_fd", write(s, "done", 4) == 4, "%s", strerror(errno));
    fcntl(c, F_SETFL, 0);
    char buf[8] = "";
    r = read(c, buf, sizeof(buf));
    check("tcp_read_blocking", r == 4 && !memcmp(buf, "done", 4), "read gave %zd", r);
    close(s);
    r = read(c, buf, sizeof(buf));
    check("tcp_eof_after_close", r == 0, "read gave %zd (%s)", r, strerror(errno));
    close(c);
    close(lfd);
}

static void udp_datagrams(void)
{
    struct sockaddr_in a = loopback(0), from;
    socklen_t flen = sizeof(from);
    int x = socket(AF_INET, SOCK_DGRAM, 0), y = socket(AF_INET, SOCK_DGRAM, 0);
    bind(x, (struct sockaddr *)&a, sizeof(a));
    bind(y, (struct sockaddr *)&a, sizeof(a));
    struct sockaddr_in to = loopback(port_of(x));
    ssize_t w1 = sendto(y, "first datagram", 14, 0, (struct sockaddr *)&to, sizeof(to));
    ssize_t w2 = sendto(y, "second", 6, 0, (struct sockaddr *)&to, sizeof(to));
    check("udp_sendto", w1 == 14 && w2 == 6, "sendto gave %zd, %zd (%s)", w1, w2, strerror(errno));
    char buf[64];
    ssize_t r = recvfrom(x, buf, 5, 0, (struct sockaddr *)&from, &flen);
    check("udp_recvfrom_truncates", r == 5 && !memcmp(buf, "first", 5), "got %zd", r);
    check("udp_sender_address",
          ntohs(from.sin_port) == port_of(y) && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
          "from %s:%u, sender port %u", inet_ntoa(from.sin_addr), ntohs(from.sin_port), port_of(y));
    r = recv(x, buf, sizeof(buf), 0);
    check("udp_boundaries_kept", r == 6 && !memcmp(buf, "second", 6), "got %zd", r);
    r = recv(x, buf, sizeof(buf), MSG_DONTWAIT);
    check("udp_empty_eagain", r < 0 && errno == EAGAIN, "got %zd (%s)", r, strerror(errno));
    /* connected UDP: send() and write() without an address */
    connect(y, (struct sockaddr *)&to, sizeof(to));
    w1 = write(y, "via write", 9);
    r = read(x, buf, sizeof(buf));
    check("udp_connected_write", w1 == 9 && r == 9 && !memcmp(buf, "via write", 9), "wrote %zd, read %zd", w1,
          r);
    close(x);
    close(y);
}

static void errors(void)
{
    struct sockaddr_in a;
    char buf[4];
    /* a port nobody listens on: the listener is closed again first */
    int l = listener(0, 0);
    uint16_t dead = port_of(l);
    close(l);
    a = loopback(dead);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    int r = connect(c, (struct sockaddr *)&a, sizeof(a));
    check("connect_closed_port_refused", r < 0 && errno == ECONNREFUSED, "connect gave %d (%s)", r,
          strerror(errno));
    close(c);
    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    r = connect(c, (struct sockaddr *)&a, sizeof(a));
    int e = errno, soerr = -1;
    socklen_t len = sizeof(soerr);
    for (int i = 0; i < 100 && soerr != ECONNREFUSED; i++) {
        usleep(1000);
        getsockopt(c, SOL_SOCKET, SO_ERROR, &soerr, &len);
    }
    check("nonblocking_connect_so_error", r < 0 && e == EINPROGRESS && soerr == ECONNREFUSED,
          "connect %d (%s), SO_ERROR %d", r, strerror(e), soerr);
    close(c);

    l = listener(0, 0);
    a = loopback(port_of(l));
    int twice = socket(AF_INET, SOCK_STREAM, 0);
    r = bind(twice, (struct sockaddr *)&a, sizeof(a));
    check("bind_twice_addrinuse", r < 0 && errno == EADDRINUSE, "bind gave %d (%s)", r, strerror(errno));
    close(twice);
    r = accept(l, NULL, NULL);
    check("accept_nothing_eagain", r < 0 && errno == EAGAIN, "accept gave %d (%s)", r, strerror(errno));

    r = recv(57, buf, 1, 0);
    check("bad_fd_ebadf", r < 0 && errno == EBADF, "recv gave %d (%s)", r, strerror(errno));
    r = close(57);
    check("close_bad_fd_ebadf", r < 0 && errno == EBADF, "close gave %d", r);
    r = listen(1, 1);
    check("not_a_socket_enotsock", r < 0 && errno == ENOTSOCK, "listen(1) gave %d (%s)", r, strerror(errno));
#ifdef __arbor__
    r = socket(AF_INET6, SOCK_STREAM, 0);
    check("inet6_eafnosupport", r < 0 && errno == EAFNOSUPPORT, "socket gave %d (%s)", r, strerror(errno));
#endif
    c = socket(AF_INET, SOCK_STREAM, 0);
    r = (int)send(c, "x", 1, 0);
    /* POSIX says ENOTCONN; Linux says EPIPE */
    check("send_unconnected_enotconn", r < 0 && (errno == ENOTCONN || errno == EPIPE), "send gave %d (%s)", r,
          strerror(errno));
    r = accept(c, NULL, NULL);
    check("accept_not_listening_einval", r < 0 && errno == EINVAL, "accept gave %d (%s)", r, strerror(errno));
    close(c);

    /* SO_RCVTIMEO: a blocking recv gives up after the time, with EAGAIN */
    int s;
    c = connect_pair(l, &s);
    struct timeval tv = {0, 300000}, t0, t1;
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    fcntl(c, F_SETFL, 0);
    gettimeofday(&t0, NULL);
    r = (int)recv(c, buf, 1, 0);
    e = errno;
    gettimeofday(&t1, NULL);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_usec - t0.tv_usec) / 1000;
    check("rcvtimeo_eagain", r < 0 && e == EAGAIN && ms >= 290, "recv gave %d (%s) after %ld ms", r,
          strerror(e), ms);

    /* the peer's close with unread data resets; a listener closed with a
     * connection not accepted yet resets that one */
    int c2 = socket(AF_INET, SOCK_STREAM, 0);
    connect(c2, (struct sockaddr *)&a, sizeof(a));
    close(l);
    r = (int)recv(c2, buf, 1, 0);
    check("listener_closed_resets_pending", r < 0 && errno == ECONNRESET, "recv gave %d (%s)", r,
          strerror(errno));
    close(c2);
    close(c);
    close(s);
}

static void options_and_fds(void)
{
    int on = 1, v = 0;
    socklen_t len = sizeof(v);
    int l = listener(0, 1);
    int s, c = connect_pair(l, &s);
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len);
    check("tcp_nodelay", v == 1, "TCP_NODELAY reads %d", v);
    v = 0;
    setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
    getsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &v, &len);
    check("so_keepalive", v == 1, "SO_KEEPALIVE reads %d", v);
    int r = setsockopt(c, SOL_SOCKET, 999, &on, sizeof(on));
    check("unknown_option_enoprotoopt", r < 0 && errno == ENOPROTOOPT, "gave %d (%s)", r, strerror(errno));
    struct stat st;
    check("fstat_is_socket", fstat(c, &st) == 0 && S_ISSOCK(st.st_mode), "mode %o", (unsigned)st.st_mode);
    r = (int)lseek(c, 0, SEEK_SET);
    check("lseek_espipe", r < 0 && errno == ESPIPE, "lseek gave %d (%s)", r, strerror(errno));
    int d = dup(c);
    close(c);
    char buf[4];
    r = (int)write(d, "dup", 3);
    ssize_t got = 0;
    for (int i = 0; i < 1000 && got <= 0; i++) {
        got = recv(s, buf, sizeof(buf), 0);
    }
    check("dup_keeps_socket", r == 3 && got == 3 && !memcmp(buf, "dup", 3), "write %d, recv %zd", r, got);

    /* SO_REUSEADDR: the server closes first, its end waits in TIME_WAIT;
     * binding its port again needs the option (on the listener too, for
     * Linux). */
    uint16_t port = port_of(l);
    close(l);
    close(s);
    for (int i = 0; i < 1000 && recv(d, buf, 1, MSG_DONTWAIT) != 0; i++) {
    }
    close(d);
    struct sockaddr_in a = loopback(port);
    int b = socket(AF_INET, SOCK_STREAM, 0);
    r = bind(b, (struct sockaddr *)&a, sizeof(a));
    int e = errno;
    close(b);
    b = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    int r2 = bind(b, (struct sockaddr *)&a, sizeof(a));
    check("so_reuseaddr_time_wait", r < 0 && e == EADDRINUSE && r2 == 0, "without: %d (%s), with: %d (%s)", r,
          strerror(e), r2, strerror(errno));
    close(b);
}

/* Connections made and closed again and again: no descriptor is lost,
 * each one still carries its bytes. */
static void many_connections(void)
{
    int first = socket(AF_INET, SOCK_STREAM, 0);
    close(first);
    int l = listener(0, 1), good = 0;
    for (int i = 0; i < 100; i++) {
        int s, c = connect_pair(l, &s);
        char buf[16] = "";
        ssize_t w = send(c, "ping", 4, 0), r = -1;
        for (int j = 0; j < 1000 && r < 0; j++) {
            r = recv(s, buf, sizeof(buf), 0);
        }
        good += w == 4 && r == 4 && !memcmp(buf, "ping", 4);
        close(i % 2 ? c : s); /* either side first */
        close(i % 2 ? s : c);
    }
    close(l);
    int again = socket(AF_INET, SOCK_STREAM, 0);
    close(again);
    check("100_connections_no_fd_lost", good == 100 && again == first,
          "%d of 100 carried data; fd %d then %d", good, first, again);
}

static long ms_since(const struct timeval *t0)
{
    struct timeval t1;
    gettimeofday(&t1, NULL);
    return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_usec - t0->tv_usec) / 1000;
}

/* poll and select over sockets: readiness of a listener, of data, of a
 * connection's end, and their timeouts. */
static void polling(void)
{
    int l = listener(0, 0);
    struct pollfd p = {.fd = l, .events = POLLIN};
    int r = poll(&p, 1, 0);
    check("poll_listener_idle", r == 0 && p.revents == 0, "poll gave %d, revents %#x", r, p.revents);
    struct sockaddr_in a = loopback(port_of(l));
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(c, (struct sockaddr *)&a, sizeof(a));
    r = poll(&p, 1, 5000);
    check("poll_listener_connection", r == 1 && (p.revents & POLLIN), "poll gave %d, revents %#x", r,
          p.revents);
    int s = accept(l, NULL, NULL);
    struct pollfd out = {.fd = c, .events = POLLOUT};
    r = poll(&out, 1, 5000);
    check("poll_connected_writable", s >= 0 && r == 1 && (out.revents & POLLOUT),
          "accept %d, poll %d, revents %#x", s, r, out.revents);
    struct pollfd in = {.fd = s, .events = POLLIN};
    struct timeval t0;
    gettimeofday(&t0, NULL);
    r = poll(&in, 1, 300);
    long ms = ms_since(&t0);
    check("poll_timeout", r == 0 && ms >= 290, "poll gave %d after %ld ms", r, ms);
    send(c, "data", 4, 0);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(s, &rd);
    struct timeval tv = {5, 0};
    r = select(s + 1, &rd, NULL, NULL, &tv);
    check("select_data_readable", r == 1 && FD_ISSET(s, &rd), "select gave %d", r);
    char buf[8];
    recv(s, buf, sizeof(buf), 0);
    close(c);
    in.revents = 0;
    r = poll(&in, 1, 5000);
    ssize_t got = recv(s, buf, sizeof(buf), 0);
    check("poll_peer_closed", r == 1 && (in.revents & POLLIN) && got == 0, "poll %d, revents %#x, recv %zd",
          r, in.revents, got);
    close(s);
    close(l);
    /* a refused non-blocking connect: writable, and SO_ERROR says why */
    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(c, (struct sockaddr *)&a, sizeof(a));
    out = (struct pollfd){.fd = c, .events = POLLOUT};
    r = poll(&out, 1, 5000);
    int soerr = 0;
    socklen_t len = sizeof(soerr);
    getsockopt(c, SOL_SOCKET, SO_ERROR, &soerr, &len);
    check("poll_refused_connect", r == 1 && out.revents && soerr == ECONNREFUSED,
          "poll %d, revents %#x, SO_ERROR %d", r, out.revents, soerr);
    close(c);
}

static void names(void)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    int r = getaddrinfo("localhost", "http", &hints, &res);
    struct sockaddr_in *in = res ? (struct sockaddr_in *)res->ai_addr : NULL;
    check("getaddrinfo_localhost",
          r == 0 && in && in->sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(in->sin_port) == 80 &&
              res->ai_socktype == SOCK_STREAM,
          "gave %d (%s)", r, gai_strerror(r));
    freeaddrinfo(res);
    res = NULL;
    r = getaddrinfo("10.0.2.15", "8080", NULL, &res);
    in = res ? (struct sockaddr_in *)res->ai_addr : NULL;
    char host[INET_ADDRSTRLEN] = "", serv[8] = "";
    int g = in ? getnameinfo(res->ai_addr, res->ai_addrlen, host, sizeof(host), serv, sizeof(serv),
                             NI_NUMERICHOST | NI_NUMERICSERV)
               : -1;
    check("getaddrinfo_getnameinfo_numeric",
          r == 0 && g == 0 && !strcmp(host, "10.0.2.15") && !strcmp(serv, "8080"), "gave %d, %d: %s %s", r, g,
          host, serv);
    freeaddrinfo(res);
    r = getaddrinfo("example.org", "80", NULL, &res);
    check("getaddrinfo_without_dns_server", r == EAI_NONAME || r == EAI_AGAIN, "gave %d (%s)", r,
          gai_strerror(r));
    r = getaddrinfo("127.0.0.1", "nonsense", NULL, &res);
    check("getaddrinfo_bad_service", r == EAI_SERVICE, "gave %d", r);
    struct in_addr ia;
    char text[INET_ADDRSTRLEN];
    int p1 = inet_pton(AF_INET, "192.168.1.254", &ia);
    const char *t = inet_ntop(AF_INET, &ia, text, sizeof(text));
    int p2 = inet_pton(AF_INET, "1.2.3", &ia), p3 = inet_pton(AF_INET, "1.2.3.256", &ia);
    check("inet_pton_ntop", p1 == 1 && t && !strcmp(t, "192.168.1.254") && p2 == 0 && p3 == 0, "%d %s %d %d",
          p1, t ? t : "NULL", p2, p3);
}

/* With argument "no-network" (its config asks for a Nic it cannot have):
 * the stack does not start, and socket says so. */
static int no_network(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    check("socket_without_network_enetdown", fd < 0 && errno == ENETDOWN, "socket gave %d (%s)", fd,
          strerror(errno));
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    check("again_enetdown", fd < 0 && errno == ENETDOWN, "socket gave %d (%s)", fd, strerror(errno));
    return failures;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "no-network")) {
        return no_network();
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN); /* Linux: a write to a reset connection is EPIPE, not death */
    tcp_megabyte();
    udp_datagrams();
    errors();
    options_and_fds();
    many_connections();
    polling();
    names();
    printf("sockets: %d checks, %d failed\n", checks, failures);
    return failures;
}
