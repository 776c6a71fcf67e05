/*
 * Session routing and label policy (see rt/route.h), modelled on Genode's
 * init (service_node_matches) and Session_policy (Xml_node_label_score).
 * Both kinds of decision score a node's label, label_prefix and
 * label_suffix attributes against a label; routes take the first rule
 * without a conflict, policies the strongest.
 *
 * Nothing is stored: every call walks the config again through xml.c.
 * Values are copied into bounded stack buffers for comparison, which is
 * why route_check insists that they fit.
 */
#include <rt/route.h>
#include <rt/rt.h>

/* How a node's label attributes relate to a label. */
struct score {
    bool has_label, has_prefix, has_suffix;
    bool conflict; /* some present attribute does not hold (or does not fit) */
    size_t prefix_len, suffix_len;
};

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Whether a route's label_prefix covers label. A route grants a child a
 * resource, and servers name the resource by the last element (core's
 * ROM serves "config" for "hello -> config"), so a prefix must not stop
 * before elements the child appended itself: "hello" covers "hello" and
 * "hello.cfg" but not "hello -> config". A prefix that ends with the
 * separator ("sub -> ") names the subtree explicitly and covers it. */
static bool route_prefix_covers(const char *label, const char *prefix)
{
    size_t n = strlen(prefix), sep = strlen(LABEL_SEPARATOR), last = 0;
    if (!starts_with(label, prefix)) {
        return false;
    }
    bool subtree = (n >= sep && !strcmp(prefix + n - sep, LABEL_SEPARATOR)) ||
                   (n >= sep - 1 && !strncmp(prefix + n - (sep - 1), LABEL_SEPARATOR, sep - 1));
    for (const char *p = label; *p; p++) {
        if (starts_with(p, LABEL_SEPARATOR)) {
            last = (size_t)(p - label) + sep; /* where the last element starts */
        }
    }
    return subtree || n >= last;
}

static struct score score_of(const struct xml_node *n, const char *label, bool route)
{
    struct score s = {.conflict = false};
    char v[ROUTE_LABEL_MAX];
    s.has_label = xml_has_attr(n, "label");
    if (s.has_label && !(xml_attr(n, "label", v, sizeof(v)) && strcmp(label, v) == 0)) {
        s.conflict = true;
    }
    s.has_prefix = xml_has_attr(n, "label_prefix");
    if (s.has_prefix) {
        bool ok = xml_attr(n, "label_prefix", v, sizeof(v)) &&
                  (route ? route_prefix_covers(label, v) : starts_with(label, v));
        s.prefix_len = strlen(v);
        s.conflict = s.conflict || !ok;
    }
    s.has_suffix = xml_has_attr(n, "label_suffix");
    if (s.has_suffix) {
        bool ok = xml_attr(n, "label_suffix", v, sizeof(v)) && ends_with(label, v);
        s.suffix_len = strlen(v);
        s.conflict = s.conflict || !ok;
    }
    return s;
}

/* ---- checking routes ---- */

static void type_name(const struct xml_node *n, char *out, size_t cap)
{
    if (!xml_type(n, out, cap)) {
        out[0] = '?';
        out[1] = 0;
    }
}

/* An optional attribute whose value, when present, must fit cap bytes. */
static bool attr_fits(const struct xml_node *n, const char *name, size_t cap, struct xml_error *err)
{
    char v[ROUTE_LABEL_MAX], type[32];
    if (!xml_has_attr(n, name) || xml_attr(n, name, v, cap)) {
        return true;
    }
    type_name(n, type, sizeof(type));
    xml_error_set(err, xml_line(n), "attribute %s of <%s> is longer than %u characters", name, type,
                  (unsigned)cap - 1);
    return false;
}

static bool check_target(const struct xml_node *t, struct xml_error *err)
{
    char type[32];
    type_name(t, type, sizeof(type));
    if (xml_type_is(t, "child") && !xml_has_attr(t, "name")) {
        xml_error_set(err, xml_line(t), "<child> route target without name attribute");
        return false;
    }
    if (!xml_type_is(t, "child") && !xml_type_is(t, "parent") && !xml_type_is(t, "any-child") &&
        !xml_type_is(t, "local")) {
        xml_error_set(err, xml_line(t),
                      "unknown route target <%s> (expected <parent/>, "
                      "<child name=\"..\"/>, <any-child/> or <local/>)",
                      type);
        return false;
    }
    return attr_fits(t, "name", ROUTE_NAME_MAX, err) && attr_fits(t, "label", ROUTE_LABEL_MAX, err) &&
           attr_fits(t, "identity", ROUTE_LABEL_MAX, err) && attr_fits(t, "resource", ROUTE_LABEL_MAX, err) &&
           attr_fits(t, "prepend_resource", ROUTE_LABEL_MAX, err);
}

/* Every target of a rule; at least one. */
static bool check_targets(const struct xml_node *rule, struct xml_error *err)
{
    struct xml_node t;
    char type[32];
    if (!xml_first_sub(rule, &t)) {
        type_name(rule, type, sizeof(type));
        xml_error_set(err, xml_line(rule),
                      "<%s> rule has no target (<parent/>, "
                      "<child name=\"..\"/> or <any-child/>)",
                      type);
        return false;
    }
    for (bool more = true; more; more = xml_next_sibling(&t, &t)) {
        if (!check_target(&t, err)) {
            return false;
        }
    }
    return true;
}

