/*
 * Fuzz target: HID configs (libc/src/hid.c, hid_write.c, config_parse.c).
 * The input is a HID document, not NUL terminated. Invariants:
 * - converted into a buffer of exactly hid_xml_budget(size) bytes, it never
 *   runs short: the budget is honest; into a smaller one, nothing is
 *   written past its end (ASan) and the refusal says so;
 * - a refusal names a line in a terminated message;
 * - what converts is well-formed XML whose elements all lie inside the
 *   buffer, and every query a config reader makes walks it safely;
 * - written back as HID, the tree converts again.
 */
#include <rt/hid.h>
#include "xml_walk.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const attr_names[] = {"name", "label", "quantum", "caps", "a"};

static void query(const struct xml_node *n, const char *buf, size_t len)
{
    char out[64], name[16];
    uint64_t u;
    size_t text_len;
    if (n->p < buf || n->len > len || n->p + n->len > buf + len || n->line == 0) {
        abort();
    }
    (void)xml_type(n, out, sizeof(out));
    (void)xml_text(n, out, sizeof(out), &text_len);
    (void)xml_text(n, out, 3, &text_len);
    for (unsigned i = 0; xml_attr_nth(n, i, name, sizeof(name), out, sizeof(out)); i++) {
    }
    for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
        (void)xml_attr(n, attr_names[i], out, sizeof(out));
        (void)xml_attr_u64(n, attr_names[i], &u);
    }
}

struct span {
    const char *buf;
    size_t len;
};

static void visit(const struct xml_node *n, void *arg)
{
    const struct span *s = arg;
    query(n, s->buf, s->len);
}

static void check_refusal(const struct xml_error *err)
{
    if (err->line == 0 || strnlen(err->msg, sizeof(err->msg)) == sizeof(err->msg)) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *hid = (const char *)data;
    size_t cap = hid_xml_budget(size), xml_len, small_len, hid_len, again_len;
    char *xml = malloc(cap), *small = malloc(size / 2 + 1);
    struct xml_error err;
    struct xml_node root;
    bool ok = hid_to_xml(hid, size, xml, cap, &xml_len, &err);
    if (!ok) {
        check_refusal(&err);
        if (strstr(err.msg, "needs more than")) {
            abort(); /* the budget was too small */
        }
    }
    if (!hid_to_xml(hid, size, small, size / 2 + 1, &small_len, &err)) {
        check_refusal(&err);
    }
    if (ok) {
        if (!xml_parse(xml, xml_len, &root, &err)) {
            abort(); /* the conversion made XML that does not parse */
        }
        xml_walk(&root, visit, &(struct span){xml, xml_len});
        char *back = malloc(4 * xml_len + 64), *again = malloc(hid_xml_budget(4 * xml_len + 64));
        if (hid_from_xml(&root, back, 4 * xml_len + 64, &hid_len, &err) &&
            !hid_to_xml(back, hid_len, again, hid_xml_budget(4 * xml_len + 64), &again_len, &err)) {
            abort(); /* HID written from a tree must read back */
        }
        free(back);
        free(again);
    }
    free(xml);
    free(small);
    return 0;
}
