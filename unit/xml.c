/*
 * XML configuration parsing: well-formed documents and navigation over
 * them, every class of error with the line it names, attribute values
 * (entities, numbers, booleans), and random mutations of a realistic init
 * config, each in a buffer of exactly its length so that ASan catches any
 * read past the end.
 */
#include "unit.h"
#include <rt/xml.h>
#include <stdint.h>
#include <stdlib.h>

static const char init_config[] =
    "<?xml version=\"1.0\"?>\n"
    "<!-- the root of the tree -->\n"
    "<config verbose='yes'>\n"
    "  <parent-provides>\n"
    "    <service name=\"ROM\"/> <service name=\"LOG\"/>\n"
    "    <service name=\"PD\"/> <service name=\"CPU\"/>\n"
    "  </parent-provides>\n"
    "  <default-route>\n"
    "    <any-service> <parent/> </any-service>\n"
    "  </default-route>\n"
    "  <start name=\"timer\" caps=\"100\">\n"
    "    <resource name=\"RAM\" quantum=\"1M\"/>\n"
    "    <provides><service name=\"Timer\"/></provides>\n"
    "  </start>\n"
    "  <!-- a file system with its own config -->\n"
    "  <start name=\"fs\" caps=\"0x200\">\n"
    "    <binary name=\"ram_fs\"/>\n"
    "    <resource name=\"RAM\" quantum=\"2M\"/>\n"
    "    <config>\n"
    "      <policy label_prefix=\"app\" root=\"/app\" writeable=\"yes\"/>\n"
    "      <default-policy root=\"/ro\" writeable='no'/>\n"
    "    </config>\n"
    "    <route>\n"
    "      <service name=\"Timer\"> <child name=\"timer\"/> </service>\n"
    "      <any-service> <parent/> </any-service>\n"
    "    </route>\n"
    "  </start>\n"
    "  <start name=\"app\"><resource name=\"RAM\" quantum=\"10K\"/>some text &amp; more</start>\n"
    "</config>\n"
    "<!-- trailing comment -->\n";

static bool parse(const char *doc, struct xml_node *root, struct xml_error *err)
{
    return xml_parse(doc, strlen(doc), root, err);
}

/* doc must be refused with msg containing part, naming line. */
static bool fails_at(const char *doc, unsigned line, const char *part)
{
    struct xml_node root;
    struct xml_error err = {0, ""};
    char prefix[32];
    if (parse(doc, &root, &err)) {
        printf("  accepted: %s\n", doc);
        return false;
    }
    snprintf(prefix, sizeof(prefix), "line %u: ", line);
    if (err.line != line || strncmp(err.msg, prefix, strlen(prefix)) != 0 || !strstr(err.msg, part)) {
        printf("  for %s\n  got \"%s\" (line %u)\n", doc, err.msg, err.line);
        return false;
    }
    return true;
}

static bool attr_is(const struct xml_node *n, const char *name, const char *value)
{
    char buf[128];
    return xml_attr(n, name, buf, sizeof(buf)) && strcmp(buf, value) == 0;
}

TEST(parses_realistic_config_and_walks_it)
{
    struct xml_node root, n, m;
    struct xml_error err;
    EXPECT(parse(init_config, &root, &err));
    EXPECT(xml_type_is(&root, "config") && !xml_type_is(&root, "conf"));
    EXPECT(xml_line(&root) == 3);
    EXPECT(xml_sub_count(&root) == 5);
    EXPECT(!xml_next_sibling(&root, &n));
    EXPECT(xml_first_sub(&root, &n) && xml_type_is(&n, "parent-provides"));
    EXPECT(xml_sub_count(&n) == 4);
    EXPECT(xml_first_sub_of_type(&root, "start", &n) && attr_is(&n, "name", "timer"));
    EXPECT(xml_line(&n) == 11);
    EXPECT(xml_next_of_type(&n, "start", &n) && attr_is(&n, "name", "fs"));
    EXPECT(xml_line(&n) == 16);
    EXPECT(xml_first_sub_of_type(&n, "route", &m) && xml_line(&m) == 23);
    EXPECT(xml_first_sub(&m, &m) && xml_first_sub(&m, &m) && xml_type_is(&m, "child"));
    EXPECT(xml_line(&m) == 24 && attr_is(&m, "name", "timer"));
    EXPECT(!xml_first_sub(&m, &m));
    EXPECT(xml_next_of_type(&n, "start", &n) && attr_is(&n, "name", "app"));
    EXPECT(xml_sub_count(&n) == 1);
    EXPECT(!xml_next_of_type(&n, "start", &m));
    EXPECT(!xml_first_sub_of_type(&root, "nothing", &m));
}

