/*
 * HID configs (libc/src/hid.c, hid_write.c, config_parse.c): every item of
 * the HID checklist of genode-dialect.md §4, errors with the line (and
 * column) the user wrote, the scratch budget, and a round trip
 * XML -> HID -> XML over the config of every run script that preserves
 * the tree. Buffers are allocated at their exact size, so ASan catches a
 * write past one.
 */
#include "unit.h"
#include <dirent.h>
#include <rt/hid.h>
#include <stdint.h>
#include <stdlib.h>

#define MAX_DOCS 64

/* Parsed documents stay alive until the test ends: nodes point into them. */
static char *docs[MAX_DOCS];
static unsigned n_docs;

static void release(void)
{
    while (n_docs) {
        free(docs[--n_docs]);
    }
}

static bool parse_len(const char *text, size_t len, struct xml_node *root, struct xml_error *err)
{
    size_t cap = hid_xml_budget(len);
    char *copy = malloc(len + 1), *scratch = malloc(cap);
    memcpy(copy, text, len);
    if (n_docs + 2 > MAX_DOCS) {
        abort(); /* a test parses too much before release() */
    }
    docs[n_docs++] = copy;
    docs[n_docs++] = scratch;
    struct xml_error dummy;
    return config_parse(copy, len, scratch, cap, root, err ? err : &dummy);
}

static bool parse(const char *text, struct xml_node *root, struct xml_error *err)
{
    return parse_len(text, strlen(text), root, err);
}

/* Do a and b hold the same tree: types, attributes in order, quoted lines
 * of leaves, sub nodes? */
static bool same_tree(const struct xml_node *a, const struct xml_node *b)
{
    char ta[64], tb[64], na[64], nb[64], va[256], vb[256], xa[512], xb[512];
    size_t la, lb;
    if (!xml_type(a, ta, sizeof(ta)) || !xml_type(b, tb, sizeof(tb)) || strcmp(ta, tb)) {
        printf("  type <%s> vs <%s>\n", ta, tb);
        return false;
    }
    for (unsigned i = 0;; i++) {
        bool ha = xml_attr_nth(a, i, na, sizeof(na), va, sizeof(va));
        bool hb = xml_attr_nth(b, i, nb, sizeof(nb), vb, sizeof(vb));
        if (ha != hb || (ha && (strcmp(na, nb) || strcmp(va, vb)))) {
            printf("  <%s> attribute %u: %s=\"%s\" vs %s=\"%s\"\n", ta, i, ha ? na : "-", ha ? va : "",
                   hb ? nb : "-", hb ? vb : "");
            return false;
        }
        if (!ha) {
            break;
        }
    }
    xml_text(a, xa, sizeof(xa), &la);
    xml_text(b, xb, sizeof(xb), &lb);
    if (la != lb || memcmp(xa, xb, la)) {
        printf("  <%s> text \"%s\" vs \"%s\"\n", ta, xa, xb);
        return false;
    }
    struct xml_node ca, cb;
    bool ma = xml_first_sub(a, &ca), mb = xml_first_sub(b, &cb);
    for (; ma && mb; ma = xml_next_sibling(&ca, &ca), mb = xml_next_sibling(&cb, &cb)) {
        if (!same_tree(&ca, &cb)) {
            return false;
        }
    }
    if (ma != mb) {
        printf("  <%s>: a different number of sub nodes\n", ta);
    }
    return ma == mb;
}

static bool same(const char *x, const char *y)
{
    struct xml_node a, b;
    struct xml_error ea = {0}, eb = {0};
    bool ok = parse(x, &a, &ea) && parse(y, &b, &eb) && same_tree(&a, &b);
    if (!ok && (ea.msg[0] || eb.msg[0])) {
        printf("  %s%s\n", ea.msg, eb.msg);
    }
    return ok;
}

static const char example_xml[] = "<config><start name=\"a\" ram=\"1M\"><route><service name=\"ROM\" "
                                  "label=\"config\"><parent label=\"a.cfg\"/></service></route></start>"
                                  "<start name=\"b\"/></config>";

