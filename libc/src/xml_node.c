/*
 * XML navigation: the element itself, its children and its attributes,
 * each found by tokenizing the node's span again (see xml.c for the
 * tokenizer and rt/xml.h for the interface).
 */
#include <rt/xml.h>
#include <rt/rt.h>
#include "xml_scan.h"

/* ---- the element itself ---- */

static struct span type_of(const struct xml_node *n)
{
    const char *end = n->p + n->len;
    struct span s = {n->p + 1, 0};
    if (n->len > 0) {
        s.len = xml_name_length(s.p, end);
    }
    return s;
}

bool xml_type_is(const struct xml_node *n, const char *type)
{
    return xml_span_is(type_of(n), type);
}

bool xml_type(const struct xml_node *n, char *out, size_t cap)
{
    struct span t = type_of(n);
    if (cap == 0) {
        return false;
    }
    out[0] = 0;
    if (t.len >= cap) {
        return false;
    }
    memcpy(out, t.p, t.len);
    out[t.len] = 0;
    return true;
}

unsigned xml_line(const struct xml_node *n)
{
    return n->line;
}

void xml_raw(const struct xml_node *n, const char **p, size_t *len)
{
    *p = n->p;
    *len = n->len;
}

/* Where the content begins; NULL for <a/>. */
static const char *content_begin(const struct xml_node *n)
{
    struct scan s;
    struct token t;
    xml_scan_init(&s, n->p, n->line, n->p, n->p + n->len, NULL);
    if (!xml_next_token(&s, &t) || t.kind != TOK_START) {
        return NULL;
    }
    return s.p;
}

/* The end tag is the last '<' of the element: a checked end tag, unlike
 * attribute values, contains none. */
static const char *content_end(const struct xml_node *n, const char *begin)
{
    const char *q = n->p + n->len;
    while (q > begin) {
        if (*--q == '<') {
            return q;
        }
    }
    return begin;
}

void xml_content(const struct xml_node *n, const char **p, size_t *len)
{
    const char *begin = content_begin(n);
    if (!begin) {
        *p = n->p + n->len;
        *len = 0;
        return;
    }
    *p = begin;
    *len = (size_t)(content_end(n, begin) - begin);
}

/* ---- text content ---- */

static void put_decoded(const char *p, const char *end, void (*put)(void *ctx, char c), void *ctx)
{
    while (p < end) {
        char c = *p;
        size_t n = c == '&' ? xml_entity_at(p, end, &c) : 0;
        p += n ? n : 1; /* an '&' that starts no entity stands for itself */
        put(ctx, c);
    }
}

bool xml_text_each(const struct xml_node *n, void (*put)(void *ctx, char c), void *ctx)
{
    const char *begin = content_begin(n);
    struct scan s;
    struct token t;
    bool blank = true;
    if (!begin || xml_sub_count(n) > 0) {
        return false;
    }
    for (int pass = 0; pass < 2; pass++) {
        xml_scan_init(&s, n->p, n->line, begin, content_end(n, begin), NULL);
        while (xml_next_token(&s, &t) && t.kind != TOK_EOF) {
            for (const char *c = t.at; t.kind == TOK_TEXT && c < s.p && blank; c++) {
                blank = *c == ' ' || *c == '\t' || *c == '\r' || *c == '\n';
            }
            if (pass == 1 && t.kind == TOK_TEXT) {
                put_decoded(t.at, s.p, put, ctx);
            }
        }
        if (blank) {
            return false;
        }
    }
    return true;
}

struct text_buf {
    char *out;
    size_t cap, len;
    bool full;
};

static void text_put(void *ctx, char c)
{
    struct text_buf *b = ctx;
    if (b->len + 1 >= b->cap) {
        b->full = true;
        return;
    }
    b->out[b->len++] = c;
}

bool xml_text(const struct xml_node *n, char *out, size_t cap, size_t *len)
{
    struct text_buf b = {out, cap, 0, false};
    if (cap == 0) {
        return false;
    }
    xml_text_each(n, text_put, &b);
    if (b.full) {
        b.len = 0;
    }
    out[b.len] = 0;
    *len = b.len;
    return !b.full;
}

/* ---- children ---- */

/* The next element at the top level of s, skipping text and comments. */
static bool next_element(struct scan *s, struct xml_node *out)
{
    struct token t;
    do {
        if (!xml_next_token(s, &t)) {
            return false;
        }
    } while (t.kind == TOK_TEXT || t.kind == TOK_COMMENT || t.kind == TOK_DECL);
    if (t.kind != TOK_START && t.kind != TOK_EMPTY) {
        return false;
    }
    struct xml_node e = {.p = t.at, .line = xml_line_at(s, t.at), .limit = s->end};
    unsigned depth = t.kind == TOK_START;
    while (depth > 0) {
        if (!xml_next_token(s, &t) || t.kind == TOK_EOF) {
            return false;
        }
        depth += t.kind == TOK_START;
        depth -= t.kind == TOK_END;
    }
    e.len = (size_t)(s->p - e.p);
    *out = e;
    return true;
}

