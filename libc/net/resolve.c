/*
 * Addresses as text and names to addresses: inet_pton and friends,
 * getaddrinfo (numbers, "localhost", then lwIP's DNS client, which asks
 * the servers DHCP or the config named), getnameinfo (numeric: there is
 * no reverse lookup), and the byte-order functions. IPv4 only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>
#include "lwip/dns.h"
#include "net.h"

#define DNS_WAIT_US (15 * 1000000ull) /* lwIP's own retries end before this */

int h_errno;

uint32_t(htonl)(uint32_t x)
{
    return __builtin_bswap32(x);
}

uint16_t(htons)(uint16_t x)
{
    return __builtin_bswap16(x);
}

uint32_t(ntohl)(uint32_t x)
{
    return __builtin_bswap32(x);
}

uint16_t(ntohs)(uint16_t x)
{
    return __builtin_bswap16(x);
}

/* Strict dotted quad (inet_pton's form): four decimal parts 0..255. */
static bool parse_quad(const char *t, uint32_t *out)
{
    uint32_t a = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (*t >= '0' && *t <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(*t++ - '0');
            digits++;
        }
        if (!digits || digits > 3 || v > 255 || *t != (part < 3 ? '.' : '\0')) {
            return false;
        }
        t += part < 3;
        a = a << 8 | v;
    }
    *out = htonl(a);
    return true;
}

int inet_pton(int af, const char *text, void *out)
{
    uint32_t a;
    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    if (!parse_quad(text, &a)) {
        return 0;
    }
    memcpy(out, &a, sizeof(a));
    return 1;
}

const char *inet_ntop(int af, const void *addr, char *text, socklen_t len)
{
    char buf[INET_ADDRSTRLEN];
    const uint8_t *b = addr;
    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return NULL;
    }
    int n = snprintf(buf, sizeof(buf), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    if ((socklen_t)n >= len) {
        errno = ENOSPC;
        return NULL;
    }
    memcpy(text, buf, (size_t)n + 1);
    return text;
}

int inet_aton(const char *text, struct in_addr *out)
{
    ip4_addr_t a;
    if (!ip4addr_aton(text, &a)) { /* lwIP's takes the short forms too ("10.1") */
        return 0;
    }
    out->s_addr = ip4_addr_get_u32(&a);
    return 1;
}

in_addr_t inet_addr(const char *text)
{
    struct in_addr a;
    return inet_aton(text, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
    static char buf[INET_ADDRSTRLEN];
    return (char *)inet_ntop(AF_INET, &in, buf, sizeof(buf));
}

/* ---- getaddrinfo ---- */

static const struct {
    const char *name;
    uint16_t port;
} services[] = {{"ftp", 21},  {"ssh", 22},   {"telnet", 23}, {"smtp", 25},  {"domain", 53},
                {"http", 80}, {"pop3", 110}, {"ntp", 123},   {"imap", 143}, {"https", 443}};

static int service_port(const char *service, int flags, uint16_t *port)
{
    char *end;
    *port = 0;
    if (!service || !*service) {
        return 0;
    }
    unsigned long v = strtoul(service, &end, 10);
    if (!*end && v <= 65535) {
        *port = (uint16_t)v;
        return 0;
    }
    if (flags & AI_NUMERICSERV) {
        return EAI_NONAME;
    }
    for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
        if (!strcmp(service, services[i].name)) {
            *port = services[i].port;
            return 0;
        }
    }
    return EAI_SERVICE;
}

struct lookup {
    bool done, found;
    ip_addr_t addr;
};

static void on_found(const char *name, const ip_addr_t *addr, void *arg)
{
    struct lookup *l = arg;
    l->done = true;
    l->found = addr != NULL;
    if (addr) {
        l->addr = *addr;
    }
}

static bool lookup_done(void *arg)
{
    return ((struct lookup *)arg)->done;
}

/* The IPv4 address of node, in network order; 0 or an EAI_ code. */
static int resolve(const char *node, int flags, uint32_t *addr)
{
    struct in_addr in;
    if (!node) {
        *addr = htonl(flags & AI_PASSIVE ? INADDR_ANY : INADDR_LOOPBACK);
        return 0;
    }
    if (inet_aton(node, &in)) {
        *addr = in.s_addr;
        return 0;
    }
    if (flags & AI_NUMERICHOST) {
        return EAI_NONAME;
    }
    if (!strcasecmp(node, "localhost")) {
        *addr = htonl(INADDR_LOOPBACK);
        return 0;
    }
    if (!net_start()) {
        return EAI_SYSTEM;
    }
    struct lookup l = {0};
    err_t err = dns_gethostbyname(node, &l.addr, on_found, &l);
    if (err == ERR_OK) {
        l.found = true;
    } else if (err != ERR_INPROGRESS) {
        return EAI_NONAME; /* not a name lwIP can look up (too long, no server) */
    } else if (net_wait(&l, lookup_done, DNS_WAIT_US) < 0) {
        return EAI_AGAIN;
    }
    if (!l.found) {
        return EAI_NONAME;
    }
    *addr = ip4_addr_get_u32(&l.addr);
    return 0;
}

