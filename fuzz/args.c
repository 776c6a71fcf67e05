/*
 * Fuzz target: session arguments (libc/src/args.c, rt/args.h). The input
 * is an argument string as a client sends it, then (after a NUL) a label.
 * Every reader and rewriter runs on it; and where the string keeps its
 * quotes balanced (an odd '"' is issue 7's priority escape, left to the
 * strict parser that replaces args.c), rewriting must hold: the number a
 * parent sets is the number a server reads, a relabelled request carries
 * exactly the new label (when it has no '"') and the same quota.
 * Kept small on purpose: args.c is being replaced, and this file with it.
 */
#include <rt/args.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define OUT_MAX 512

static const char *const keys[] = {"label", "ram_quota", "cap_quota", "priority", "base", "size", "l"};

static bool quotes_balanced(const char *s)
{
    unsigned n = 0;
    for (; *s; s++) {
        n += *s == '"';
    }
    return n % 2 == 0;
}

/* A rewrite of args fits OUT_MAX for sure (it may turn each ',' into ", "
 * and adds a label or a number); a longer one is cut short, as documented. */
static bool fits(const char *args, const char *label)
{
    return 2 * strlen(args) + strlen(label) + 32 < OUT_MAX;
}

static void check_rewrites(const char *args, const char *label)
{
    char out[OUT_MAX], v[OUT_MAX];
    args_set_u64(out, sizeof(out), args, "priority", 7);
    if (fits(args, "") && args_u64(out, "priority", 0) != 7) {
        abort(); /* the priority a parent set is not the one read */
    }
    if (strchr(label, '"') || !fits(args, label)) {
        return;
    }
    args_relabel(out, sizeof(out), args, label);
    if (!args_value(out, "label", v, sizeof(v)) || strcmp(v, label)) {
        abort(); /* the label read is not the label written */
    }
    if (args_u64(out, "ram_quota", 1) != args_u64(args, "ram_quota", 1) ||
        args_u64(out, "cap_quota", 1) != args_u64(args, "cap_quota", 1)) {
        abort(); /* relabelling changed the quota */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *args = malloc(size + 1);
    memcpy(args, data, size);
    args[size] = 0;
    size_t args_len = strlen(args);
    const char *label = args_len < size ? args + args_len + 1 : "";
    char v[64], out[OUT_MAX];
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        (void)args_value(args, keys[i], v, sizeof(v));
        (void)args_value(args, keys[i], v, 1);
        (void)args_u64(args, keys[i], 0);
        args_set_u64(out, sizeof(out), args, keys[i], UINT64_MAX);
        args_set_u64(out, 8, args, keys[i], 1);
    }
    args_relabel(out, sizeof(out), args, label);
    args_relabel(out, 8, args, label);
    if (quotes_balanced(args)) {
        check_rewrites(args, label);
    }
    free(args);
    return 0;
}