bool xml_first_sub(const struct xml_node *n, struct xml_node *out)
{
    const char *begin = content_begin(n);
    if (!begin) {
        return false;
    }
    struct scan s;
    xml_scan_init(&s, n->p, n->line, begin, content_end(n, begin), NULL);
    return next_element(&s, out);
}

bool xml_next_sibling(const struct xml_node *n, struct xml_node *out)
{
    const char *after = n->p + n->len;
    if (after > n->limit) {
        return false;
    }
    struct scan s;
    xml_scan_init(&s, n->p, n->line, after, n->limit, NULL);
    return next_element(&s, out);
}

bool xml_next_of_type(const struct xml_node *n, const char *type, struct xml_node *out)
{
    struct xml_node c = *n;
    while (xml_next_sibling(&c, &c)) {
        if (xml_type_is(&c, type)) {
            *out = c;
            return true;
        }
    }
    return false;
}

bool xml_first_sub_of_type(const struct xml_node *n, const char *type, struct xml_node *out)
{
    struct xml_node c;
    if (!xml_first_sub(n, &c)) {
        return false;
    }
    if (xml_type_is(&c, type)) {
        *out = c;
        return true;
    }
    return xml_next_of_type(&c, type, out);
}

unsigned xml_sub_count(const struct xml_node *n)
{
    struct xml_node c;
    unsigned count = 0;
    for (bool more = xml_first_sub(n, &c); more; more = xml_next_sibling(&c, &c)) {
        count++;
    }
    return count;
}

/* ---- attributes ---- */

static bool attr_value(const struct xml_node *n, const char *name, struct span *value)
{
    struct span t = type_of(n), key = {name, strlen(name)};
    return t.len > 0 && xml_attr_find(t.p + t.len, n->p + n->len, key, value);
}

/* A value with its entities decoded into out[cap] (not empty). */
static bool decode(struct span v, char *out, size_t cap)
{
    struct text_buf b = {out, cap, 0, false};
    put_decoded(v.p, v.p + v.len, text_put, &b);
    out[b.full ? 0 : b.len] = 0;
    return !b.full;
}

bool xml_has_attr(const struct xml_node *n, const char *name)
{
    struct span v;
    return attr_value(n, name, &v);
}

bool xml_attr(const struct xml_node *n, const char *name, char *out, size_t cap)
{
    struct span v;
    if (cap == 0) {
        return false;
    }
    if (!attr_value(n, name, &v)) {
        return false; /* out keeps its value: a default set by the caller */
    }
    return decode(v, out, cap);
}

bool xml_attr_nth(const struct xml_node *n, unsigned i, char *name, size_t name_cap, char *value,
                  size_t value_cap)
{
    struct span t = type_of(n), k, v;
    const char *p = t.p + t.len;
    if (t.len == 0 || name_cap == 0 || value_cap == 0) {
        return false;
    }
    for (unsigned at = 0; xml_attr_next(&p, n->p + n->len, &k, &v); at++) {
        if (at == i) {
            if (k.len >= name_cap) {
                return false;
            }
            memcpy(name, k.p, k.len);
            name[k.len] = 0;
            return decode(v, value, value_cap);
        }
    }
    return false;
}

static int digit(char c, unsigned base)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (base == 16 && c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (base == 16 && c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    unsigned base = 10, shift = 0;
    uint64_t v = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    const char *first = s;
    for (int d; (d = digit(*s, base)) >= 0; s++) {
        if (v > (UINT64_MAX - (uint64_t)d) / base) {
            return false;
        }
        v = v * base + (uint64_t)d;
    }
    shift = *s == 'K' ? 10 : *s == 'M' ? 20 : *s == 'G' ? 30 : 0;
    if (s == first || (shift && v > (UINT64_MAX >> shift))) {
        return false;
    }
    s += shift ? 1 : 0;
    if (*s) {
        return false;
    }
    *out = v << shift;
    return true;
}

bool xml_attr_u64(const struct xml_node *n, const char *name, uint64_t *out)
{
    char v[32];
    return xml_attr(n, name, v, sizeof(v)) && parse_u64(v, out);
}

bool xml_attr_bool(const struct xml_node *n, const char *name, bool *out)
{
    char v[8];
    if (!xml_attr(n, name, v, sizeof(v))) {
        return false;
    }
    if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0) {
        *out = true;
        return true;
    }
    if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0) {
        *out = false;
        return true;
    }
    return false;
}