TEST(one_line_tabular_scoped_and_multi_line_hid_equal_xml)
{
    EXPECT(same(example_xml, "config\n"
                             "+ start a | ram: 1M | + route | + service ROM | label: config | + parent | "
                             "label: a.cfg\n"
                             "+ start b\n"
                             "-\n"));
    EXPECT(same(example_xml, "config\n"
                             "+ start a | ram: 1M\n"
                             "  + route\n"
                             "    + service ROM | label: config | + parent | label: a.cfg\n"
                             "+ start b\n"
                             "-\n"));
    EXPECT(same(example_xml, "config\n"
                             "+ start a\n"
                             "| ram: 1M\n"
                             "| + route\n"
                             "| | + service ROM\n"
                             "| | | label: config\n"
                             "| | | + parent | label: a.cfg\n"
                             "+ start b\n"
                             "-\n"));
    EXPECT(same(example_xml, "\n\nconfig\n"
                             "+ start a\n"
                             "  ram: 1M\n"
                             "  + route\n"
                             "    + service ROM\n"
                             "      label: config\n"
                             "      + parent\n"
                             "        label: a.cfg\n"
                             "+ start b\n"
                             "- the rest <is> ignored \x01\n"));
    release();
}

static void expect_error(const char *text, unsigned line, const char *words)
{
    struct xml_node root;
    struct xml_error err = {0};
    bool ok = parse(text, &root, &err);
    EXPECT(!ok);
    EXPECT(err.line == line);
    EXPECT(strstr(err.msg, words) != NULL);
    if (ok || err.line != line || !strstr(err.msg, words)) {
        printf("  got \"%s\", wanted line %u and \"%s\"\n", err.msg, line, words);
    }
}

TEST(missing_end_line_tab_or_control_byte_rejects_the_document)
{
    expect_error("config\n+ start a\n", 3, "end line");
    expect_error("config\n+ start a", 2, "end line");
    expect_error("config\n+ start a\n\t+ route\n-\n", 3,
                 "TAB outside a comment or quoted line (indent with spaces) (column 1)");
    expect_error("config\n+ start a | ram: 1\x01M\n-\n", 2,
                 "control character (below 0x20) in the document (column 19)");
    expect_error("config\n+ start a | : quoted \x7f ok, \x02 not\n-\n", 2, "control character");
    expect_error("config\n+ start a\r+ b\n-\n", 2, "control character");
    struct xml_node root, n;
    char v[32];
    EXPECT(parse("config\r\n+ start a | . a\tcomment\r\n+ arg | : a\tb\r\n-\r\n", &root, NULL));
    EXPECT(xml_first_sub_of_type(&root, "arg", &n) && xml_text(&n, v, sizeof(v), &(size_t){0}) &&
           !strcmp(v, "a\tb"));
    release();
}

TEST(top_level_node_errors_name_the_line)
{
    expect_error("\n+ config\n-\n", 2, "without '+'");
    expect_error(". note\nconfig\n-\n", 1, "comment before the top-level node");
    expect_error("  config\n-\n", 1, "column 1");
    expect_error("-\n", 1, "no top-level node");
    expect_error("", 1, "end line");
    expect_error("config\n+ Start a\n-\n", 2, "[a-z][a-z0-9_-]* and end with a space or '|' (column 3)");
    expect_error("config\n  + start:a\n-\n", 2, "(column 5)");
}

TEST(top_level_type_x_is_a_type_not_a_disabled_node)
{
    /* found by fuzz/hid: the writer wrote <x a="1"/> as "x | a: 1", which
     * the reader took for a disabled node */
    EXPECT(same("x | caps: 25 | quantum: eor\n-\n", "<x caps=\"25\" quantum=\"eor\"/>"));
    EXPECT(same("x one\n+ y\n-\n", "<x name=\"one\"><y/></x>"));
    EXPECT(same("config\n  x start\n-\n", "<config/>")); /* below the top it is the marker */
}

