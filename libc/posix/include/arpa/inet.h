/* <arpa/inet.h> for Arbor's C library: address text conversions (libc/net/resolve.c). */
#ifndef _ARPA_INET_H
#define _ARPA_INET_H

#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

in_addr_t inet_addr(const char *text);
int inet_aton(const char *text, struct in_addr *out);
char *inet_ntoa(struct in_addr in);
int inet_pton(int af, const char *text, void *out);
const char *inet_ntop(int af, const void *addr, char *text, socklen_t len);

#ifdef __cplusplus
}
#endif

#endif
