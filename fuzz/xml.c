/*
 * Fuzz target: the XML configuration parser (libc/src/xml.c, xml_node.c).
 * The input is a document, not NUL terminated. A document that parses is
 * walked element by element through every query a config reader uses;
 * every node must lie inside the buffer, and the text of the top-level
 * element must parse again on its own.
 */
#include "xml_walk.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const attr_names[] = {"name", "label", "label_prefix", "quantum", "caps", "a"};

static void check_inside(const struct xml_node *n, const char *buf, size_t len)
{
    if (n->p < buf || n->len > len || n->p + n->len > buf + len || n->line == 0) {
        abort();
    }
}

static void query(const struct xml_node *n)
{
    char out[64];
    uint64_t u;
    bool b;
    const char *p;
    size_t len;
    (void)xml_type(n, out, sizeof(out));
    (void)xml_line(n);
    xml_content(n, &p, &len);
    (void)xml_sub_count(n);
    for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
        (void)xml_has_attr(n, attr_names[i]);
        (void)xml_attr(n, attr_names[i], out, sizeof(out));
        (void)xml_attr(n, attr_names[i], out, 4);
        (void)xml_attr_u64(n, attr_names[i], &u);
        (void)xml_attr_bool(n, attr_names[i], &b);
    }
}

struct span {
    const char *buf;
    size_t len;
};

static void visit(const struct xml_node *n, void *arg)
{
    const struct span *s = arg;
    check_inside(n, s->buf, s->len);
    query(n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    struct xml_node root;
    struct xml_error err;
    if (!xml_parse(buf, size, &root, &err)) {
        if (err.line == 0 || strnlen(err.msg, sizeof(err.msg)) == sizeof(err.msg)) {
            abort(); /* a refusal names its line in a terminated message */
        }
        return 0;
    }
    xml_walk(&root, visit, &(struct span){buf, size});
    const char *raw;
    size_t raw_len;
    xml_raw(&root, &raw, &raw_len);
    struct xml_node again;
    if (!xml_parse(raw, raw_len, &again, NULL)) {
        abort(); /* the top-level element alone is a document too */
    }
    return 0;
}
