/*
 * Session arguments: the string a client passes with a session request,
 * `label="hello", ram_quota=8K, cap_quota=2`, and the server reads.
 */
#ifndef RT_ARGS_H
#define RT_ARGS_H

#include <stdint.h>
#include <stdbool.h>

/* Copy the value of key (quotes removed) into out[cap]; false if absent. */
bool args_value(const char *args, const char *key, char *out, unsigned cap);

/* The number under key (decimal, optional K or M suffix), or fallback. */
uint64_t args_u64(const char *args, const char *key, uint64_t fallback);

#endif
