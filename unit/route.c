/*
 * Session routing and label policy on a realistic init config: a child's
 * <route> replaces the default route, the first matching rule wins, label
 * constraints, every kind of target, malformed rules named by line; and
 * the precedence of server policies; and the label helpers.
 */
#include "unit.h"
#include <rt/route.h>
#include <stdint.h>
#include <stdlib.h>

static const char config[] =
    "<config>\n"
    "  <parent-provides>\n"
    "    <service name=\"ROM\"/> <service name=\"LOG\"/> <service name=\"PD\"/>\n"
    "  </parent-provides>\n"
    "  <default-route>\n"
    "    <service name=\"LOG\"> <child name=\"log_mux\"/> </service>\n"
    "    <any-service> <parent/> </any-service>\n"
    "  </default-route>\n"
    "  <start name=\"timer\" caps=\"100\">\n"
    "    <resource name=\"RAM\" quantum=\"1M\"/>\n"
    "    <provides> <service name=\"Timer\"/> </provides>\n"
    "  </start>\n"
    "  <start name=\"fs\">\n"
    "    <provides> <service name=\"File_system\"/> </provides>\n"
    "    <route>\n"
    "      <service name=\"ROM\" label=\"config\"> <parent label=\"fs.config\"/> </service>\n"
    "      <service name=\"Timer\"> <child name=\"timer\"/> </service>\n"
    "      <any-service> <parent/> </any-service>\n"
    "    </route>\n"
    "  </start>\n"
    "  <start name=\"app\">\n"
    "    <route>\n"
    "      <service name=\"File_system\" label_prefix=\"data\">\n"
    "        <child name=\"fs\" label=\"data_fs\"/> </service>\n"
    "      <service name=\"File_system\" label_suffix=\"tmp\"> <child name=\"fs\"/> </service>\n"
    "      <service name=\"File_system\" label_prefix=\"log\" label_suffix=\".txt\">\n"
    "        <child name=\"log_fs\"/> </service>\n"
    "      <service name=\"Timer\"> <any-child/> </service>\n"
    "      <service name=\"LOG\"> <parent/> </service>\n"
    "      <service name=\"ROM\" label=\"binary\"> <parent/> </service>\n"
    "      <service name=\"ROM\"> <child name=\"rom_fs\"/> </service>\n"
    "    </route>\n"
    "  </start>\n"
    "</config>\n";

struct setup {
    struct xml_node root, defaults, timer, fs, app;
};

static bool load(struct setup *s)
{
    return xml_parse(config, sizeof(config) - 1, &s->root, NULL) &&
           xml_first_sub_of_type(&s->root, "default-route", &s->defaults) &&
           xml_first_sub_of_type(&s->root, "start", &s->timer) &&
           xml_next_of_type(&s->timer, "start", &s->fs) && xml_next_of_type(&s->fs, "start", &s->app);
}

/* 1-based line of the first occurrence of text in doc. */
static unsigned line_of(const char *doc, const char *text)
{
    const char *at = strstr(doc, text);
    unsigned line = 1;
    for (const char *p = doc; at && p < at; p++) {
        line += *p == '\n';
    }
    return at ? line : 0;
}

/* Route a request of the child start and check kind, child and label. */
static bool routes(const struct setup *s, const struct xml_node *start, const char *service,
                   const char *label, enum route_kind kind, const char *child, const char *rewrite)
{
    struct route_target t;
    struct xml_error err = {0, ""};
    if (!route_select(start, &s->defaults, service, label, NULL, NULL, &t, &err)) {
        printf("  %s \"%s\": %s\n", service, label, err.msg);
        return false;
    }
    if (t.kind != kind || strcmp(t.child, child) != 0 || strcmp(t.label, rewrite) != 0) {
        printf("  %s \"%s\": kind %d child \"%s\" label \"%s\"\n", service, label, t.kind, t.child, t.label);
        return false;
    }
    return true;
}

TEST(default_route_applies_without_own_route)
{
    struct setup s;
    EXPECT(load(&s));
    EXPECT(routes(&s, &s.timer, "LOG", "", ROUTE_CHILD, "log_mux", ""));
    EXPECT(routes(&s, &s.timer, "PD", "", ROUTE_PARENT, "", ""));
    EXPECT(routes(&s, NULL, "CPU", "x", ROUTE_PARENT, "", ""));
}

