/*
 * What init does not understand it says, with the line: every node type
 * init reads is checked for unknown sub nodes and attributes here, and
 * the nodes Arbor accepts without acting on them (a <heartbeat>, a
 * top-level <service>) are named once, with the reason. Nothing in the
 * config is ignored silently.
 */
#include "init.h"

static const char *const top_nodes[] = {"parent-provides", "default-route", "default", "start",
                                        "report",          "alias",         "service", "affinity-space",
                                        "resource",        "heartbeat",     NULL};
static const char *const top_attrs[] = {"verbose", "prio_levels",  "ld_verbose",
                                        "version", "generate_xml", NULL};
static const char *const start_nodes[] = {"resource", "binary",    "config", "route",   "provides",
                                          "affinity", "heartbeat", "exit",   "restart", NULL};
static const char *const start_attrs[] = {"name", "caps",    "ram",          "priority", "managing_system",
                                          "ld",   "version", "caps_maximum", NULL};
static const char *const name_only[] = {"name", NULL};
static const char *const no_attrs[] = {NULL};
static const char *const rule_attrs[] = {
    "name", "label", "label_prefix", "label_suffix", "label_last", "unscoped_label", NULL};
static const char *const target_attrs[] = {"name", "label", "identity", "resource", "prepend_resource", NULL};

static bool known(const struct xml_node *n, const char *const *names)
{
    for (unsigned i = 0; names[i]; i++) {
        if (xml_type_is(n, names[i])) {
            return true;
        }
    }
    return false;
}

void config_check_attrs(const struct xml_node *n, const char *what, const char *const *names)
{
    char name[32], value[ROUTE_LABEL_MAX * 2];
    for (unsigned i = 0; xml_attr_nth(n, i, name, sizeof(name), value, sizeof(value)); i++) {
        unsigned k = 0;
        while (names[k] && strcmp(names[k], name)) {
            k++;
        }
        if (!names[k]) {
            printf("config: line %u: unknown attribute %s of <%s>, ignored\n", xml_line(n), name, what);
        }
    }
}

/* Every sub node of n must be one of names (in <where>); each is checked
 * with attrs, and so are its own sub nodes with sub_attrs if given. */
static void check_subs(const struct xml_node *n, const char *where, const char *const *names,
                       const char *const *attrs)
{
    struct xml_node sub;
    char type[32];
    for (bool ok = xml_first_sub(n, &sub); ok; ok = xml_next_sibling(&sub, &sub)) {
        xml_type(&sub, type, sizeof(type));
        if (!known(&sub, names)) {
            printf("config: line %u: unknown node <%s> in <%s>, ignored\n", xml_line(&sub), type, where);
        } else if (attrs) {
            config_check_attrs(&sub, type, attrs);
        }
    }
}

/* The attributes of a <route> or <default-route>: its rules and their
 * targets (route_check has checked the structure). */
static void check_route(const struct xml_node *route)
{
    static const char *const rules[] = {"service", "any-service", NULL};
    static const char *const targets[] = {"parent", "child", "any-child", "local", NULL};
    struct xml_node rule, t;
    char type[32];
    for (bool ok = xml_first_sub(route, &rule); ok; ok = xml_next_sibling(&rule, &rule)) {
        if (!known(&rule, rules)) {
            continue; /* route_check says so */
        }
        xml_type(&rule, type, sizeof(type));
        config_check_attrs(&rule, type, rule_attrs);
        for (bool ok2 = xml_first_sub(&rule, &t); ok2; ok2 = xml_next_sibling(&t, &t)) {
            if (known(&t, targets)) {
                xml_type(&t, type, sizeof(type));
                config_check_attrs(&t, type, target_attrs);
            }
        }
    }
}

bool config_check_start(const struct xml_node *start)
{
    static const char *const binary[] = {"name", NULL},
                             *const resource[] = {"name", "quantum", "maximum", NULL},
                             *const affinity[] = {"xpos", "ypos", "width", "height", NULL},
                             *const exit[] = {"propagate", NULL};
    struct xml_node sub;
    struct xml_error err;
    char type[32];
    config_check_attrs(start, "start", start_attrs);
    for (bool ok = xml_first_sub(start, &sub); ok; ok = xml_next_sibling(&sub, &sub)) {
        xml_type(&sub, type, sizeof(type));
        if (!known(&sub, start_nodes)) {
            printf("config: line %u: unknown node <%s> in <start>, ignored\n", xml_line(&sub), type);
            continue;
        }
        const char *const *attrs =
            xml_type_is(&sub, "binary")     ? binary
            : xml_type_is(&sub, "resource") ? resource
            : xml_type_is(&sub, "affinity") ? affinity
            : xml_type_is(&sub, "exit")     ? exit
            : xml_type_is(&sub, "heartbeat") || xml_type_is(&sub, "config") || xml_type_is(&sub, "restart")
                ? NULL
                : no_attrs;
        if (attrs) {
            config_check_attrs(&sub, type, attrs);
        }
        if (xml_type_is(&sub, "provides")) {
            check_subs(&sub, "provides", (const char *const[]){"service", NULL}, name_only);
        }
        if (xml_type_is(&sub, "heartbeat") || xml_type_is(&sub, "exit")) {
            printf("config: line %u: <%s> in <start> is not supported by Arbor's init, ignored\n",
                   xml_line(&sub), type);
        }
        if (xml_type_is(&sub, "restart")) {
            restart_check(start);
        }
        if (xml_type_is(&sub, "route")) {
            if (!route_check(&sub, &err)) {
                printf("config: %s; child not started\n", err.msg);
                return false;
            }
            check_route(&sub);
        }
    }
    return true;
}