static struct addrinfo *entry(uint32_t addr, uint16_t port, int socktype, const char *canon)
{
    struct {
        struct addrinfo ai;
        struct sockaddr_in in;
    } *e = calloc(1, sizeof(*e));
    if (!e) {
        return NULL;
    }
    e->in = (struct sockaddr_in){.sin_len = sizeof(e->in), .sin_family = AF_INET, .sin_port = htons(port)};
    e->in.sin_addr.s_addr = addr;
    e->ai = (struct addrinfo){.ai_family = AF_INET,
                              .ai_socktype = socktype,
                              .ai_protocol = socktype == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP,
                              .ai_addrlen = sizeof(e->in),
                              .ai_addr = (struct sockaddr *)&e->in};
    if (canon && !(e->ai.ai_canonname = strdup(canon))) {
        free(e);
        return NULL;
    }
    return &e->ai;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
    struct addrinfo h = hints ? *hints : (struct addrinfo){0};
    uint16_t port;
    uint32_t addr;
    if (!node && !service) {
        return EAI_NONAME;
    }
    if (h.ai_family != AF_UNSPEC && h.ai_family != AF_INET) {
        return EAI_FAMILY;
    }
    if (h.ai_socktype && h.ai_socktype != SOCK_STREAM && h.ai_socktype != SOCK_DGRAM) {
        return EAI_SOCKTYPE;
    }
    int e = service_port(service, h.ai_flags, &port);
    if (!e) {
        e = resolve(node, h.ai_flags, &addr);
    }
    if (e) {
        return e;
    }
    const char *canon = (h.ai_flags & AI_CANONNAME) && node ? node : NULL;
    struct addrinfo *first = entry(addr, port, h.ai_socktype ? h.ai_socktype : SOCK_STREAM, canon);
    if (first && !h.ai_socktype && !(first->ai_next = entry(addr, port, SOCK_DGRAM, NULL))) {
        freeaddrinfo(first);
        first = NULL;
    }
    if (!first) {
        return EAI_MEMORY;
    }
    *res = first;
    return 0;
}

void freeaddrinfo(struct addrinfo *res)
{
    while (res) {
        struct addrinfo *next = res->ai_next;
        free(res->ai_canonname);
        free(res); /* the address is in the same block */
        res = next;
    }
}

const char *gai_strerror(int code)
{
    switch (code) {
    case 0:
        return "Success";
    case EAI_BADFLAGS:
        return "Invalid flags";
    case EAI_NONAME:
        return "Name or service not known";
    case EAI_AGAIN:
        return "Temporary failure in name resolution";
    case EAI_FAIL:
        return "Non-recoverable failure in name resolution";
    case EAI_FAMILY:
        return "Address family not supported";
    case EAI_SOCKTYPE:
        return "Socket type not supported";
    case EAI_SERVICE:
        return "Service not supported for socket type";
    case EAI_MEMORY:
        return "Memory allocation failure";
    case EAI_SYSTEM:
        return "System error (no network stack: see the log)";
    case EAI_OVERFLOW:
        return "Argument buffer overflow";
    default:
        return "Unknown error";
    }
}

int getnameinfo(const struct sockaddr *addr, socklen_t len, char *host, socklen_t hostlen, char *serv,
                socklen_t servlen, int flags)
{
    const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
    if (!addr || len < sizeof(*in) || in->sin_family != AF_INET) {
        return EAI_FAMILY;
    }
    if (host && hostlen) {
        if (flags & NI_NAMEREQD) {
            return EAI_NONAME; /* no reverse lookup */
        }
        if (!inet_ntop(AF_INET, &in->sin_addr, host, hostlen)) {
            return EAI_OVERFLOW;
        }
    }
    if (serv && servlen && snprintf(serv, servlen, "%u", ntohs(in->sin_port)) >= (int)servlen) {
        return EAI_OVERFLOW;
    }
    return 0;
}

struct hostent *gethostbyname(const char *name)
{
    static struct in_addr addr;
    static char *addrs[2] = {(char *)&addr, NULL};
    static char *aliases[1] = {NULL};
    static char hname[256];
    static struct hostent he = {hname, aliases, AF_INET, sizeof(addr), addrs};
    uint32_t a;
    int e = resolve(name, 0, &a);
    if (e) {
        h_errno = e == EAI_AGAIN ? TRY_AGAIN : HOST_NOT_FOUND;
        return NULL;
    }
    addr.s_addr = a;
    snprintf(hname, sizeof(hname), "%s", name);
    return &he;
}