TEST(own_route_replaces_default_entirely)
{
    struct setup s;
    EXPECT(load(&s));
    EXPECT(routes(&s, &s.app, "LOG", "", ROUTE_PARENT, "", ""));
    /* no <any-service> in app's route, and the default is not consulted */
    EXPECT(routes(&s, &s.app, "PD", "", ROUTE_NONE, "", ""));
    EXPECT(routes(&s, &s.fs, "LOG", "", ROUTE_PARENT, "", ""));
}

TEST(first_matching_rule_wins)
{
    struct setup s;
    struct route_target t;
    EXPECT(load(&s));
    EXPECT(routes(&s, &s.app, "ROM", "binary", ROUTE_PARENT, "", ""));
    EXPECT(routes(&s, &s.app, "ROM", "other", ROUTE_CHILD, "rom_fs", ""));
    /* matches both the prefix and the suffix rule: the first one counts */
    EXPECT(routes(&s, &s.app, "File_system", "data/tmp", ROUTE_CHILD, "fs", "data_fs"));
    EXPECT(route_select(&s.app, &s.defaults, "ROM", "binary", NULL, NULL, &t, NULL));
    EXPECT(t.line == line_of(config, "<service name=\"ROM\" label=\"binary\">"));
}

TEST(label_constraints)
{
    struct setup s;
    EXPECT(load(&s));
    EXPECT(routes(&s, &s.fs, "ROM", "config", ROUTE_PARENT, "", "fs.config"));
    EXPECT(routes(&s, &s.fs, "ROM", "configs", ROUTE_PARENT, "", ""));
    EXPECT(routes(&s, &s.fs, "ROM", "", ROUTE_PARENT, "", ""));
    EXPECT(routes(&s, &s.app, "File_system", "data", ROUTE_CHILD, "fs", "data_fs"));
    EXPECT(routes(&s, &s.app, "File_system", "x/tmp", ROUTE_CHILD, "fs", ""));
    EXPECT(routes(&s, &s.app, "File_system", "log/a.txt", ROUTE_CHILD, "log_fs", ""));
    /* prefix and suffix on one rule must both hold */
    EXPECT(routes(&s, &s.app, "File_system", "log/a.bin", ROUTE_NONE, "", ""));
    EXPECT(routes(&s, &s.app, "File_system", "x/a.txt", ROUTE_NONE, "", ""));
    EXPECT(routes(&s, &s.app, "File_system", "", ROUTE_NONE, "", ""));
}

TEST(route_prefix_does_not_cover_appended_elements)
{
    static const char doc[] = "<config><start name=\"app\"><route>\n"
                              "  <service name=\"ROM\" label_prefix=\"hello\"> <parent/> </service>\n"
                              "  <service name=\"LOG\" label_prefix=\"sub -> \"> <parent/> </service>\n"
                              "  <service name=\"CPU\" label_prefix=\"sub ->\"> <parent/> </service>\n"
                              "  <service name=\"PD\" label_prefix=\"hello \"> <parent/> </service>\n"
                              "  <service name=\"RM\" label_prefix=\"hello -\"> <parent/> </service>\n"
                              "  <service name=\"IO_MEM\" label_prefix=\"hello -> c\"> <parent/> </service>\n"
                              "</route></start></config>";
    struct setup s;
    EXPECT(xml_parse(doc, sizeof(doc) - 1, &s.root, NULL) && xml_first_sub_of_type(&s.root, "start", &s.app));
    s.defaults = s.app; /* has no rules of its own: never consulted */
    EXPECT(routes(&s, &s.app, "ROM", "hello", ROUTE_PARENT, "", ""));
    EXPECT(routes(&s, &s.app, "ROM", "hello.cfg", ROUTE_PARENT, "", ""));
    EXPECT(routes(&s, &s.app, "ROM", "hello -> config", ROUTE_NONE, "", ""));
    EXPECT(routes(&s, &s.app, "ROM", "hellox -> config", ROUTE_NONE, "", ""));
    EXPECT(routes(&s, &s.app, "LOG", "sub -> a -> b", ROUTE_PARENT, "", ""));
    EXPECT(routes(&s, &s.app, "CPU", "sub -> a", ROUTE_PARENT, "", ""));
    EXPECT(routes(&s, &s.app, "CPU", "subx -> a", ROUTE_NONE, "", ""));
    /* a prefix that stops inside the separator does not name the subtree */
    EXPECT(routes(&s, &s.app, "PD", "hello -> config", ROUTE_NONE, "", ""));
    EXPECT(routes(&s, &s.app, "RM", "hello -> config", ROUTE_NONE, "", ""));
    EXPECT(routes(&s, &s.app, "IO_MEM", "hello -> config", ROUTE_PARENT, "", ""));
}