/* <resource name="RAM|CAP" preserve> at the top: what init keeps for
 * itself (default 1 MiB and 20 caps). */
static void check_preserve(struct init *in, const struct xml_node *res)
{
    static const char *const attrs[] = {"name", "preserve", NULL};
    char name[8] = "";
    uint64_t v;
    config_check_attrs(res, "resource", attrs);
    xml_attr(res, "name", name, sizeof(name));
    bool ram = !strcmp(name, "RAM"), caps = !strcmp(name, "CAP");
    if ((!ram && !caps) || !xml_attr_u64(res, "preserve", &v)) {
        printf("config: line %u: <resource> at the top needs name=\"RAM\" or \"CAP\" and a preserve number, "
               "ignored\n",
               xml_line(res));
        return;
    }
    *(ram ? &in->preserve_ram : &in->preserve_caps) = v;
}

void config_check_top(struct init *in, const struct xml_node *root)
{
    struct xml_node sub;
    char type[32], child[64];
    config_check_attrs(root, "config", top_attrs);
    in->verbose = false;
    if (xml_has_attr(root, "verbose") && !xml_attr_bool(root, "verbose", &in->verbose)) {
        printf("config: line %u: verbose is not yes or no; no used\n", xml_line(root));
    }
    in->preserve_ram = 1u << 20;
    in->preserve_caps = 20;
    for (bool ok = xml_first_sub(root, &sub); ok; ok = xml_next_sibling(&sub, &sub)) {
        xml_type(&sub, type, sizeof(type));
        if (!known(&sub, top_nodes)) {
            printf("config: line %u: unknown node <%s>, ignored\n", xml_line(&sub), type);
        } else if (xml_type_is(&sub, "parent-provides")) {
            config_check_attrs(&sub, type, no_attrs);
            check_subs(&sub, type, (const char *const[]){"service", NULL}, name_only);
        } else if (xml_type_is(&sub, "default-route")) {
            config_check_attrs(&sub, type, no_attrs);
            check_route(&sub);
        } else if (xml_type_is(&sub, "default")) {
            config_check_attrs(&sub, type, (const char *const[]){"caps", "ram", NULL});
        } else if (xml_type_is(&sub, "affinity-space")) {
            config_check_attrs(&sub, type, (const char *const[]){"width", "height", NULL});
        } else if (xml_type_is(&sub, "resource")) {
            check_preserve(in, &sub);
        } else if (xml_type_is(&sub, "alias")) {
            config_check_attrs(&sub, type, (const char *const[]){"name", "child", NULL});
            if (!xml_has_attr(&sub, "name") || !xml_attr(&sub, "child", child, sizeof(child))) {
                printf("config: line %u: <alias> needs a name and a child, ignored\n", xml_line(&sub));
            }
        } else if (xml_type_is(&sub, "heartbeat")) {
            config_check_attrs(&sub, type, (const char *const[]){"rate_ms", NULL});
            printf("config: line %u: <heartbeat> is not supported: Arbor's components have no heartbeat "
                   "interface, no child is pinged\n",
                   xml_line(&sub));
        } else if (xml_type_is(&sub, "service")) {
            config_check_attrs(&sub, type, name_only);
            printf("config: line %u: a top-level <service> (a child's service offered to our parent) is not "
                   "supported yet, ignored\n",
                   xml_line(&sub));
        }
    }
}

const char *config_alias(const struct init *in, const char *name)
{
    struct xml_node a;
    char n[64];
    static char child[64]; /* only the main thread routes */
    for (bool ok = xml_first_sub_of_type(&in->root, "alias", &a); ok;
         ok = xml_next_of_type(&a, "alias", &a)) {
        if (xml_attr(&a, "name", n, sizeof(n)) && !strcmp(n, name) &&
            xml_attr(&a, "child", child, sizeof(child))) {
            return child;
        }
    }
    return name;
}
