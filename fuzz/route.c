/*
 * Fuzz target: session routing and server label policies
 * (libc/src/route.c, over libc/src/xml.c). The input is a service name
 * line, a label line, then an init config. Each <start> (and the default)
 * routes the request, and the root and each start's <config> pick a
 * policy; the choices are checked against a plain reading of the rules:
 * the first rule whose service and label constraints hold wins, and a
 * <policy> is chosen only if its label constraints hold.
 */
#include <rt/route.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Attribute name holds for label (absent holds too). */
static bool holds(const struct xml_node *n, const char *name, const char *label)
{
    char v[ROUTE_LABEL_MAX];
    if (!xml_has_attr(n, name)) {
        return true;
    }
    if (!xml_attr(n, name, v, sizeof(v))) {
        return false;
    }
    size_t a = strlen(label), b = strlen(v);
    if (!strcmp(name, "label")) {
        return !strcmp(label, v);
    }
    if (!strcmp(name, "label_prefix")) {
        return !strncmp(label, v, b);
    }
    return a >= b && !strcmp(label + a - b, v);
}

static bool label_holds(const struct xml_node *n, const char *label)
{
    return holds(n, "label", label) && holds(n, "label_prefix", label) && holds(n, "label_suffix", label);
}

static bool rule_matches(const struct xml_node *rule, const char *service, const char *label)
{
    char name[ROUTE_NAME_MAX];
    if (xml_type_is(rule, "service") &&
        !(xml_attr(rule, "name", name, sizeof(name)) && !strcmp(name, service))) {
        return false;
    }
    return label_holds(rule, label);
}

static void check_route(const struct xml_node *start, const struct xml_node *defaults, const char *service,
                        const char *label)
{
    struct route_target t;
    struct xml_error err;
    if (!route_select(start, defaults, service, label, NULL, NULL, &t, &err)) {
        return;
    }
    struct xml_node own, rule;
    const struct xml_node *rules = defaults;
    if (start && xml_first_sub_of_type(start, "route", &own)) {
        rules = &own;
    }
    bool more = rules && xml_first_sub(rules, &rule);
    for (; more && !rule_matches(&rule, service, label); more = xml_next_sibling(&rule, &rule)) {
    }
    if (more ? t.kind == ROUTE_NONE || t.line != xml_line(&rule) : t.kind != ROUTE_NONE) {
        abort(); /* not the first rule whose constraints hold */
    }
}

static void check_policy(const struct xml_node *config, const char *label)
{
    struct xml_node p, n;
    bool found = policy_select(config, label, &p);
    bool any = false;
    for (bool more = xml_first_sub_of_type(config, "policy", &n); more;
         more = xml_next_of_type(&n, "policy", &n)) {
        any = any || ((xml_has_attr(&n, "label") || xml_has_attr(&n, "label_prefix") ||
                       xml_has_attr(&n, "label_suffix")) &&
                      label_holds(&n, label));
    }
    if (found && xml_type_is(&p, "policy") && !label_holds(&p, label)) {
        abort(); /* a policy whose label constraints do not hold */
    }
    if (any && !(found && xml_type_is(&p, "policy"))) {
        abort(); /* a matching policy passed over */
    }
}

/* The next line of data[*at..size) as a new string. */
static char *line(const uint8_t *data, size_t size, size_t *at)
{
    size_t from = *at, n = 0;
    while (from + n < size && data[from + n] != '\n') {
        n++;
    }
    char *s = malloc(n + 1);
    memcpy(s, data + from, n);
    s[n] = 0;
    *at = from + n + (from + n < size);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t at = 0;
    char *service = line(data, size, &at);
    char *label = line(data, size, &at);
    struct xml_node root, defaults, start, config;
    if (xml_parse((const char *)data + at, size - at, &root, NULL)) {
        bool has_defaults = xml_first_sub_of_type(&root, "default-route", &defaults);
        check_route(NULL, has_defaults ? &defaults : NULL, service, label);
        check_policy(&root, label);
        unsigned starts = 0;
        for (bool more = xml_first_sub_of_type(&root, "start", &start); more && starts < 64;
             more = xml_next_of_type(&start, "start", &start), starts++) {
            check_route(&start, has_defaults ? &defaults : NULL, service, label);
            if (xml_first_sub_of_type(&start, "config", &config)) {
                check_policy(&config, label);
            }
        }
    }
    free(service);
    free(label);
    return 0;
}