/* usable(): the parent takes only LOG; children: only "b". */
static bool only_log_and_b(const struct route_target *t, void *arg)
{
    const char *service = arg;
    return t->kind == ROUTE_PARENT ? !strcmp(service, "LOG")
                                   : t->kind == ROUTE_CHILD && !strcmp(t->child, "b");
}

static bool picks(const char *doc, const char *service, enum route_kind kind, const char *child,
                  unsigned line)
{
    struct xml_node root, start;
    struct route_target t;
    if (!xml_parse(doc, strlen(doc), &root, NULL) || !xml_first_sub_of_type(&root, "start", &start) ||
        !route_select(&start, NULL, service, "", only_log_and_b, (void *)service, &t, NULL)) {
        return false;
    }
    return t.kind == kind && !strcmp(t.child, child) && t.line == line;
}

TEST(targets_are_tried_in_order)
{
    static const char doc[] = "<config><start name=\"app\"><route>\n"
                              "<service name=\"Echo\"> <child name=\"a\"/> <child name=\"b\"/> </service>\n"
                              "<service name=\"Timer\"> <child name=\"a\"/> <parent/> </service>\n"
                              "<any-service> <parent/> <any-child/> </any-service>\n"
                              "<any-service> <child name=\"b\" label=\"x\"/> </any-service>\n"
                              "</route></start></config>";
    EXPECT(picks(doc, "Echo", ROUTE_CHILD, "b", 2));
    EXPECT(picks(doc, "Timer", ROUTE_NONE, "", 3)); /* a <service> whose targets all fail denies */
    EXPECT(picks(doc, "LOG", ROUTE_PARENT, "", 4));
    EXPECT(picks(doc, "ROM", ROUTE_CHILD, "b", 5)); /* an <any-service> passes it on */
}

TEST(all_target_kinds)
{
    struct setup s;
    EXPECT(load(&s));
    EXPECT(routes(&s, &s.app, "Timer", "", ROUTE_ANY_CHILD, "", ""));
    EXPECT(routes(&s, &s.fs, "Timer", "", ROUTE_CHILD, "timer", ""));
    EXPECT(routes(&s, &s.fs, "Timer", "x", ROUTE_CHILD, "timer", ""));
    EXPECT(routes(&s, &s.fs, "Nic", "x", ROUTE_PARENT, "", ""));
}

TEST(no_routes_at_all_is_none)
{
    struct route_target t;
    struct xml_node start;
    EXPECT(route_select(NULL, NULL, "LOG", "x", NULL, NULL, &t, NULL) && t.kind == ROUTE_NONE);
    EXPECT(xml_parse("<start name=\"a\"/>", 17, &start, NULL));
    EXPECT(route_select(&start, NULL, "LOG", NULL, NULL, NULL, &t, NULL) && t.kind == ROUTE_NONE);
    EXPECT(t.line == 0 && t.child[0] == 0 && t.label[0] == 0);
}

/* route_select on the <route> of a document must fail naming line. */
static bool refused(const char *doc, unsigned line, const char *part)
{
    struct xml_node start;
    struct route_target t;
    struct xml_error err = {0, ""};
    char prefix[32];
    if (!xml_parse(doc, strlen(doc), &start, NULL)) {
        printf("  not well formed: %s\n", doc);
        return false;
    }
    if (route_select(&start, NULL, "LOG", "", NULL, NULL, &t, &err)) {
        printf("  accepted: %s\n", doc);
        return false;
    }
    snprintf(prefix, sizeof(prefix), "line %u: ", line);
    if (err.line != line || strncmp(err.msg, prefix, strlen(prefix)) != 0 || !strstr(err.msg, part)) {
        printf("  got \"%s\" for %s\n", err.msg, doc);
        return false;
    }
    return true;
}

