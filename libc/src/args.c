/*
 * Session arguments (rt/args.h): the one strict parser and formatter.
 * Everything a client writes is checked here before any server or parent
 * reads a value, so quoting tricks cannot smuggle in arguments.
 */
#include <rt/args.h>
#include <rt/rt.h>

static bool key_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || c == '_' || (!first && c >= '0' && c <= '9');
}

static bool bare_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == ':' || c == '+' || c == '-';
}

static bool quoted_char(char c)
{
    return (unsigned char)c >= 0x20 && c != 0x7f && c != '"' && c != '\\';
}

static const char *skip_spaces(const char *p)
{
    while (*p == ' ') {
        p++;
    }
    return p;
}

static struct arg *find(const struct args *a, const char *key)
{
    for (unsigned i = 0; i < a->count; i++) {
        if (!strcmp(a->arg[i].key, key)) {
            return (struct arg *)&a->arg[i];
        }
    }
    return NULL;
}

static bool valid_key(const char *key)
{
    size_t n = strlen(key);
    if (n == 0 || n >= ARGS_KEY_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!key_char(key[i], i == 0)) {
            return false;
        }
    }
    return true;
}

static bool valid_value(const char *value)
{
    size_t n = strlen(value);
    if (n >= ARGS_VALUE_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!quoted_char(value[i])) {
            return false;
        }
    }
    return true;
}

/* One `key=value` at p into arg; the position after it, or NULL. */
static const char *parse_arg(const char *p, struct arg *arg, const char **why)
{
    unsigned n = 0;
    while (key_char(*p, n == 0)) {
        if (n + 1 >= ARGS_KEY_MAX) {
            *why = "key too long";
            return NULL;
        }
        arg->key[n++] = *p++;
    }
    arg->key[n] = 0;
    if (n == 0 || *p != '=') {
        *why = n == 0 ? "expected a key: lower case, [a-z_][a-z0-9_]*" : "expected '=' after the key";
        return NULL;
    }
    p++;
    bool quoted = *p == '"';
    p += quoted;
    n = 0;
    while (quoted ? quoted_char(*p) : bare_char(*p)) {
        if (n + 1 >= ARGS_VALUE_MAX) {
            *why = "value too long";
            return NULL;
        }
        arg->value[n++] = *p++;
    }
    arg->value[n] = 0;
    if (quoted && *p != '"') {
        *why = *p ? "forbidden character in a quoted value" : "unterminated quoted value";
        return NULL;
    }
    if (!quoted && n == 0) {
        *why = "empty value (write \"\")";
        return NULL;
    }
    return p + quoted;
}

bool args_parse(const char *text, struct args *out, const char **why)
{
    const char *dummy;
    why = why ? why : &dummy;
    out->count = 0;
    const char *p = skip_spaces(text);
    while (*p) {
        if (out->count == ARGS_MAX) {
            *why = "too many arguments";
            out->count = 0;
            return false;
        }
        struct arg *arg = &out->arg[out->count];
        p = parse_arg(p, arg, why);
        if (p && find(out, arg->key)) {
            *why = "duplicate key";
            p = NULL;
        }
        if (!p) {
            out->count = 0;
            return false;
        }
        out->count++;
        p = skip_spaces(p);
        if (*p == ',') {
            p = skip_spaces(p + 1);
            if (!*p) {
                *why = "trailing comma";
                out->count = 0;
                return false;
            }
        } else if (*p) {
            *why = "expected ',' between arguments";
            out->count = 0;
            return false;
        }
    }
    return true;
}

bool args_only(const struct args *a, const char *const *allowed, const char **bad)
{
    for (unsigned i = 0; i < a->count; i++) {
        const char *const *k = allowed;
        while (*k && strcmp(*k, a->arg[i].key)) {
            k++;
        }
        if (!*k) {
            *bad = a->arg[i].key;
            return false;
        }
    }
    return true;
}

const char *args_get(const struct args *a, const char *key)
{
    const struct arg *arg = find(a, key);
    return arg ? arg->value : NULL;
}

static int digit(char c, unsigned base)
{
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : 99;
    return d < (int)base ? d : -1;
}

bool args_get_u64(const struct args *a, const char *key, uint64_t fallback, uint64_t *out)
{
    const char *p = args_get(a, key);
    *out = fallback;
    if (!p) {
        return true;
    }
    unsigned base = p[0] == '0' && p[1] == 'x' ? 16 : 10;
    p += base == 16 ? 2 : 0;
    uint64_t n = 0;
    const char *first = p;
    for (int d; (d = digit(*p, base)) >= 0; p++) {
        if (n > (UINT64_MAX - (uint64_t)d) / base) {
            return false;
        }
        n = n * base + (uint64_t)d;
    }
    bool digits = p > first;
    unsigned shift = base != 10 ? 0 : *p == 'K' ? 10 : *p == 'M' ? 20 : *p == 'G' ? 30 : 0;
    p += shift != 0;
    if (!digits || *p || (shift && n > UINT64_MAX >> shift)) {
        return false;
    }
    *out = n << shift;
    return true;
}

bool args_set(struct args *a, const char *key, const char *value)
{
    if (!valid_key(key) || !valid_value(value)) {
        return false;
    }
    struct arg *arg = find(a, key);
    if (!arg) {
        if (a->count == ARGS_MAX) {
            return false;
        }
        arg = &a->arg[a->count++];
        memcpy(arg->key, key, strlen(key) + 1);
    }
    memcpy(arg->value, value, strlen(value) + 1);
    return true;
}

bool args_set_u64(struct args *a, const char *key, uint64_t value)
{
    char v[24];
    snprintf(v, sizeof(v), "%lu", (unsigned long)value);
    return args_set(a, key, v);
}

static bool is_bare(const char *v)
{
    if (!*v) {
        return false;
    }
    for (; *v; v++) {
        if (!bare_char(*v)) {
            return false;
        }
    }
    return true;
}

bool args_format(const struct args *a, char *out, unsigned cap)
{
    unsigned len = 0;
    for (unsigned i = 0; i < a->count; i++) {
        const char *q = is_bare(a->arg[i].value) ? "" : "\"";
        int n = snprintf(out + len, cap - len, "%s%s=%s%s%s", i ? ", " : "", a->arg[i].key, q,
                         a->arg[i].value, q);
        if (n < 0 || (unsigned)n >= cap - len) {
            if (cap) {
                out[0] = 0;
            }
            return false;
        }
        len += (unsigned)n;
    }
    if (cap) {
        out[len] = 0;
    }
    return cap > 0;
}
