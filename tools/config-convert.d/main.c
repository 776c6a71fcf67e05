/*
 * config-convert: turns an Arbor/Genode config from XML into HID or from
 * HID into XML, with the parsers the runtime uses (libc/src/hid.c,
 * hid_write.c, xml.c), built for the host by mk/build.mk. The wrapper
 * tools/config-convert builds it and documents its use.
 *
 *   config-convert [--to-hid | --to-xml] [FILE]   (stdin without FILE)
 *
 * Without an option the input's syntax is recognised by content and the
 * other one is written to stdout. XML is written from the tree, indented
 * by four spaces a level, attributes in order, leaves as <a/>.
 */
#include <rt/hid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 4096;
    char *buf = malloc(cap);
    *len = 0;
    for (size_t n; buf && (n = fread(buf + *len, 1, cap - *len, f)) > 0;) {
        *len += n;
        if (*len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    return buf;
}

static void put_escaped(const char *s, bool attr)
{
    for (; *s; s++) {
        const char *e = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : 0;
        e = attr && *s == '"' ? "&quot;" : e;
        if (e) {
            fputs(e, stdout);
        } else {
            putchar(*s);
        }
    }
}

/* One element and everything below it; values longer than the buffers
 * are refused, not cut. */
static bool put_xml(const struct xml_node *n, unsigned depth, struct xml_error *err)
{
    static char name[128], value[4096], text[65536];
    char type[128];
    size_t text_len;
    struct xml_node c;
    xml_type(n, type, sizeof(type));
    printf("%*s<%s", (int)(4 * depth), "", type);
    for (unsigned i = 0; xml_attr_nth(n, i, name, sizeof(name), value, sizeof(value)); i++) {
        printf(" %s=\"", name);
        put_escaped(value, true);
        putchar('"');
    }
    bool subs = xml_first_sub(n, &c);
    if (!xml_text(n, text, sizeof(text), &text_len)) {
        xml_error_set(err, xml_line(n), "the text of <%s> is too long for this tool", type);
        return false;
    }
    if (!subs && text_len == 0) {
        printf("/>\n");
        return true;
    }
    bool block = subs;
    printf(">");
    put_escaped(text, false);
    printf(block ? "\n" : "");
    for (; subs; subs = xml_next_sibling(&c, &c)) {
        if (!put_xml(&c, depth + 1, err)) {
            return false;
        }
    }
    printf("%*s</%s>\n", block ? (int)(4 * depth) : 0, "", type);
    return true;
}

static int usage(void)
{
    fprintf(stderr, "usage: config-convert [--to-hid | --to-xml] [FILE]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *path = NULL, *want = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--to-hid") || !strcmp(argv[i], "--to-xml")) {
            want = argv[i] + 5;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage();
        } else if (!path) {
            path = argv[i];
        } else {
            return usage();
        }
    }
    FILE *in = path && strcmp(path, "-") ? fopen(path, "rb") : stdin;
    const char *name = in == stdin ? "stdin" : path;
    if (!in) {
        perror(path);
        return 1;
    }
    size_t len, scratch_len, out_len, out_cap;
    char *text = read_all(in, &len);
    scratch_len = hid_xml_budget(len);
    out_cap = 4 * scratch_len + 64;
    char *scratch = malloc(scratch_len), *out = malloc(out_cap);
    struct xml_node root;
    struct xml_error err;
    bool hid = config_is_hid(text, len);
    if (!text || !scratch || !out) {
        fprintf(stderr, "config-convert: out of memory\n");
        return 1;
    }
    if (!want) {
        want = hid ? "xml" : "hid";
    }
    if (!config_parse(text, len, scratch, scratch_len, &root, &err)) {
        fprintf(stderr, "config-convert: %s: %s\n", name, err.msg);
        return 1;
    }
    if (!strcmp(want, "hid")) {
        if (!hid_from_xml(&root, out, out_cap, &out_len, &err)) {
            fprintf(stderr, "config-convert: %s: %s\n", name, err.msg);
            return 1;
        }
        fwrite(out, 1, out_len, stdout);
        return 0;
    }
    if (!put_xml(&root, 0, &err)) {
        fprintf(stderr, "config-convert: %s: %s\n", name, err.msg);
        return 1;
    }
    return 0;
}