TEST(malformed_rules_name_their_line)
{
    EXPECT(refused("<start><route>\n<service name=\"LOG\"/></route></start>", 2,
                   "<service> rule has no target"));
    EXPECT(refused("<start><route>\n<any-service>\n<sibling/></any-service></route></start>", 3,
                   "unknown route target <sibling>"));
    EXPECT(
        refused("<start><route>\n\n<service/></route></start>", 3, "<service> rule without name attribute"));
    EXPECT(refused("<start><route>\n<service name=\"LOG\"><child/></service></route></start>", 2,
                   "<child> route target without name attribute"));
    EXPECT(refused("<start><route>\n<services name=\"LOG\"/></route></start>", 2,
                   "unknown route rule <services>"));
    /* a bad rule after the one that matches still refuses the route */
    EXPECT(refused("<start><route>\n<any-service><parent/></any-service>\n"
                   "<service name=\"X\"><childe/></service></route></start>",
                   3, "unknown route target <childe>"));
    char doc[512];
    snprintf(doc, sizeof(doc),
             "<start><route>\n<service name=\"LOG\"><child name=\"%0100d\" "
             "/></service></route></start>",
             1);
    EXPECT(refused(doc, 2, "attribute name of <child> is longer than 63 characters"));
    snprintf(doc, sizeof(doc),
             "<start><route>\n<any-service label_prefix=\"%0200d\">"
             "<parent/></any-service></route></start>",
             1);
    EXPECT(refused(doc, 2, "attribute label_prefix of <any-service> is longer than 159"));
}

static const char policies[] =
    "<config>\n"
    "  <default-policy root=\"/default\"/>\n"
    "  <policy root=\"/unlabelled\"/>\n"
    "  <policy label_prefix=\"init -> app\" root=\"/app\"/>\n"
    "  <policy label_prefix=\"init -> app -> \" root=\"/app2\"/>\n"
    "  <policy label=\"init -> app -> data\" root=\"/exact\"/>\n"
    "  <policy label_suffix=\"-> log\" root=\"/log\"/>\n"
    "  <policy label_suffix=\"x -> log\" root=\"/xlog\"/>\n"
    "  <policy label_prefix=\"init -> shell\" label_suffix=\"tmp\" root=\"/shelltmp\"/>\n"
    "  <policy label_prefix=\"init -> shell\" root=\"/shell\"/>\n"
    "  <policy label_prefix=\"init -> shell\" root=\"/shell_again\"/>\n"
    "  <policy label=\"init -> both\" label_prefix=\"init\" root=\"/both\"/>\n"
    "</config>\n";

static bool policy_is(const char *doc, const char *label, const char *root)
{
    struct xml_node config, p;
    char value[64];
    if (!xml_parse(doc, strlen(doc), &config, NULL)) {
        return false;
    }
    if (!policy_select(&config, label, &p)) {
        return root == NULL;
    }
    bool ok = root && xml_attr(&p, "root", value, sizeof(value)) && strcmp(value, root) == 0;
    if (!ok) {
        printf("  \"%s\" chose line %u\n", label, xml_line(&p));
    }
    return ok;
}

TEST(policy_precedence)
{
    EXPECT(policy_is(policies, "init -> app -> data", "/exact"));
    EXPECT(policy_is(policies, "init -> app -> other", "/app2"));
    EXPECT(policy_is(policies, "init -> appx", "/app"));
    EXPECT(policy_is(policies, "init -> foo -> log", "/log"));
    EXPECT(policy_is(policies, "init -> foox -> log", "/xlog"));
    /* any matching prefix outranks a suffix (Genode's order) */
    EXPECT(policy_is(policies, "init -> app -> log", "/app2"));
    /* prefix and suffix on one node must both hold; then the suffix breaks the tie */
    EXPECT(policy_is(policies, "init -> shell -> tmp", "/shelltmp"));
    EXPECT(policy_is(policies, "init -> shell -> x", "/shell"));
    EXPECT(policy_is(policies, "init -> both", "/both"));
    EXPECT(policy_is(policies, "init -> bother", "/default"));
    EXPECT(policy_is(policies, "nobody", "/default"));
    EXPECT(policy_is("<config><policy label=\"a\"/></config>", "b", NULL));
    EXPECT(policy_is("<config/>", "b", NULL));
}