TEST(disabled_node_drops_its_subtree)
{
    EXPECT(same("<config><a><d/></a><e/></config>", "config\n"
                                                    "+ a\n"
                                                    "  x b | name: gone\n"
                                                    "    + c\n"
                                                    "    tag: for c, dropped\n"
                                                    "  + d\n"
                                                    "x f | + g\n"
                                                    "+ e\n"
                                                    "-\n"));
    release();
}

TEST(comments_swallow_bars_and_quoted_lines_keep_spaces)
{
    EXPECT(
        same("<config><a x=\"1\"/></config>", "config\n+ a | x: 1 | . note | + b | y: 2\n. whole line\n-\n"));
    EXPECT(same("<config><arg>  two  |x</arg></config>", "config\n+ arg | :   two  |x\n-\n"));
    release();
}

TEST(name_with_spaces_and_tag_on_the_type_line)
{
    struct xml_node root, n;
    char v[32];
    EXPECT(
        parse("config\n+ start my  app  | caps: 1\n+ play label_suffix: -> left | x: 1\n-\n", &root, NULL));
    EXPECT(xml_first_sub_of_type(&root, "start", &n) && xml_attr(&n, "name", v, sizeof(v)) &&
           !strcmp(v, "my  app"));
    EXPECT(xml_first_sub_of_type(&root, "play", &n) && !xml_has_attr(&n, "name") &&
           xml_attr(&n, "label_suffix", v, sizeof(v)) && !strcmp(v, "-> left"));
    release();
}

TEST(colon_without_space_gives_an_empty_value_and_other_text_is_ignored)
{
    EXPECT(same("<config><start ram=\"\" caps=\"5\" quantum=\"\"/></config>",
                "config\n+ start | ram:8M | Foo: x | words without a colon | caps:  5  | quantum:\n-\n"));
    release();
}

TEST(first_duplicate_wins)
{
    EXPECT(same("<config><start name=\"a\" caps=\"1\"/></config>",
                "config\n+ start a | caps: 1 | name: b\n  caps: 2\n-\n"));
    release();
}

TEST(attribute_after_a_sub_node_belongs_to_it_and_bar_nests)
{
    EXPECT(same("<config><a><b x=\"1\"><c/></b></a></config>", "config\n+ a\n  + b\nx: 1\n    + c\n-\n"));
    EXPECT(same("<config><a><b/></a></config>", "config\n+ a | + b\n-\n"));
    /* c (column 2) nests in a, the closest open node with a smaller column */
    EXPECT(same("<config><a><b/><c/></a><c/></config>", "config\n+ a\n   + b\n  + c\n+ c\n-\n"));
    release();
}

TEST(xml_text_content_equals_hid_quoted_lines)
{
    EXPECT(same("<config><arg>-c</arg></config>", "config\n+ arg | : -c\n-\n"));
    EXPECT(same("<config><arg>line one\n  two &amp; &lt;3 \"q\"\n</arg></config>",
                "config\n+ arg\n  : line one\n  :   two & <3 \"q\"\n  :\n-\n"));
    /* quoted lines of a node with sub nodes are ignored; x: 1 is a's */
    EXPECT(same("<config><a x=\"1\"><b/></a></config>",
                "config\n+ a | : ignored beside sub nodes\nx: 1\n  + b\n-\n"));
    release();
}

TEST(elements_sit_on_the_lines_of_their_hid_nodes)
{
    struct xml_node root, n;
    EXPECT(parse("\nconfig\n. c\n+ a\n  : one\n  : two\n  : three\n  k: v\n\n+ b | + c\n-\n", &root, NULL));
    EXPECT(xml_line(&root) == 2);
    EXPECT(xml_first_sub(&root, &n) && xml_line(&n) == 4);
    EXPECT(xml_next_sibling(&n, &n) && xml_line(&n) == 10);
    EXPECT(xml_first_sub(&n, &n) && xml_line(&n) == 10);
    release();
}

