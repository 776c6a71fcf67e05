/*
 * Fuzz target: session arguments (libc/src/args.c, rt/args.h). The input
 * is an argument string as a client sends it, then (after a NUL) a label.
 * Invariants: what parses formats back to text that parses to the same
 * arguments; no value holds a quote; setting a label and a number (as a
 * parent does when it forwards) gives exactly those values back after a
 * round trip, or fails openly, and never changes any other argument.
 */
#include <rt/args.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define OUT_MAX 256

static bool same(const struct args *a, const struct args *b)
{
    if (a->count != b->count) {
        return false;
    }
    for (unsigned i = 0; i < a->count; i++) {
        const char *v = args_get(b, a->arg[i].key);
        if (!v || strcmp(v, a->arg[i].value)) {
            return false;
        }
    }
    return true;
}

static void check(const struct args *a, const char *label)
{
    char out[OUT_MAX];
    struct args b, fwd = *a;
    for (unsigned i = 0; i < a->count; i++) {
        if (strchr(a->arg[i].value, '"')) {
            abort(); /* a value holding a quote could end another's */
        }
    }
    if (args_format(a, out, sizeof(out)) && (!args_parse(out, &b, NULL) || !same(a, &b))) {
        abort(); /* formatting does not round-trip */
    }
    if (!args_set(&fwd, "label", label) || !args_set_u64(&fwd, "priority", 7) ||
        !args_format(&fwd, out, sizeof(out))) {
        return; /* refused openly: fine */
    }
    uint64_t prio = 0;
    if (!args_parse(out, &b, NULL) || strcmp(args_get(&b, "label"), label) ||
        !args_get_u64(&b, "priority", 0, &prio) || prio != 7) {
        abort(); /* the label or priority a parent set is not the one read */
    }
    for (unsigned i = 0; i < a->count; i++) {
        const char *k = a->arg[i].key;
        if (strcmp(k, "label") && strcmp(k, "priority") && strcmp(args_get(&b, k), a->arg[i].value)) {
            abort(); /* forwarding changed another argument */
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;
    size_t len = strlen(text);
    const char *label = len < size ? text + len + 1 : "";
    struct args a;
    uint64_t n;
    if (args_parse(text, &a, NULL)) {
        for (unsigned i = 0; i < a.count; i++) {
            (void)args_get_u64(&a, a.arg[i].key, 0, &n);
        }
        check(&a, label);
    } else if (a.count != 0) {
        abort(); /* a refused string leaves no arguments behind */
    }
    free(text);
    return 0;
}
