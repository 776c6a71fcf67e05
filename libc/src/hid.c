/*
 * Reading HID (see rt/hid.h): the document is cut into segments (the
 * pieces of a physical line between '|'), checked byte by byte, and
 * written out as XML, one element per '+' node, on the line of the node.
 *
 * A node's attributes and quoted lines are the segments that follow it up
 * to the next node, wherever they are indented; a look-ahead over those
 * segments gathers them before the start tag is written, so one pass over
 * the nodes with a fixed stack of open nodes (no recursion, no heap) does
 * it. Disabled ('x') nodes and everything nested in them write nothing.
 * Every write is bounded by the output buffer.
 */
#include <rt/hid.h>
#include <rt/rt.h>

#include "xml_scan.h"

enum seg_kind { SEG_NODE, SEG_DISABLED, SEG_ATTR, SEG_QUOTED, SEG_COMMENT, SEG_BLANK, SEG_OTHER, SEG_END };

/* One segment: p..end is its text from the first non-space byte, without
 * the '|' or the line end (CR LF or LF) that ends it. */
struct seg {
    enum seg_kind kind;
    unsigned line, col; /* 1-based line, 0-based byte column of p */
    const char *p, *end, *line_begin;
};

struct cursor {
    const char *p, *end, *line_begin;
    unsigned line;
    bool line_start;
    struct xml_error *err;
};

struct out {
    char *buf;
    size_t cap, len;
    bool full;
    unsigned line; /* the line the next byte goes to */
};

struct open_node {
    const char *type;
    size_t type_len;
    unsigned col;
    bool enabled;
};

struct conv {
    struct cursor cur;
    struct out out;
    struct open_node open[XML_MAX_DEPTH];
    unsigned depth;
};

size_t hid_xml_budget(size_t len)
{
    return len > ((size_t)-1 - 64) / 6 ? (size_t)-1 : 6 * len + 64;
}

/* ---- characters ---- */

