/*
 * XML configuration parsing (see rt/xml.h). One tokenizer serves both the
 * checking pass of xml_parse and the navigation functions, which tokenize
 * a node's span again whenever they are asked something: a node is only a
 * pointer, a length and a line, so nothing needs to be stored.
 *
 * Every read is bounded by the end of the span being scanned; the buffer
 * is never assumed to be NUL terminated. Nesting is tracked with a fixed
 * stack of XML_MAX_DEPTH open elements instead of recursion. Line numbers
 * are counted lazily, from the last position asked about, so reporting
 * them costs one pass over the document in total.
 */
#include <rt/xml.h>
#include <rt/rt.h>
#include <stdarg.h>

#include "xml_scan.h"

static const struct {
    const char *text;
    char c;
} entities[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};

/* ---- characters and spans ---- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static bool name_char(char c)
{
    return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

size_t xml_name_length(const char *p, const char *end)
{
    if (p == end || !name_start(*p)) {
        return 0;
    }
    const char *q = p + 1;
    while (q < end && name_char(*q)) {
        q++;
    }
    return (size_t)(q - p);
}

bool xml_span_is(struct span s, const char *text)
{
    return s.len == strlen(text) && memcmp(s.p, text, s.len) == 0;
}

/* Length of the entity at p, 0 if it is none of the five. */
size_t xml_entity_at(const char *p, const char *end, char *decoded)
{
    for (size_t i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
        size_t n = strlen(entities[i].text);
        if ((size_t)(end - p) >= n && memcmp(p, entities[i].text, n) == 0) {
            *decoded = entities[i].c;
            return n;
        }
    }
    return 0;
}

/* Names in messages are cut short; the message itself is bounded anyway. */
static int shown(size_t len)
{
    return len > 48 ? 48 : (int)len;
}

/* ---- error messages ---- */

struct msg {
    char *buf;
    size_t cap, len;
};

static void msg_put(struct msg *m, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        if (m->len + 1 < m->cap) {
            m->buf[m->len++] = s[i];
        }
    }
}

static void msg_uint(struct msg *m, unsigned v)
{
    char tmp[12];
    size_t n = sizeof(tmp);
    do {
        tmp[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    msg_put(m, tmp + n, sizeof(tmp) - n);
}

static void msg_format(struct msg *m, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            msg_put(m, fmt, 1);
            continue;
        }
        fmt++;
        if (fmt[0] == '.' && fmt[1] == '*' && fmt[2] == 's') {
            int n = va_arg(ap, int);
            const char *s = va_arg(ap, const char *);
            msg_put(m, s, n < 0 ? 0 : (size_t)n);
            fmt += 2;
        } else if (*fmt == 's') {
            msg_put(m, va_arg(ap, const char *), (size_t)-1);
        } else if (*fmt == 'u') {
            msg_uint(m, va_arg(ap, unsigned));
        } else if (*fmt == 'c') {
            char c = (char)va_arg(ap, int);
            msg_put(m, &c, 1);
        } else {
            msg_put(m, "%", 1);
            fmt--;
        }
    }
}

static void error_v(struct xml_error *err, unsigned line, const char *fmt, va_list ap)
{
    if (!err) {
        return;
    }
    struct msg m = {err->msg, sizeof(err->msg), 0};
    err->line = line;
    msg_put(&m, "line ", 5);
    msg_uint(&m, line);
    msg_put(&m, ": ", 2);
    msg_format(&m, fmt, ap);
    err->msg[m.len] = 0;
}

void xml_error_set(struct xml_error *err, unsigned line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_v(err, line, fmt, ap);
    va_end(ap);
}

/* ---- the scanner ---- */

void xml_scan_init(struct scan *s, const char *base, unsigned base_line, const char *from, const char *end,
                   struct xml_error *err)
{
    s->p = from;
    s->end = end;
    s->base = s->mark = base;
    s->base_line = s->mark_line = base_line;
    s->err = err;
}

