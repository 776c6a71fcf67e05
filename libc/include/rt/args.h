/*
 * Session arguments: the string a client passes with a session request,
 * `label="init -> hello", ram_quota=8K, cap_quota=2`, parsed by one strict
 * parser that init, core and every server share.
 *
 * Grammar (spaces only around the commas):
 *
 *   args   := "" | arg ("," arg)*
 *   arg    := key "=" value
 *   key    := [a-z_][a-z0-9_]*            at most ARGS_KEY_MAX - 1 bytes
 *   value  := bare | '"' quoted '"'
 *   bare   := [A-Za-z0-9_.:+-]+
 *   quoted := any byte but '"', '\\' and controls (< 0x20, 0x7f)
 *
 * A value never holds a quote, so no text inside one can be read as
 * another argument, and formatting quotes whatever is not bare: parsing
 * what args_format wrote gives the same arguments back. A key given
 * twice, more than ARGS_MAX arguments, an over-long key or value and
 * any other deviation are errors, never "best effort".
 */
#ifndef RT_ARGS_H
#define RT_ARGS_H

#include <stdint.h>
#include <stdbool.h>

#define ARGS_MAX 8
#define ARGS_KEY_MAX 16
#define ARGS_VALUE_MAX 160 /* the longest label (ROUTE_LABEL_MAX) */

struct args {
    unsigned count;
    struct arg {
        char key[ARGS_KEY_MAX];
        char value[ARGS_VALUE_MAX];
    } arg[ARGS_MAX];
};

/* Parse text into out. False with *why (a static text, may be NULL)
 * saying what is wrong; out is then empty. */
bool args_parse(const char *text, struct args *out, const char **why) __attribute__((warn_unused_result));

/* Whether every key of a is in the NULL-terminated list allowed; false
 * with *bad naming the first other key. */
bool args_only(const struct args *a, const char *const *allowed, const char **bad)
    __attribute__((warn_unused_result));

/* The value under key, or NULL if absent. */
const char *args_get(const struct args *a, const char *key);

/* The number under key: decimal, or 0x hex, with an optional K, M or G
 * suffix for decimal; fallback when absent. False when present but not
 * exactly such a number or beyond 64 bits. */
bool args_get_u64(const struct args *a, const char *key, uint64_t fallback, uint64_t *out)
    __attribute__((warn_unused_result));

/* Set key to value, replacing it where present, else appending. False if
 * the key or value is not valid (see the grammar) or there is no room. */
bool args_set(struct args *a, const char *key, const char *value) __attribute__((warn_unused_result));
bool args_set_u64(struct args *a, const char *key, uint64_t value) __attribute__((warn_unused_result));

/* Write a in the grammar above into out[cap]; false (and out empty) if
 * it does not fit: arguments are never cut short. */
bool args_format(const struct args *a, char *out, unsigned cap) __attribute__((warn_unused_result));

#endif