TEST(label_helpers)
{
    char buf[32];
    EXPECT(label_prefix_child(buf, sizeof(buf), "app", "fs"));
    EXPECT(strcmp(buf, "app -> fs") == 0);
    EXPECT(label_prefix_child(buf, sizeof(buf), "app", ""));
    EXPECT(strcmp(buf, "app") == 0);
    EXPECT(label_prefix_child(buf, sizeof(buf), "app", NULL));
    EXPECT(strcmp(buf, "app") == 0);
    EXPECT(!label_prefix_child(buf, 6, "app", "fs"));
    EXPECT(strcmp(buf, "app -") == 0);
    EXPECT(!label_prefix_child(buf, 1, "app", "fs"));
    EXPECT(buf[0] == 0);
    EXPECT(label_prefix_child(buf, 10, "app", "fs"));
    EXPECT(!label_prefix_child(buf, 9, "app", "fs"));
    buf[0] = 'x';
    EXPECT(!label_prefix_child(buf, 0, "app", "fs"));
    EXPECT(buf[0] == 'x');
    EXPECT(strcmp(label_last("init -> app -> fs"), "fs") == 0);
    EXPECT(strcmp(label_last("fs"), "fs") == 0);
    EXPECT(strcmp(label_last(""), "") == 0);
    EXPECT(strcmp(label_last("a->b"), "a->b") == 0);
}

/* ---- random mutation ---- */

static uint64_t rng = 0x2545f4914f6cdd1dull;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static unsigned lines_in(const char *p, size_t len)
{
    unsigned lines = 1;
    for (size_t i = 0; i < len; i++) {
        lines += p[i] == '\n';
    }
    return lines;
}

/* Route and pick policies for every <start> of a config that parsed. */
static void route_all(const struct xml_node *root, const char *buf, size_t len)
{
    static const char *const services[] = {"LOG", "ROM", "File_system", "Timer", "PD"};
    static const char *const labels[] = {"", "config", "data/tmp", "log/a.txt", "binary"};
    struct xml_node defaults, start, p;
    bool has_defaults = xml_first_sub_of_type(root, "default-route", &defaults);
    for (bool more = xml_first_sub_of_type(root, "start", &start); more;
         more = xml_next_of_type(&start, "start", &start)) {
        struct route_target t;
        struct xml_error err = {0, ""};
        unsigned i = rnd(5), j = rnd(5);
        if (route_select(&start, has_defaults ? &defaults : NULL, services[i], labels[j], NULL, NULL, &t,
                         &err)) {
            EXPECT(t.kind == ROUTE_NONE || (t.line >= 1 && t.line <= lines_in(buf, len)));
            EXPECT(strlen(t.child) < sizeof(t.child) && strlen(t.label) < sizeof(t.label));
        } else {
            EXPECT(err.line >= 1 && err.line <= lines_in(buf, len));
        }
        (void)policy_select(&start, labels[j], &p);
    }
}

TEST(random_mutations_route_safely)
{
    static const char tokens[] = "<>/=\"'&;!- \nxa";
    unsigned parsed = 0;
    for (unsigned i = 0; i < 20000; i++) {
        char work[sizeof(config)];
        size_t len = sizeof(config) - 1;
        memcpy(work, config, len);
        for (unsigned k = 1 + rnd(3); k > 0; k--) {
            size_t at = rnd((unsigned)len);
            if (rnd(2)) {
                work[at] = tokens[rnd(sizeof(tokens) - 1)];
            } else {
                memmove(work + at, work + at + 1, len - at - 1);
                len--;
            }
        }
        /* exactly len bytes, so that ASan sees any read past the end */
        char *buf = malloc(len);
        memcpy(buf, work, len);
        struct xml_node root;
        if (xml_parse(buf, len, &root, NULL)) {
            route_all(&root, buf, len);
            parsed++;
        }
        free(buf);
    }
    EXPECT(parsed > 1000);
}

/* ---- Genode's label_last, unscoped_label and label rewriting ---- */

static const char rewrite_config[] =
    "<config>\n"
    "  <start name=\"app\">\n"
    "    <route>\n"
    "      <service name=\"ROM\" unscoped_label=\"app -> exact\" label=\"never\"> <parent/> </service>\n"
    "      <service name=\"ROM\" label_last=\"font\" label_prefix=\"nomatch\"> <child name=\"fonts\"/> "
    "</service>\n"
    "      <service name=\"ROM\" label_last=\"app\"> <parent label=\"\"/> </service>\n"
    "      <service name=\"File_system\" label=\"data\"> <child name=\"fs\" identity=\"rw\"/> </service>\n"
    "      <service name=\"File_system\" label=\"bin\"> <child name=\"fs\" prepend_resource=\"/usr\"/> "
    "</service>\n"
    "      <service name=\"File_system\"> <child name=\"fs\" resource=\"other\"/> </service>\n"
    "      <service name=\"LOG\"> <local/> <parent label=\"log_terminal\"/> </service>\n"
    "    </route>\n"
    "  </start>\n"
    "</config>\n";

