/*
 * Writing a parsed tree as HID (see rt/hid.h), for tools/config-convert
 * and the round-trip tests: the top-level type on line 1, every sub node
 * as "+ type name | tag: value | ..." indented two columns per level, the
 * quoted lines of a node without sub nodes as ": line", and the end line
 * "-". What HID cannot hold is refused with the element's line, so a
 * conversion never changes the tree.
 */
#include <rt/hid.h>
#include <rt/rt.h>

#include "xml_scan.h"

struct writer {
    char *buf;
    size_t cap, len;
    bool full, bad_text;
    unsigned indent;
    bool line_open, line_text; /* a quoted line was begun; it has text */
};

static void put(struct writer *w, char c)
{
    if (w->len == w->cap) {
        w->full = true;
        return;
    }
    w->buf[w->len++] = c;
}

static void put_str(struct writer *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        put(w, s[i]);
    }
}

static bool is_tag(struct span s)
{
    if (s.len == 0 || !(s.p[0] >= 'a' && s.p[0] <= 'z')) {
        return false;
    }
    for (size_t i = 1; i < s.len; i++) {
        char c = s.p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
            return false;
        }
    }
    return true;
}

/* Can HID hold the (encoded) value v? As a node's name it must also be
 * non-empty and not look like "tag:". */
static bool value_fits(struct span v, bool as_name)
{
    char first = 0, last = 0, c;
    size_t n = 0, tag = 0;
    bool in_tag = true;
    for (const char *p = v.p, *end = v.p + v.len; p < end; n++) {
        size_t e = *p == '&' ? xml_entity_at(p, end, &c) : 0;
        c = e ? c : *p;
        p += e ? e : 1;
        if (c == '|' || (unsigned char)c < 0x20) {
            return false;
        }
        first = n == 0 ? c : first;
        last = c;
        if (in_tag && c == ':' && tag > 0) {
            return !as_name;
        }
        in_tag = in_tag &&
                 ((c >= 'a' && c <= 'z') || (tag > 0 && ((c >= '0' && c <= '9') || c == '_' || c == '-')));
        tag += in_tag;
    }
    return first != ' ' && last != ' ' && (n > 0 || !as_name);
}

static void put_value(struct writer *w, struct span v)
{
    char c;
    for (const char *p = v.p, *end = v.p + v.len; p < end;) {
        size_t e = *p == '&' ? xml_entity_at(p, end, &c) : 0;
        put(w, e ? c : *p);
        p += e ? e : 1;
    }
}

static void put_indent(struct writer *w, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        put(w, ' ');
    }
}

/* Quoted lines, one decoded byte at a time: "\n<indent>:" begins a
 * line, a space goes before its first byte. */
static void start_line(struct writer *w)
{
    put(w, '\n');
    put_indent(w, w->indent);
    put(w, ':');
    w->line_open = true;
    w->line_text = false;
}

static void text_put(void *ctx, char c)
{
    struct writer *w = ctx;
    if (!w->line_open) {
        start_line(w);
    }
    if (c == '\n') {
        w->line_open = false;
        return;
    }
    if (!w->line_text) {
        put(w, ' ');
        w->line_text = true;
    }
    w->bad_text |= (unsigned char)c < 0x20 && c != '\t';
    put(w, c);
}

static bool node_line(struct writer *w, const struct xml_node *n, unsigned depth, struct xml_error *err)
{
    struct span type = {n->p + 1, xml_name_length(n->p + 1, n->p + n->len)}, k, v, name = {0, 0};
    const char *p = type.p + type.len, *end = n->p + n->len;
    if (!is_tag(type)) {
        xml_error_set(err, n->line, "<%.*s>: HID node types are [a-z][a-z0-9_-]*", (int)type.len, type.p);
        return false;
    }
    if (depth > 0) {
        put(w, '\n');
        put_indent(w, 2 * (depth - 1));
        put_str(w, "+ ", 2);
    }
    put_str(w, type.p, type.len);
    bool has_name = xml_attr_find(p, end, (struct span){"name", 4}, &name) && value_fits(name, true);
    if (has_name) {
        put(w, ' ');
        put_value(w, name);
    }
    while (xml_attr_next(&p, end, &k, &v)) {
        if (!is_tag(k) || !value_fits(v, false)) {
            xml_error_set(err, n->line,
                          "attribute \"%.*s\" of <%.*s>: HID holds no such name or value (a '|', "
                          "line break, TAB, or spaces at either end)",
                          (int)k.len, k.p, (int)type.len, type.p);
            return false;
        }
        if (has_name && xml_span_is(k, "name")) {
            continue;
        }
        put_str(w, " | ", 3);
        put_str(w, k.p, k.len);
        put(w, ':');
        if (v.len > 0) {
            put(w, ' ');
            put_value(w, v);
        }
    }
    w->indent = 2 * depth;
    w->line_open = false;
    w->bad_text = false;
    if (xml_text_each(n, text_put, w) && !w->line_open) {
        start_line(w); /* the text ends with LF: its last line is empty */
    }
    if (w->bad_text) {
        xml_error_set(err, n->line, "the text of <%.*s> holds a control character HID cannot quote",
                      (int)type.len, type.p);
        return false;
    }
    return true;
}

bool hid_from_xml(const struct xml_node *root, char *out, size_t cap, size_t *out_len, struct xml_error *err)
{
    struct writer w = {.buf = out, .cap = cap};
    struct xml_node stack[XML_MAX_DEPTH];
    unsigned depth = 0;
    stack[0] = *root;
    if (!node_line(&w, &stack[0], 0, err)) {
        return false;
    }
    for (;;) {
        if (depth + 1 < XML_MAX_DEPTH && xml_first_sub(&stack[depth], &stack[depth + 1])) {
            depth++;
        } else {
            while (!xml_next_sibling(&stack[depth], &stack[depth])) {
                if (depth == 0) {
                    put_str(&w, "\n-\n", 3);
                    if (w.full) {
                        xml_error_set(err, root->line, "the HID text needs more than %u bytes",
                                      (unsigned)cap);
                        return false;
                    }
                    *out_len = w.len;
                    return true;
                }
                depth--;
            }
        }
        if (!node_line(&w, &stack[depth], depth, err)) {
            return false;
        }
    }
}
