/*
 * Session argument strings (rt/args.h).
 */
#include <rt/args.h>
#include <rt/rt.h>

/* The end of the argument starting at p: the next comma outside quotes.
 * A key inside a quoted value (a label) is never taken for an argument. */
static const char *arg_end(const char *p)
{
    bool quoted = false;
    while (*p && (quoted || *p != ',')) {
        quoted ^= *p == '"';
        p++;
    }
    return p;
}

/* Find `key=` in "k1=v1, k2=\"v 2\"" and copy its value (quotes removed). */
bool args_value(const char *args, const char *key, char *out, unsigned cap)
{
    unsigned klen = (unsigned)strlen(key);
    for (const char *p = args; *p;) {
        while (*p == ' ' || *p == ',') {
            p++;
        }
        const char *end = arg_end(p);
        if (!strncmp(p, key, klen) && p[klen] == '=') {
            const char *v = p + klen + 1;
            bool quoted = *v == '"';
            v += quoted;
            unsigned n = 0;
            while (v < end && !(quoted && *v == '"') && n + 1 < cap) {
                out[n++] = *v++;
            }
            out[n] = 0;
            return true;
        }
        p = end;
    }
    return false;
}

/* Append the arguments of args except those named skip_key to out. */
static void append_others(char *out, unsigned cap, unsigned len, const char *args, const char *skip_key)
{
    unsigned klen = (unsigned)strlen(skip_key);
    const char *p = args;
    while (*p) {
        while (*p == ' ' || *p == ',') {
            p++;
        }
        const char *start = p;
        p = arg_end(p);
        if (p > start && (strncmp(start, skip_key, klen) || start[klen] != '=')) {
            int n = snprintf(out + len, cap - len, len ? ", %.*s" : "%.*s", (int)(p - start), start);
            len += n < 0 ? 0 : (unsigned)n < cap - len ? (unsigned)n : cap - len - 1;
        }
    }
}

void args_relabel(char *out, unsigned cap, const char *args, const char *label)
{
    int n = snprintf(out, cap, "label=\"%s\"", label);
    append_others(out, cap, n < 0 ? 0 : (unsigned)n < cap ? (unsigned)n : cap - 1, args, "label");
}

void args_set_u64(char *out, unsigned cap, const char *args, const char *key, uint64_t value)
{
    out[0] = 0;
    append_others(out, cap, 0, args, key);
    unsigned len = (unsigned)strlen(out);
    snprintf(out + len, cap - len, len ? ", %s=%lu" : "%s=%lu", key, value);
}

uint64_t args_u64(const char *args, const char *key, uint64_t fallback)
{
    char v[32];
    if (!args_value(args, key, v, sizeof(v))) {
        return fallback;
    }
    uint64_t n = 0;
    const char *p = v;
    if (p[0] == '0' && p[1] == 'x') {
        for (p += 2; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'); p++) {
            n = n * 16 + (uint64_t)(*p <= '9' ? *p - '0' : *p - 'a' + 10);
        }
        return n;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        n = n * 10 + (uint64_t)(*p - '0');
    }
    if (*p == 'K') {
        n <<= 10;
    } else if (*p == 'M') {
        n <<= 20;
    }
    return n;
}