static bool check_rule(const struct xml_node *rule, struct xml_error *err)
{
    char type[32];
    bool service = xml_type_is(rule, "service");
    if (!service && !xml_type_is(rule, "any-service")) {
        type_name(rule, type, sizeof(type));
        xml_error_set(err, xml_line(rule),
                      "unknown route rule <%s> (expected <service "
                      "name=\"..\"> or <any-service>)",
                      type);
        return false;
    }
    if (service && !xml_has_attr(rule, "name")) {
        xml_error_set(err, xml_line(rule), "<service> rule without name attribute");
        return false;
    }
    return attr_fits(rule, "name", ROUTE_NAME_MAX, err) && attr_fits(rule, "label", ROUTE_LABEL_MAX, err) &&
           attr_fits(rule, "label_prefix", ROUTE_LABEL_MAX, err) &&
           attr_fits(rule, "label_suffix", ROUTE_LABEL_MAX, err) &&
           attr_fits(rule, "label_last", ROUTE_LABEL_MAX, err) &&
           attr_fits(rule, "unscoped_label", ROUTE_LABEL_MAX, err) && check_targets(rule, err);
}

bool route_check(const struct xml_node *route, struct xml_error *err)
{
    struct xml_node rule;
    for (bool more = xml_first_sub(route, &rule); more; more = xml_next_sibling(&rule, &rule)) {
        if (!check_rule(&rule, err)) {
            return false;
        }
    }
    return true;
}

/* ---- selecting a route ---- */

/* Genode's precedence: unscoped_label tests the full label and
 * overrides the rest; label_last tests the full label's last element
 * and overrides label, label_prefix and label_suffix, which test the
 * label as the child gave it. */
static bool rule_matches(const struct xml_node *rule, const char *service, const char *label,
                         const char *full)
{
    char name[ROUTE_NAME_MAX], v[ROUTE_LABEL_MAX];
    if (xml_type_is(rule, "service") &&
        !(xml_attr(rule, "name", name, sizeof(name)) && strcmp(name, service) == 0)) {
        return false;
    }
    if (xml_has_attr(rule, "unscoped_label")) {
        return xml_attr(rule, "unscoped_label", v, sizeof(v)) && strcmp(full, v) == 0;
    }
    if (xml_has_attr(rule, "label_last")) {
        return xml_attr(rule, "label_last", v, sizeof(v)) && strcmp(label_last(full), v) == 0;
    }
    return !score_of(rule, label, true).conflict;
}

/* Target node t of a checked rule. */
static void fill_target(const struct xml_node *rule, const struct xml_node *t, struct route_target *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = xml_type_is(t, "parent")      ? ROUTE_PARENT
                : xml_type_is(t, "child")     ? ROUTE_CHILD
                : xml_type_is(t, "any-child") ? ROUTE_ANY_CHILD
                                              : ROUTE_LOCAL;
    if (out->kind == ROUTE_CHILD) {
        (void)xml_attr(t, "name", out->child, sizeof(out->child));
    }
    out->has_label = xml_attr(t, "label", out->label, sizeof(out->label));
    out->has_identity = xml_attr(t, "identity", out->identity, sizeof(out->identity));
    out->has_resource = xml_attr(t, "resource", out->resource, sizeof(out->resource));
    out->has_prepend = xml_attr(t, "prepend_resource", out->prepend, sizeof(out->prepend));
    out->line = xml_line(rule);
}

bool route_select(const struct xml_node *start, const struct xml_node *default_route, const char *service,
                  const char *label, route_usable_fn usable, void *arg, struct route_target *out,
                  struct xml_error *err)
{
    struct xml_node own, rule, t;
    const struct xml_node *rules = default_route;
    memset(out, 0, sizeof(*out));
    out->kind = ROUTE_NONE;
    if (start && xml_first_sub_of_type(start, "route", &own)) {
        rules = &own;
    }
    if (!rules) {
        return true;
    }
    if (!route_check(rules, err)) {
        return false;
    }
    label = label ? label : "";
    char child[ROUTE_NAME_MAX] = "", full[ROUTE_LABEL_MAX];
    if (start) {
        (void)xml_attr(start, "name", child, sizeof(child));
    }
    if (!child[0]) {
        snprintf(full, sizeof(full), "%s", label);
    } else if (!label_prefix_child(full, sizeof(full), child, label)) {
        full[0] = 0; /* too long to forward anyway: matches no full label */
    }
    for (bool more = xml_first_sub(rules, &rule); more; more = xml_next_sibling(&rule, &rule)) {
        if (!rule_matches(&rule, service, label, full)) {
            continue;
        }
        for (bool next = xml_first_sub(&rule, &t); next; next = xml_next_sibling(&t, &t)) {
            fill_target(&rule, &t, out);
            if (out->kind != ROUTE_LOCAL && (!usable || usable(out, arg))) {
                return true;
            }
        }
        memset(out, 0, sizeof(*out));
        out->kind = ROUTE_NONE;
        out->line = xml_line(&rule);
        if (xml_type_is(&rule, "service")) {
            return true; /* its targets all failed: denied */
        }
    }
    return true;
}

