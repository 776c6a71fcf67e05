/*
 * Session routing and label policy, as Genode's init and servers decide
 * them: pure functions over a parsed configuration (rt/xml.h), so init,
 * servers and the host unit tests share one implementation.
 *
 * Labels are Genode's: the elements a request passed through, outermost
 * first, joined by " -> " ("init -> client -> session label"). A parent
 * prefixes each request of a child with the child's name, which makes the
 * label unforgeable; a server chooses its <policy> by the whole label.
 */
#ifndef RT_ROUTE_H
#define RT_ROUTE_H

#include <rt/xml.h>

#define ROUTE_NAME_MAX 64   /* child names */
#define ROUTE_LABEL_MAX 160 /* labels and label attributes */
#define LABEL_SEPARATOR " -> "

enum route_kind {
    ROUTE_NONE,      /* no rule matched: deny the request */
    ROUTE_PARENT,    /* <parent/>: pass it on to our own parent */
    ROUTE_CHILD,     /* <child name="x"/>: to the child named in child */
    ROUTE_ANY_CHILD, /* <any-child/>: to the one child that provides it */
    ROUTE_LOCAL,     /* <local/>: a service of init itself (none: skipped) */
};

struct route_target {
    enum route_kind kind;
    char child[ROUTE_NAME_MAX]; /* ROUTE_CHILD: the server's name */
    /* the target's rewriting of the label (route_label): label,
     * identity, resource, prepend_resource, each with whether it is set */
    char label[ROUTE_LABEL_MAX];
    char identity[ROUTE_LABEL_MAX];
    char resource[ROUTE_LABEL_MAX];
    char prepend[ROUTE_LABEL_MAX];
    bool has_label, has_identity, has_resource, has_prepend;
    unsigned line; /* line of the rule that matched, 0 if none */
};

/*
 * Check every rule of a <route> or <default-route> node: each is a
 * <service name=".."> or <any-service> whose label, label_prefix and
 * label_suffix fit ROUTE_LABEL_MAX, and whose child elements (one at
 * least) are known targets (<parent/>, <child name=".."/>, <any-child/>)
 * whose names and labels fit. init calls it when it reads its config; false with err
 * naming the line of the first problem.
 */
bool route_check(const struct xml_node *route, struct xml_error *err) __attribute__((warn_unused_result));

/* Whether a target can take the request now (init: the parent provides
 * the service, the named child lists it in its <provides>, exactly one
 * child does for <any-child/>). */
typedef bool (*route_usable_fn)(const struct route_target *t, void *arg);

/*
 * Pick the route of a session request for service, with label as the
 * child supplied it (not yet prefixed with the child's name).
 *
 * The rules are the children of start's <route> when start (a <start>
 * node, may be NULL) has one, else those of default_route (may be NULL);
 * a child's <route> replaces the default entirely. Rules are
 * <service name="X"> and <any-service>, either optionally restricted by
 * label="L" (equal), label_prefix="P" and label_suffix="S" (all present
 * ones must hold), or by label_last="E" (the last element of the full
 * label, "child -> label", equals E; the three others are then
 * ignored), or by unscoped_label="U" (the full label equals U; all
 * others are ignored). The full label takes the child's name from
 * start's name attribute. A route's label_prefix never covers elements the
 * child appended after it: "hello" matches "hello" and "hello.cfg" but
 * not "hello -> config" (whose resource, for a server such as core's ROM,
 * is "config"); a prefix ending in the separator ("sub -> ") covers the
 * whole subtree. Server policies (policy_select) keep Genode's plain
 * prefix, which selects a client and everything it asks for.
 *
 * As in Genode, a rule lists one or more targets, <parent/>, <child
 * name=".."/> and <any-child/>, each with an optional label="..."
 * rewrite, tried in order: the first that usable (may be NULL: every
 * target is) accepts is the route. When none does, a <service> rule
 * denies the request (ROUTE_NONE with the rule's line) and an
 * <any-service> rule passes it on to the next rule. The first matching
 * rule in document order decides.
 *
 * Returns true with out->kind ROUTE_NONE when no rule matches. Returns
 * false with err naming the line when the chosen rules fail route_check,
 * whether or not the bad rule would have matched: a config is either
 * usable or refused, independent of the requests that happen to come.
 */
bool route_select(const struct xml_node *start, const struct xml_node *default_route, const char *service,
                  const char *label, route_usable_fn usable, void *arg, struct route_target *out,
                  struct xml_error *err) __attribute__((warn_unused_result));

/*
 * Pick the server-side policy for a full session label among config's
 * <policy> and <default-policy> children, with Genode's precedence:
 * a <policy> counts only if it has at least one of label, label_prefix,
 * label_suffix and all of those it has match. Among those, one with
 * label beats one without; then one with label_prefix beats one without,
 * the longer prefix winning; then likewise for label_suffix; on a tie the
 * first in document order wins. Beyond Genode's three, a policy may
 * name unscoped_label (the same as label: a server sees the full label)
 * and label_last (the last element equals it; ranked as a suffix).
 * Without any such policy the first <default-policy> applies. False when there is none of either.
 * Attribute values longer than ROUTE_LABEL_MAX never match.
 */
bool policy_select(const struct xml_node *config, const char *label, struct xml_node *out);

/*
 * The label the server sees for a request whose full label (the
 * child's name in front) is full, routed to target t, Genode's rules:
 * a target label="X" gives exactly X; otherwise identity (default: the
 * part before the last " -> "), resource (default: the last element)
 * and prepend_resource (default "") give "identity -> prepend+resource",
 * or "prepend+resource" without an identity; a target with none of
 * them leaves full as it is. False when the result does not fit cap.
 */
bool route_label(const struct route_target *t, const char *full, char *out, size_t cap)
    __attribute__((warn_unused_result));

/* "child_name -> label", or "child_name" when label is empty, in
 * out[cap]. False when it does not fit (out then holds it cut short, and
 * terminated when cap > 0): a parent refuses such a request rather than
 * forward a label that names something else. */
bool label_prefix_child(char *out, size_t cap, const char *child_name, const char *label)
    __attribute__((warn_unused_result));

/* The last element of label: "c" for "a -> b -> c", label itself if it
 * has only one. */
const char *label_last(const char *label);

#endif