static bool type_start(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool type_char(char c)
{
    return type_start(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static size_t tag_length(const char *p, const char *end)
{
    const char *q = p;
    if (q == end || !type_start(*q)) {
        return 0;
    }
    while (q < end && type_char(*q)) {
        q++;
    }
    return (size_t)(q - p);
}

static const char *skip_spaces(const char *p, const char *end)
{
    while (p < end && *p == ' ') {
        p++;
    }
    return p;
}

static const char *trim_end(const char *p, const char *end)
{
    while (end > p && end[-1] == ' ') {
        end--;
    }
    return end;
}

/* ---- segments ---- */

static bool fail_at(struct xml_error *err, unsigned line, const char *line_begin, const char *at,
                    const char *what)
{
    xml_error_set(err, line, "%s (column %u)", what, (unsigned)(at - line_begin) + 1);
    return false;
}

/* The end of the segment from p: '|' (unless it runs to the line end),
 * CR LF, LF or the end of the text. Checks every byte on the way. */
static bool segment_end(struct cursor *c, const char *p, bool to_line_end, const char **stop)
{
    for (; p < c->end && *p != '\n'; p++) {
        unsigned char b = (unsigned char)*p;
        if (*p == '|' && !to_line_end) {
            break;
        }
        if (*p == '\r' && p + 1 < c->end && p[1] == '\n') {
            break;
        }
        if (*p == '\t' && !to_line_end) {
            return fail_at(c->err, c->line, c->line_begin, p,
                           "a TAB outside a comment or quoted line (indent with spaces)");
        }
        if (b < 0x20 && *p != '\t') {
            return fail_at(c->err, c->line, c->line_begin, p,
                           "a control character (below 0x20) in the document");
        }
    }
    *stop = p;
    return true;
}

/* Is p..end a one-byte marker: the byte, then a space or the line end? */
static bool marker(const char *p, const char *end, char m, bool lone_ok)
{
    if (p == end || *p != m) {
        return false;
    }
    return (p + 1 < end && p[1] == ' ') || (lone_ok && (p + 1 == end || p[1] == '\n' || p[1] == '\r'));
}

static enum seg_kind classify(const char *p, const char *line_end)
{
    if (marker(p, line_end, '.', true)) {
        return SEG_COMMENT;
    }
    if (marker(p, line_end, ':', true)) {
        return SEG_QUOTED;
    }
    if (marker(p, line_end, '+', false)) {
        return SEG_NODE;
    }
    if (marker(p, line_end, 'x', false)) {
        return SEG_DISABLED;
    }
    size_t n = tag_length(p, line_end);
    if (n > 0 && p + n < line_end && p[n] == ':') {
        return SEG_ATTR;
    }
    return SEG_OTHER;
}

/* The next segment; false (err set) on a bad byte or a missing end line. */
static bool next_seg(struct cursor *c, struct seg *s)
{
    if (c->p == c->end) {
        xml_error_set(c->err, c->line, "the document ends without its end line (a line starting with '-')");
        return false;
    }
    s->line = c->line;
    s->line_begin = c->line_begin;
    if (c->line_start && *c->p == '-') {
        s->kind = SEG_END;
        s->col = 0;
        s->p = s->end = c->p;
        return true;
    }
    const char *p = skip_spaces(c->p, c->end);
    s->kind = classify(p, c->end);
    s->col = (unsigned)(p - c->line_begin);
    s->p = p;
    bool whole_line = s->kind == SEG_COMMENT || s->kind == SEG_QUOTED;
    if (!segment_end(c, c->p, whole_line, &s->end)) {
        return false;
    }
    if (s->p >= s->end) {
        s->kind = SEG_BLANK;
        s->p = s->end;
    }
    const char *q = s->end;
    c->line_start = false;
    if (q < c->end && *q == '|') {
        q++;
    } else {
        q += q < c->end && *q == '\r' ? 1 : 0;
        if (q < c->end) {
            q++; /* the LF */
            c->line++;
            c->line_begin = q;
            c->line_start = true;
        }
    }
    c->p = q;
    return true;
}

/* ---- output ---- */

static void put(struct out *o, char c)
{
    o->line += c == '\n'; /* counted when full too: padding to a line ends */
    if (o->len == o->cap) {
        o->full = true;
        return;
    }
    o->buf[o->len++] = c;
}

static void put_text(struct out *o, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        put(o, p[i]);
    }
}

/* Bytes of a value or a quoted line, escaped for XML. */
static void put_escaped(struct out *o, const char *p, const char *end)
{
    for (; p < end; p++) {
        const char *e = *p == '<'   ? "&lt;"
                        : *p == '>' ? "&gt;"
                        : *p == '&' ? "&amp;"
                        : *p == '"' ? "&quot;"
                                    : 0;
        if (e) {
            put_text(o, e, strlen(e));
        } else {
            put(o, *p);
        }
    }
}

/* ---- attributes and quoted lines of one node ---- */

/* An attribute segment p..end: "tag:" then the value after the first
 * space, trimmed. Written unless the start tag (from tag_begin) already
 * has that tag: the first one wins. */
static void put_attribute(struct out *o, size_t tag_begin, const char *p, const char *end)
{
    size_t n = tag_length(p, end);
    const char *v = p + n + 1;
    while (v < end && *v != ' ') {
        v++;
    }
    v = skip_spaces(v, end);
    const char *v_end = trim_end(v, end);
    struct span tag = {p, n}, found;
    if (!o->full && xml_attr_find(o->buf + tag_begin, o->buf + o->len, tag, &found)) {
        return;
    }
    put(o, ' ');
    put_text(o, p, n);
    put_text(o, "=\"", 2);
    put_escaped(o, v, v_end);
    put(o, '"');
}

/* The segments after a node up to the next node or the end line, read
 * twice: attributes into the start tag, then the quoted lines. */
static bool put_body(struct conv *cv, size_t tag_begin)
{
    struct cursor c = cv->cur;
    struct seg s;
    for (;;) {
        if (!next_seg(&c, &s)) {
            return false;
        }
        if (s.kind == SEG_NODE || s.kind == SEG_DISABLED || s.kind == SEG_END) {
            break;
        }
        if (s.kind == SEG_ATTR) {
            put_attribute(&cv->out, tag_begin, s.p, s.end);
        }
    }
    put(&cv->out, '>');
    c = cv->cur;
    bool first = true;
    for (;;) {
        if (!next_seg(&c, &s) || s.kind == SEG_NODE || s.kind == SEG_DISABLED || s.kind == SEG_END) {
            return true;
        }
        if (s.kind == SEG_QUOTED) {
            if (!first) {
                put(&cv->out, '\n');
            }
            first = false;
            const char *text = s.p + 1;
            put_escaped(&cv->out, text < s.end ? text + 1 : text, s.end);
        }
    }
}

/* ---- nodes ---- */

static void close_to(struct conv *cv, unsigned depth)
{
    while (cv->depth > depth) {
        struct open_node *n = &cv->open[--cv->depth];
        if (n->enabled) {
            put_text(&cv->out, "</", 2);
            put_text(&cv->out, n->type, n->type_len);
            put(&cv->out, '>');
        }
    }
}

/* A node whose type starts at p (after "+ " or at line 1's column 0). */
static bool open_node(struct conv *cv, const struct seg *s, const char *p, bool enabled)
{
    struct xml_error *err = cv->cur.err;
    size_t n = tag_length(p, s->end);
    if (n == 0 || (p + n < s->end && p[n] != ' ')) {
        return fail_at(err, s->line, s->line_begin, p,
                       "a node type must match [a-z][a-z0-9_-]* and end with a space or '|'");
    }
    if (cv->depth == XML_MAX_DEPTH) {
        return fail_at(err, s->line, s->line_begin, p, "nodes are nested too deep (at most 32 levels)");
    }
    bool parent_on = cv->depth == 0 || cv->open[cv->depth - 1].enabled;
    struct open_node *o = &cv->open[cv->depth++];
    *o = (struct open_node){.type = p, .type_len = n, .col = s->col, .enabled = enabled && parent_on};
    if (!o->enabled) {
        return true;
    }
    struct out *out = &cv->out;
    while (out->line < s->line) {
        put(out, '\n');
    }
    put(out, '<');
    put_text(out, p, n);
    size_t tag_begin = out->len;
    const char *rest = skip_spaces(p + n, s->end), *rest_end = trim_end(rest, s->end);
    if (rest < rest_end && classify(rest, rest_end) == SEG_ATTR) {
        put_attribute(out, tag_begin, rest, rest_end);
    } else if (rest < rest_end) {
        put_text(out, " name=\"", 7);
        put_escaped(out, rest, rest_end);
        put(out, '"');
    }
    return put_body(cv, tag_begin);
}

/* Line 1: the top-level type at column 0, after blank lines. */
static bool top_node(struct conv *cv)
{
    struct cursor *c = &cv->cur;
    while (c->p < c->end && (*c->p == '\n' || (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n'))) {
        c->p += *c->p == '\r' ? 2 : 1;
        c->line++;
        c->line_begin = c->p;
    }
    struct seg s;
    if (!next_seg(c, &s)) {
        return false;
    }
    if (s.kind == SEG_END || s.kind == SEG_BLANK) {
        xml_error_set(c->err, s.line, "the document has no top-level node at column 1");
        return false;
    }
    if (s.kind == SEG_COMMENT) {
        xml_error_set(c->err, s.line, "a comment before the top-level node");
        return false;
    }
    /* line 1 is the top-level type, which may be "x" itself ("x | a: 1"
     * or "x name"): only '+' cannot start a type */
    if (s.kind == SEG_NODE || (s.kind == SEG_DISABLED && s.col != 0)) {
        xml_error_set(c->err, s.line,
                      "the top-level node is written without '+' or 'x' (\"config\", not \"+ config\")");
        return false;
    }
    if (s.col != 0) {
        xml_error_set(c->err, s.line, "the top-level node must start at column 1");
        return false;
    }
    return open_node(cv, &s, s.p, true);
}

static bool convert(struct conv *cv)
{
    if (!top_node(cv)) {
        return false;
    }
    for (;;) {
        struct seg s;
        if (!next_seg(&cv->cur, &s)) {
            return false;
        }
        if (s.kind == SEG_END) {
            close_to(cv, 0);
            put(&cv->out, '\n');
            return true;
        }
        if (s.kind != SEG_NODE && s.kind != SEG_DISABLED) {
            continue; /* read by put_body, or without meaning */
        }
        unsigned depth = cv->depth;
        while (depth > 1 && cv->open[depth - 1].col >= s.col) {
            depth--;
        }
        close_to(cv, depth);
        if (!open_node(cv, &s, skip_spaces(s.p + 1, s.end), s.kind == SEG_NODE)) {
            return false;
        }
    }
}

bool hid_to_xml(const char *hid, size_t len, char *out, size_t cap, size_t *out_len, struct xml_error *err)
{
    struct conv cv = {
        .cur = {.p = hid, .end = hid + len, .line_begin = hid, .line = 1, .line_start = true, .err = err},
        .out = {.buf = out, .cap = cap, .line = 1},
    };
    if (!convert(&cv)) {
        return false;
    }
    if (cv.out.full) {
        xml_error_set(err, 1, "the document needs more than %u bytes as XML (the buffer for its conversion)",
                      (unsigned)cap);
        return false;
    }
    *out_len = cv.out.len;
    return true;
}