/* ---- server-side policy ---- */

/* Genode's Xml_node_label_score::stronger for two matching policies. */
static bool stronger(const struct score *a, const struct score *b)
{
    if (a->has_label != b->has_label) {
        return a->has_label;
    }
    if (a->has_prefix != b->has_prefix) {
        return a->has_prefix;
    }
    if (a->has_prefix && a->prefix_len != b->prefix_len) {
        return a->prefix_len > b->prefix_len;
    }
    if (a->has_suffix != b->has_suffix) {
        return a->has_suffix;
    }
    return a->has_suffix && a->suffix_len > b->suffix_len;
}

/* A policy's label_last and unscoped_label (Arbor's, beyond Genode's
 * Session_policy): unscoped_label is a second name for label (a server
 * sees the full label), label_last ranks as a suffix " -> E" or the
 * whole label E. */
static void policy_extras(const struct xml_node *n, const char *label, struct score *s)
{
    char v[ROUTE_LABEL_MAX];
    if (xml_has_attr(n, "unscoped_label")) {
        s->has_label = true;
        s->conflict = s->conflict || !(xml_attr(n, "unscoped_label", v, sizeof(v)) && !strcmp(label, v));
    }
    if (xml_has_attr(n, "label_last")) {
        bool ok = xml_attr(n, "label_last", v, sizeof(v)) && !strcmp(label_last(label), v);
        size_t len = strlen(v) + strlen(LABEL_SEPARATOR);
        s->suffix_len = s->has_suffix && s->suffix_len > len ? s->suffix_len : len;
        s->has_suffix = true;
        s->conflict = s->conflict || !ok;
    }
}

bool policy_select(const struct xml_node *config, const char *label, struct xml_node *out)
{
    struct xml_node n, best_node = {.p = NULL};
    struct score best = {.conflict = false};
    bool found = false;
    for (bool more = xml_first_sub(config, &n); more; more = xml_next_sibling(&n, &n)) {
        if (!xml_type_is(&n, "policy")) {
            continue;
        }
        struct score s = score_of(&n, label, false);
        policy_extras(&n, label, &s);
        if (!(s.has_label || s.has_prefix || s.has_suffix) || s.conflict) {
            continue;
        }
        if (!found || stronger(&s, &best)) {
            best = s;
            best_node = n;
            found = true;
        }
    }
    if (found) {
        *out = best_node;
        return true;
    }
    return xml_first_sub_of_type(config, "default-policy", out);
}

/* ---- labels ---- */

static void append(char *out, size_t cap, size_t *len, const char *s)
{
    while (*s && *len + 1 < cap) {
        out[(*len)++] = *s++;
    }
}

bool label_prefix_child(char *out, size_t cap, const char *child_name, const char *label)
{
    size_t len = 0;
    if (cap == 0) {
        return false;
    }
    append(out, cap, &len, child_name);
    if (label && label[0]) {
        append(out, cap, &len, LABEL_SEPARATOR);
        append(out, cap, &len, label);
    }
    out[len] = 0;
    return strlen(child_name) + (label && label[0] ? strlen(LABEL_SEPARATOR) + strlen(label) : 0) < cap;
}

static bool copy(char *out, size_t cap, size_t *len, const char *s)
{
    bool fits = *len + strlen(s) < cap;
    append(out, cap, len, s);
    out[*len] = 0;
    return fits;
}

bool route_label(const struct route_target *t, const char *full, char *out, size_t cap)
{
    size_t len = 0, sep = strlen(LABEL_SEPARATOR);
    const char *last = label_last(full);
    char prefix[ROUTE_LABEL_MAX] = "";
    if (cap == 0) {
        return false;
    }
    out[0] = 0;
    if (t->has_label) {
        return copy(out, cap, &len, t->label);
    }
    if (!t->has_identity && !t->has_resource && !t->has_prepend) {
        return copy(out, cap, &len, full);
    }
    if (last != full) { /* P: everything before the last separator */
        size_t n = (size_t)(last - full) - sep;
        n = n < sizeof(prefix) ? n : sizeof(prefix) - 1;
        memcpy(prefix, full, n);
        prefix[n] = 0;
    }
    const char *identity = t->has_identity ? t->identity : prefix;
    bool ok = true;
    if (identity[0]) {
        ok = copy(out, cap, &len, identity) && copy(out, cap, &len, LABEL_SEPARATOR);
    }
    ok = ok && copy(out, cap, &len, t->has_prepend ? t->prepend : "");
    return ok && copy(out, cap, &len, t->has_resource ? t->resource : last);
}

const char *label_last(const char *label)
{
    const char *last = label;
    size_t n = strlen(LABEL_SEPARATOR);
    for (const char *p = label; *p; p++) {
        if (strncmp(p, LABEL_SEPARATOR, n) == 0) {
            last = p + n;
        }
    }
    return last;
}