TEST(element_names_and_quotes)
{
    struct xml_node root, n;
    char type[16];
    EXPECT(parse("<a-b.c_d:e x = \"1\"\n y='two \"2\"' z=\"it's\"/>", &root, NULL));
    EXPECT(xml_type(&root, type, sizeof(type)) && strcmp(type, "a-b.c_d:e") == 0);
    EXPECT(!xml_type(&root, type, 4) && type[0] == 0);
    EXPECT(attr_is(&root, "x", "1") && attr_is(&root, "y", "two \"2\""));
    EXPECT(attr_is(&root, "z", "it's"));
    EXPECT(xml_sub_count(&root) == 0 && !xml_first_sub(&root, &n));
    EXPECT(parse("\n\n  <a\t/>  \n", &root, NULL) && xml_line(&root) == 3);
    EXPECT(parse("<a><!-- <b/> --><?x?></a>", &root, NULL) == false);
    EXPECT(parse("<a><!-- <b/> --></a>", &root, NULL) && xml_sub_count(&root) == 0);
}

TEST(attributes_decode_entities_and_respect_capacity)
{
    struct xml_node root;
    char buf[8];
    EXPECT(parse("<a v=\"&lt;&gt;&amp;&quot;&apos;\" w=\"12345678\" e=\"\"/>", &root, NULL));
    EXPECT(attr_is(&root, "v", "<>&\"'"));
    EXPECT(xml_has_attr(&root, "w") && !xml_has_attr(&root, "x") && !xml_has_attr(&root, "ww"));
    EXPECT(!xml_attr(&root, "w", buf, sizeof(buf)) && buf[0] == 0);
    EXPECT(!xml_attr(&root, "x", buf, sizeof(buf)));
    EXPECT(xml_attr(&root, "e", buf, sizeof(buf)) && buf[0] == 0);
    EXPECT(!xml_attr(&root, "v", buf, 0));
    EXPECT(xml_attr(&root, "v", buf, 6) && strcmp(buf, "<>&\"'") == 0);
    EXPECT(!xml_attr(&root, "v", buf, 5));
}

TEST(numbers_with_size_suffixes)
{
    struct xml_node root;
    uint64_t v = 7;
    EXPECT(parse("<n a=\"2M\" b=\"0x1000\" c=\"10K\" d=\"1G\" e=\"0x10K\" f=\"0\" g=\"18446744073709551615\""
                 " h=\"18446744073709551616\" i=\"17179869184G\" j=\"17179869183G\" k=\"12abc\""
                 " l=\"\" m=\"0x\" o=\"-1\" p=\"2MK\" q=\"0XfF\" r=\" 1\" s=\"2m\"/>",
                 &root, NULL));
    EXPECT(xml_attr_u64(&root, "a", &v) && v == 2 * 1024 * 1024);
    EXPECT(xml_attr_u64(&root, "b", &v) && v == 0x1000);
    EXPECT(xml_attr_u64(&root, "c", &v) && v == 10 * 1024);
    EXPECT(xml_attr_u64(&root, "d", &v) && v == 1ull << 30);
    EXPECT(xml_attr_u64(&root, "e", &v) && v == 16 * 1024);
    EXPECT(xml_attr_u64(&root, "f", &v) && v == 0);
    EXPECT(xml_attr_u64(&root, "g", &v) && v == UINT64_MAX);
    EXPECT(xml_attr_u64(&root, "j", &v) && v == 17179869183ull << 30);
    EXPECT(xml_attr_u64(&root, "q", &v) && v == 0xff);
    v = 7;
    EXPECT(!xml_attr_u64(&root, "h", &v)); /* overflow */
    EXPECT(!xml_attr_u64(&root, "i", &v)); /* overflow by the suffix */
    EXPECT(!xml_attr_u64(&root, "k", &v));
    EXPECT(!xml_attr_u64(&root, "l", &v));
    EXPECT(!xml_attr_u64(&root, "m", &v));
    EXPECT(!xml_attr_u64(&root, "o", &v));
    EXPECT(!xml_attr_u64(&root, "p", &v));
    EXPECT(!xml_attr_u64(&root, "r", &v));
    EXPECT(!xml_attr_u64(&root, "s", &v));
    EXPECT(!xml_attr_u64(&root, "absent", &v));
    EXPECT(v == 7);
}

TEST(booleans)
{
    struct xml_node root;
    bool b = false;
    EXPECT(parse("<b y=\"yes\" t=\"true\" n=\"no\" f=\"false\" x=\"1\" u=\"YES\"/>", &root, NULL));
    EXPECT(xml_attr_bool(&root, "y", &b) && b);
    EXPECT(xml_attr_bool(&root, "n", &b) && !b);
    EXPECT(xml_attr_bool(&root, "t", &b) && b);
    EXPECT(xml_attr_bool(&root, "f", &b) && !b);
    EXPECT(!xml_attr_bool(&root, "x", &b) && !xml_attr_bool(&root, "u", &b));
    EXPECT(!xml_attr_bool(&root, "absent", &b));
}