static struct route_target pick(const char *service, const char *label)
{
    struct xml_node root, start;
    struct route_target t;
    struct xml_error err = {0, ""};
    memset(&t, 0, sizeof(t));
    if (!xml_parse(rewrite_config, sizeof(rewrite_config) - 1, &root, NULL) ||
        !xml_first_sub_of_type(&root, "start", &start) ||
        !route_select(&start, NULL, service, label, NULL, NULL, &t, &err)) {
        t.kind = ROUTE_NONE;
        t.line = 999;
    }
    return t;
}

TEST(unscoped_label_tests_the_full_label_and_overrides_label)
{
    struct route_target t = pick("ROM", "exact");
    EXPECT(t.kind == ROUTE_PARENT && t.line == 4);
    EXPECT(pick("ROM", "app -> exact").line != 4); /* full label "app -> app -> exact" */
}

TEST(label_last_tests_the_last_element_and_overrides_label_prefix)
{
    struct route_target t = pick("ROM", "fonts -> font");
    EXPECT(t.kind == ROUTE_CHILD && t.line == 5 && !strcmp(t.child, "fonts"));
    EXPECT(pick("ROM", "font").line == 5);
    EXPECT(pick("ROM", "fontx").line != 5);
    /* a session without label: the full label is the child's name */
    EXPECT(pick("ROM", "").line == 6);
}

TEST(local_target_is_skipped)
{
    struct route_target t = pick("LOG", "");
    EXPECT(t.kind == ROUTE_PARENT && t.has_label && !strcmp(t.label, "log_terminal"));
}

static const char *seen(const char *service, const char *label, const char *full)
{
    static char out[ROUTE_LABEL_MAX];
    struct route_target t = pick(service, label);
    if (!route_label(&t, full, out, sizeof(out))) {
        return "(does not fit)";
    }
    return out;
}

TEST(target_label_is_exactly_what_the_server_sees)
{
    EXPECT(!strcmp(seen("LOG", "", "app"), "log_terminal"));
    EXPECT(!strcmp(seen("ROM", "", "app"), "")); /* label="" is allowed */
}

TEST(identity_resource_and_prepend_resource_rewrite_parts)
{
    EXPECT(!strcmp(seen("File_system", "data", "app -> data"), "rw -> data"));
    EXPECT(!strcmp(seen("File_system", "bin", "app -> /bin"), "app -> /usr/bin"));
    EXPECT(!strcmp(seen("File_system", "x", "app -> sub -> x"), "app -> sub -> other"));
    /* nothing to rewrite: unchanged */
    EXPECT(!strcmp(seen("ROM", "exact", "app -> exact"), "app -> exact"));
}

TEST(route_label_refuses_what_does_not_fit)
{
    struct route_target t;
    char out[8];
    memset(&t, 0, sizeof(t));
    t.has_prepend = true;
    strcpy(t.prepend, "/usr/local");
    EXPECT(!route_label(&t, "app -> /bin", out, sizeof(out)));
    EXPECT(route_label(&t, "/b", out, sizeof(out)) == false); /* "/usr/local/b" > 7 */
    t.has_prepend = false;
    t.has_resource = true;
    strcpy(t.resource, "r");
    EXPECT(route_label(&t, "a -> b", out, sizeof(out)) && !strcmp(out, "a -> r"));
}

TEST(policy_label_last_and_unscoped_label)
{
    static const char cfg[] = "<config>\n"
                              "  <policy label_last=\"log\" root=\"last\"/>\n"
                              "  <policy unscoped_label=\"app -> log\" root=\"exact\"/>\n"
                              "  <policy label_prefix=\"other\" root=\"prefix\"/>\n"
                              "</config>\n";
    struct xml_node root, p;
    char v[16] = "";
    EXPECT(xml_parse(cfg, sizeof(cfg) - 1, &root, NULL));
    EXPECT(policy_select(&root, "app -> log", &p) && xml_attr(&p, "root", v, sizeof(v)) &&
           !strcmp(v, "exact"));
    EXPECT(policy_select(&root, "sub -> x -> log", &p) && xml_attr(&p, "root", v, sizeof(v)) &&
           !strcmp(v, "last"));
    /* a prefix beats a suffix, label_last included */
    EXPECT(policy_select(&root, "other -> log", &p) && xml_attr(&p, "root", v, sizeof(v)) &&
           !strcmp(v, "prefix"));
    EXPECT(!policy_select(&root, "app -> logs", &p));
}
