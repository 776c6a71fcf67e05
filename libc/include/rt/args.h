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

/* The number under key (decimal with an optional K or M suffix, or 0x
 * hex), or fallback. */
uint64_t args_u64(const char *args, const char *key, uint64_t fallback);

/* args with its label replaced: `label="<label>", <the other arguments>`,
 * cut short to fit out[cap]. Parents use it to forward a request with the
 * child's name prefixed to the label and everything else unchanged. */
void args_relabel(char *out, unsigned cap, const char *args, const char *label);

/* args with key set to the number value (replaced where present, else
 * appended), cut short to fit out[cap]. */
void args_set_u64(char *out, unsigned cap, const char *args, const char *key, uint64_t value);

#endif