TEST(raw_and_content_of_nested_config)
{
    struct xml_node root, fs, cfg, sub, policy;
    const char *p;
    size_t len;
    EXPECT(parse(init_config, &root, NULL));
    EXPECT(xml_first_sub_of_type(&root, "start", &fs) && xml_next_of_type(&fs, "start", &fs));
    EXPECT(xml_first_sub_of_type(&fs, "config", &cfg) && xml_line(&cfg) == 19);
    xml_raw(&cfg, &p, &len);
    EXPECT(len > 17 && strncmp(p, "<config>\n", 9) == 0 && strncmp(p + len - 9, "</config>", 9) == 0);
    /* handed to the child as its config ROM, it is a document of its own */
    EXPECT(xml_parse(p, len, &sub, NULL) && xml_line(&sub) == 1 && xml_sub_count(&sub) == 2);
    EXPECT(xml_first_sub_of_type(&sub, "default-policy", &policy) && xml_line(&policy) == 3);
    EXPECT(attr_is(&policy, "root", "/ro"));
    xml_content(&cfg, &p, &len);
    EXPECT(len > 0 && p[0] == '\n' && strncmp(p + len - 4, "    ", 4) == 0);
    EXPECT(xml_first_sub(&cfg, &policy) && xml_type_is(&policy, "policy"));
    xml_content(&policy, &p, &len);
    EXPECT(len == 0);
    EXPECT(parse("<a>text &amp; <b/> more</a>", &root, NULL));
    xml_content(&root, &p, &len);
    EXPECT(len == 20 && strncmp(p, "text &amp; <b/> more", len) == 0);
}

TEST(buffer_need_not_be_terminated)
{
    struct xml_node root;
    const char doc[] = "<a x=\"1\"/>garbage<";
    EXPECT(xml_parse(doc, 10, &root, NULL) && root.len == 10);
    EXPECT(!xml_parse(doc, 9, &root, NULL));
    EXPECT(!xml_parse(doc, sizeof(doc) - 1, &root, NULL));
}

TEST(reports_structure_errors_with_lines)
{
    EXPECT(fails_at("<config>\n  <start>\n</route>", 3, "</route> does not match <start> opened on line 2"));
    EXPECT(
        fails_at("<config>\n<start/>", 2, "unexpected end of document inside <config> (opened on line 1)"));
    EXPECT(fails_at("<config>", 1, "unexpected end of document inside <config>"));
    EXPECT(fails_at("<a/>\n</b>", 2, "</b> without a matching start tag"));
    EXPECT(fails_at("<a/>\n\n<b/>", 3, "second top-level element <b>"));
    EXPECT(fails_at("<a/>\n x", 2, "text outside the top-level element"));
    EXPECT(fails_at("hello <a/>", 1, "text outside the top-level element"));
    EXPECT(fails_at("", 1, "no top-level element"));
    EXPECT(fails_at("<!-- c -->\n\n", 3, "no top-level element"));
    EXPECT(fails_at("<a>\n<!-- open\n\n</a>", 2, "comment is never closed"));
    EXPECT(fails_at("<!DOCTYPE a>\n<a/>", 1, "unsupported markup"));
    EXPECT(fails_at("<a><![CDATA[x]]></a>", 1, "unsupported markup"));
    EXPECT(fails_at("<!-- c -->\n<?xml version='1.0'?><a/>", 2, "declaration must come first"));
    EXPECT(fails_at("<a>\n<?xml ?></a>", 2, "declaration must come first"));
    EXPECT(fails_at("<?xml-stylesheet x?><a/>", 1, "processing instructions"));
    EXPECT(fails_at("<?xml version='1.0'\n<a/>", 1, "declaration is never closed"));
    EXPECT(fails_at("<a>\n< b/></a>", 2, "expected an element name after '<'"));
    EXPECT(fails_at("<a>\n</ a>", 2, "expected an element name after '</'"));
    EXPECT(fails_at("<a>\n</a x>", 2, "expected '>' to close </a>"));
}

TEST(reports_tag_errors_with_lines)
{
    EXPECT(fails_at("<config>\n<start name=\"a\"\n ;>", 3, "expected '>' after attribute list of <start>"));
    EXPECT(fails_at("<a>\n<start name=\"x\" name='y'/></a>", 2, "duplicate attribute \"name\" in <start>"));
    EXPECT(fails_at("<a\n b/>", 2, "expected '=' after attribute \"b\" of <a>"));
    EXPECT(fails_at("<a b=c/>", 1, "expected a quoted value for attribute \"b\" of <a>"));
    EXPECT(fails_at("<a b=\"x\nx<\"/>", 2, "'<' in the value of attribute \"b\" of <a>"));
    EXPECT(fails_at("<a b=\"&nbsp;\"/>", 1, "unknown entity in attribute \"b\" of <a>"));
    EXPECT(fails_at("<a b=\"&amp\"/>", 1, "unknown entity"));
    EXPECT(fails_at("<a\n b='x\n\n", 2, "value of attribute \"b\" of <a> is never closed"));
    EXPECT(fails_at("<a\n b='x'\n", 3, "unexpected end of document inside the start tag of <a>"));
    EXPECT(fails_at("<a b='1'c='2'/>", 1, "expected white space before attribute of <a>"));
    EXPECT(fails_at("<a / >", 1, "expected '>' after attribute list of <a>"));
}