TEST(scratch_too_small_is_an_error_never_a_truncation)
{
    static const char hid[] = "config\n+ start a | label: <&\">\n-\n";
    size_t len = strlen(hid), need = 0;
    char *big = malloc(hid_xml_budget(len));
    struct xml_error err;
    EXPECT(hid_to_xml(hid, len, big, hid_xml_budget(len), &need, &err));
    for (size_t cap = 0; cap < need; cap++) {
        char *small = malloc(cap ? cap : 1);
        size_t got = 0;
        EXPECT(!hid_to_xml(hid, len, small, cap, &got, &err) && strstr(err.msg, "needs more than"));
        free(small);
    }
    free(big);
}

TEST(detection_by_content)
{
    EXPECT(!config_is_hid(" \t\n<config/>", 11));
    EXPECT(config_is_hid("config\n-\n", 9));
    EXPECT(config_is_hid("\r\n<config/>", 11)); /* CR is not skipped: HID, which rejects it */
    release();
}

/* ---- round trip over the configs of the run scripts ---- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(*len + 1);
    *len = fread(buf, 1, *len, f);
    buf[*len] = 0;
    fclose(f);
    return buf;
}

/* XML -> HID -> XML, then HID -> XML -> HID is a fixed point. */
static bool round_trip(const char *xml, size_t len, const char *where)
{
    struct xml_node a, b, c;
    struct xml_error err = {0};
    size_t hid_cap = 4 * len + 64, hid_len, hid2_len;
    char *hid = malloc(hid_cap), *hid2 = malloc(hid_cap);
    bool ok = parse_len(xml, len, &a, &err) && hid_from_xml(&a, hid, hid_cap, &hid_len, &err) &&
              parse_len(hid, hid_len, &b, &err) && same_tree(&a, &b) &&
              hid_from_xml(&b, hid2, hid_cap, &hid2_len, &err) && hid2_len == hid_len &&
              !memcmp(hid, hid2, hid_len) && parse_len(hid2, hid2_len, &c, &err) && same_tree(&a, &c);
    if (!ok) {
        printf("  %s: %s\n", where, err.msg);
    }
    free(hid);
    free(hid2);
    release();
    return ok;
}

/* The text of every "install_config {...}" (braces balanced as Tcl does). */
static unsigned each_config(const char *path, const char *text)
{
    unsigned n = 0;
    for (const char *p = strstr(text, "install_config {"); p; p = strstr(p, "install_config {")) {
        const char *begin = p + strlen("install_config {"), *q = begin;
        for (int depth = 1; *q && depth > 0; q++) {
            depth += *q == '{' ? 1 : *q == '}' ? -1 : 0;
        }
        EXPECT(round_trip(begin, (size_t)(q - 1 - begin), path));
        n++;
        p = q;
    }
    return n;
}

TEST(round_trip_xml_hid_xml_preserves_every_run_script_config)
{
    DIR *d = opendir("run");
    unsigned configs = 0;
    EXPECT(d != NULL);
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t nl = strlen(e->d_name), len;
        char path[300];
        if (nl < 5 || strcmp(e->d_name + nl - 4, ".run")) {
            continue;
        }
        snprintf(path, sizeof(path), "run/%s", e->d_name);
        char *text = read_file(path, &len);
        if (text && strstr(text, "install_config {\n<")) {
            configs += each_config(path, text);
        }
        free(text);
    }
    if (d) {
        closedir(d);
    }
    EXPECT(configs >= 15);
}

TEST(round_trip_keeps_text_entities_and_refuses_what_hid_cannot_hold)
{
    static const char xml[] = "<config a=\"x &amp; &quot;y&quot;\"><arg>-c</arg><arg>two\nlines &lt;</arg>"
                              "<start name=\"my app\" label=\"tag: not a name\"/><p name=\"k: v\"/></config>";
    EXPECT(round_trip(xml, strlen(xml), "inline"));
    static const char *const bad[] = {"<Config/>", "<config a=\"x|y\"/>", "<config a=\" x\"/>",
                                      "<config xmlns:a=\"1\"/>", "<config><a>x\ty\ry</a></config>"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct xml_node root;
        struct xml_error err = {0};
        char out[256];
        size_t len;
        EXPECT(parse(bad[i], &root, NULL) && !hid_from_xml(&root, out, sizeof(out), &len, &err) &&
               err.line == 1);
    }
    release();
}