unsigned xml_line_at(struct scan *s, const char *at)
{
    if (at < s->mark) {
        s->mark = s->base;
        s->mark_line = s->base_line;
    }
    for (; s->mark < at; s->mark++) {
        if (*s->mark == '\n') {
            s->mark_line++;
        }
    }
    return s->mark_line;
}

__attribute__((format(printf, 3, 4))) static bool fail(struct scan *s, const char *at, const char *fmt, ...)
{
    if (s->err) {
        va_list ap;
        va_start(ap, fmt);
        error_v(s->err, xml_line_at(s, at), fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool starts_with(const struct scan *s, const char *text)
{
    size_t n = strlen(text);
    return (size_t)(s->end - s->p) >= n && memcmp(s->p, text, n) == 0;
}

static void skip_space(struct scan *s)
{
    while (s->p < s->end && is_space(*s->p)) {
        s->p++;
    }
}

/* Move past the first occurrence of close; false if there is none. */
static bool skip_past(struct scan *s, const char *close)
{
    for (; s->p < s->end; s->p++) {
        if (starts_with(s, close)) {
            s->p += strlen(close);
            return true;
        }
    }
    return false;
}

/* ---- attributes of a checked start tag ---- */

/* Attribute list from p (just after the element name) to end; stops at
 * the first thing that is not an attribute, such as '>' or '/>'. */
bool xml_attr_next(const char **p, const char *end, struct span *name, struct span *value)
{
    struct scan s = {.p = *p, .end = end};
    skip_space(&s);
    name->p = s.p;
    name->len = xml_name_length(s.p, end);
    s.p += name->len;
    skip_space(&s);
    if (name->len == 0 || s.p == end || *s.p != '=') {
        return false;
    }
    s.p++;
    skip_space(&s);
    if (s.p == end || (*s.p != '"' && *s.p != '\'')) {
        return false;
    }
    char quote = *s.p++;
    value->p = s.p;
    while (s.p < end && *s.p != quote) {
        s.p++;
    }
    if (s.p == end) {
        return false;
    }
    value->len = (size_t)(s.p - value->p);
    *p = s.p + 1;
    return true;
}

bool xml_attr_find(const char *p, const char *end, struct span name, struct span *value)
{
    struct span n;
    while (xml_attr_next(&p, end, &n, value)) {
        if (n.len == name.len && memcmp(n.p, name.p, n.len) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- tokens ---- */

/* One attribute of the start tag in t; the ones before it are checked. */
static bool attribute(struct scan *s, const struct token *t)
{
    struct span name = {s->p, xml_name_length(s->p, s->end)}, dup;
    int tl = shown(t->name_len), nl = shown(name.len);
    if (xml_attr_find(t->name + t->name_len, name.p, name, &dup)) {
        return fail(s, name.p, "duplicate attribute \"%.*s\" in <%.*s>", nl, name.p, tl, t->name);
    }
    s->p += name.len;
    skip_space(s);
    if (s->p == s->end || *s->p != '=') {
        return fail(s, s->p, "expected '=' after attribute \"%.*s\" of <%.*s>", nl, name.p, tl, t->name);
    }
    s->p++;
    skip_space(s);
    if (s->p == s->end || (*s->p != '"' && *s->p != '\'')) {
        return fail(s, s->p, "expected a quoted value for attribute \"%.*s\" of <%.*s>", nl, name.p, tl,
                    t->name);
    }
    const char *open = s->p;
    char quote = *s->p++, c;
    for (; s->p < s->end && *s->p != quote; s->p++) {
        if (*s->p == '<') {
            return fail(s, s->p, "'<' in the value of attribute \"%.*s\" of <%.*s>", nl, name.p, tl, t->name);
        }
        if (*s->p == '&' && xml_entity_at(s->p, s->end, &c) == 0) {
            return fail(s, s->p,
                        "unknown entity in attribute \"%.*s\" of <%.*s> (known: &lt; "
                        "&gt; &amp; &quot; &apos;)",
                        nl, name.p, tl, t->name);
        }
    }
    if (s->p == s->end) {
        return fail(s, open, "value of attribute \"%.*s\" of <%.*s> is never closed", nl, name.p, tl,
                    t->name);
    }
    s->p++;
    return true;
}

static bool start_tag(struct scan *s, struct token *t)
{
    t->name = s->p + 1;
    t->name_len = xml_name_length(t->name, s->end);
    if (t->name_len == 0) {
        return fail(s, t->name, "expected an element name after '<'");
    }
    s->p = t->name + t->name_len;
    for (;;) {
        const char *before = s->p;
        int tl = shown(t->name_len);
        skip_space(s);
        if (s->p == s->end) {
            return fail(s, s->p, "unexpected end of document inside the start tag of <%.*s>", tl, t->name);
        }
        if (*s->p == '>' || starts_with(s, "/>")) {
            t->kind = *s->p == '>' ? TOK_START : TOK_EMPTY;
            s->p += t->kind == TOK_START ? 1 : 2;
            return true;
        }
        if (!name_start(*s->p)) {
            return fail(s, s->p, "expected '>' after attribute list of <%.*s>", tl, t->name);
        }
        if (s->p == before) {
            return fail(s, s->p, "expected white space before attribute of <%.*s>", tl, t->name);
        }
        if (!attribute(s, t)) {
            return false;
        }
    }
}

static bool end_tag(struct scan *s, struct token *t)
{
    t->kind = TOK_END;
    t->name = s->p + 2;
    t->name_len = xml_name_length(t->name, s->end);
    if (t->name_len == 0) {
        return fail(s, t->name, "expected an element name after '</'");
    }
    s->p = t->name + t->name_len;
    skip_space(s);
    if (s->p == s->end || *s->p != '>') {
        return fail(s, s->p, "expected '>' to close </%.*s>", shown(t->name_len), t->name);
    }
    s->p++;
    return true;
}

/* Markup that starts with "<!" or "<?". */
static bool special(struct scan *s, struct token *t)
{
    if (starts_with(s, "<!--")) {
        t->kind = TOK_COMMENT;
        s->p += 4;
        return skip_past(s, "-->") || fail(s, t->at, "comment is never closed with '-->'");
    }
    if (starts_with(s, "<?")) {
        t->kind = TOK_DECL;
        s->p += 2;
        return skip_past(s, "?>") || fail(s, t->at, "declaration is never closed with '?>'");
    }
    return fail(s, t->at, "unsupported markup \"<!\" (only comments <!-- --> are allowed)");
}

/* The next token from s; false (with s->err filled) if it is malformed. */
bool xml_next_token(struct scan *s, struct token *t)
{
    t->at = s->p;
    t->name = NULL;
    t->name_len = 0;
    if (s->p == s->end) {
        t->kind = TOK_EOF;
        return true;
    }
    if (*s->p != '<') {
        t->kind = TOK_TEXT;
        while (s->p < s->end && *s->p != '<') {
            s->p++;
        }
        return true;
    }
    if (starts_with(s, "<!") || starts_with(s, "<?")) {
        return special(s, t);
    }
    if (starts_with(s, "</")) {
        return end_tag(s, t);
    }
    return start_tag(s, t);
}

/* ---- checking a document ---- */

struct doc {
    struct scan s;
    struct {
        const char *name;
        size_t len;
        unsigned line;
    } open[XML_MAX_DEPTH];
    unsigned depth;
    bool seen_root, seen_markup;
    struct xml_node root;
};

static bool doc_start(struct doc *d, const struct token *t)
{
    int tl = shown(t->name_len);
    if (d->depth == 0 && d->seen_root) {
        return fail(&d->s, t->at, "second top-level element <%.*s> (a document has exactly one)", tl,
                    t->name);
    }
    d->seen_markup = true;
    if (d->depth == 0) {
        d->seen_root = true;
        d->root.p = t->at;
        d->root.line = xml_line_at(&d->s, t->at);
        d->root.len = (size_t)(d->s.p - t->at);
    }
    if (t->kind == TOK_EMPTY) {
        return true;
    }
    if (d->depth == XML_MAX_DEPTH) {
        return fail(&d->s, t->at, "<%.*s> is nested deeper than %u elements", tl, t->name,
                    (unsigned)XML_MAX_DEPTH);
    }
    d->open[d->depth].name = t->name;
    d->open[d->depth].len = t->name_len;
    d->open[d->depth].line = xml_line_at(&d->s, t->at);
    d->depth++;
    return true;
}

static bool doc_end(struct doc *d, const struct token *t)
{
    int tl = shown(t->name_len);
    if (d->depth == 0) {
        return fail(&d->s, t->at, "</%.*s> without a matching start tag", tl, t->name);
    }
    d->depth--;
    if (d->open[d->depth].len != t->name_len || memcmp(d->open[d->depth].name, t->name, t->name_len) != 0) {
        return fail(&d->s, t->at, "</%.*s> does not match <%.*s> opened on line %u", tl, t->name,
                    shown(d->open[d->depth].len), d->open[d->depth].name, d->open[d->depth].line);
    }
    if (d->depth == 0) {
        d->root.len = (size_t)(d->s.p - d->root.p);
    }
    return true;
}

/* Text, comments and the declaration. */
static bool doc_other(struct doc *d, const struct token *t)
{
    if (t->kind == TOK_TEXT && d->depth == 0) {
        for (const char *c = t->at; c < d->s.p; c++) {
            if (!is_space(*c)) {
                return fail(&d->s, c, "text outside the top-level element");
            }
        }
        return true;
    }
    if (t->kind == TOK_DECL) {
        size_t n = (size_t)(d->s.p - t->at);
        if (n < 7 || memcmp(t->at, "<?xml", 5) != 0 || !(is_space(t->at[5]) || t->at[5] == '?')) {
            return fail(&d->s, t->at,
                        "processing instructions other than <?xml ...?> are not "
                        "supported");
        }
        if (d->seen_markup) {
            return fail(&d->s, t->at, "the <?xml ...?> declaration must come first");
        }
    }
    d->seen_markup = d->seen_markup || t->kind != TOK_TEXT;
    return true;
}

static bool doc_finish(struct doc *d)
{
    if (d->depth > 0) {
        unsigned i = d->depth - 1;
        return fail(&d->s, d->s.end, "unexpected end of document inside <%.*s> (opened on line %u)",
                    shown(d->open[i].len), d->open[i].name, d->open[i].line);
    }
    if (!d->seen_root) {
        return fail(&d->s, d->s.end, "the document has no top-level element");
    }
    return true;
}

/* One token of the document; *done when the end was reached. */
static bool doc_step(struct doc *d, bool *done)
{
    struct token t;
    if (!xml_next_token(&d->s, &t)) {
        return false;
    }
    switch (t.kind) {
    case TOK_EOF:
        *done = true;
        return doc_finish(d);
    case TOK_START:
    case TOK_EMPTY:
        return doc_start(d, &t);
    case TOK_END:
        return doc_end(d, &t);
    default:
        return doc_other(d, &t);
    }
}

bool xml_parse(const char *buf, size_t len, struct xml_node *root, struct xml_error *err)
{
    struct doc d = {.depth = 0};
    bool done = false;
    xml_scan_init(&d.s, buf, 1, buf, buf + len, err);
    while (!done) {
        if (!doc_step(&d, &done)) {
            return false;
        }
    }
    d.root.limit = d.root.p + d.root.len;
    *root = d.root;
    return true;
}