static void nested(char *buf, unsigned depth)
{
    buf[0] = 0;
    for (unsigned i = 0; i < depth; i++) {
        strcat(buf, "<d>\n");
    }
    for (unsigned i = 0; i < depth; i++) {
        strcat(buf, "</d>");
    }
}

TEST(limits_nesting_depth)
{
    char buf[(XML_MAX_DEPTH + 1) * 8 + 1];
    struct xml_node root, n;
    nested(buf, XML_MAX_DEPTH);
    EXPECT(parse(buf, &root, NULL));
    n = root;
    for (unsigned i = 1; i < XML_MAX_DEPTH; i++) {
        EXPECT(xml_first_sub(&n, &n) && xml_line(&n) == i + 1);
    }
    EXPECT(!xml_first_sub(&n, &n));
    nested(buf, XML_MAX_DEPTH + 1);
    EXPECT(fails_at(buf, XML_MAX_DEPTH + 1, "<d> is nested deeper than 32 elements"));
}

/* ---- random mutation ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static size_t mutate(char *buf, size_t len, size_t cap)
{
    static const char tokens[] = "<>/=\"'&;!-? \nxa";
    for (unsigned k = 1 + rnd(4); k > 0 && len > 0; k--) {
        size_t at = rnd((unsigned)len), n = 1 + rnd(8);
        switch (rnd(4)) {
        case 0: /* overwrite a byte */
            buf[at] = rnd(8) ? tokens[rnd(sizeof(tokens) - 1)] : (char)rnd(256);
            break;
        case 1: /* delete a few bytes */
            n = n > len - at ? len - at : n;
            memmove(buf + at, buf + at + n, len - at - n);
            len -= n;
            break;
        case 2: /* duplicate a few bytes */
            n = n > len - at ? len - at : n;
            n = len + n > cap ? 0 : n;
            memmove(buf + at + n, buf + at, len - at);
            len += n;
            break;
        default: /* cut the document short */
            len = at;
            break;
        }
    }
    return len;
}

static unsigned lines_in(const char *p, size_t len)
{
    unsigned lines = 1;
    for (size_t i = 0; i < len; i++) {
        lines += p[i] == '\n';
    }
    return lines;
}

/* Every accessor on every node of a document that parsed. */
static void walk(const struct xml_node *n, const char *buf, size_t len, unsigned depth)
{
    const char *p;
    size_t l;
    char s[64];
    uint64_t v;
    bool b;
    xml_raw(n, &p, &l);
    EXPECT(p >= buf && l >= 4 && p + l <= buf + len && p[0] == '<' && p[l - 1] == '>');
    EXPECT(xml_line(n) >= 1 && xml_line(n) <= lines_in(buf, len));
    xml_content(n, &p, &l);
    EXPECT(p >= buf && p + l <= buf + len);
    (void)xml_type(n, s, sizeof(s));
    (void)xml_attr(n, "name", s, sizeof(s));
    (void)xml_attr_u64(n, "quantum", &v);
    (void)xml_attr_bool(n, "writeable", &b);
    (void)xml_sub_count(n);
    struct xml_node c;
    EXPECT(depth <= XML_MAX_DEPTH);
    for (bool more = xml_first_sub(n, &c); more; more = xml_next_sibling(&c, &c)) {
        walk(&c, buf, len, depth + 1);
    }
}

TEST(random_mutations_never_crash)
{
    char work[sizeof(init_config) * 2];
    unsigned parsed = 0, refused = 0;
    for (unsigned i = 0; i < 20000; i++) {
        size_t len = strlen(init_config);
        memcpy(work, init_config, len);
        len = mutate(work, len, sizeof(work));
        char *exact = malloc(len ? len : 1);
        memcpy(exact, work, len);
        struct xml_node root;
        struct xml_error err = {0, ""};
        if (xml_parse(exact, len, &root, &err)) {
            walk(&root, exact, len, 1);
            parsed++;
        } else {
            EXPECT(err.line >= 1 && err.line <= lines_in(exact, len));
            EXPECT(strncmp(err.msg, "line ", 5) == 0 && strlen(err.msg) < sizeof(err.msg));
            refused++;
        }
        free(exact);
    }
    EXPECT(parsed > 100 && refused > 100);
}
