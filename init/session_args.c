/*
 * The arguments of a child's session request: read strictly once, when
 * the request arrives, and rewritten once, when it is forwarded. The
 * label gets the child's name in front (or the route's rewrite), a CPU
 * session's priority is clamped to the child's band; everything else
 * goes to the server unchanged, which refuses keys it does not know.
 * The label the server sees is the route target's rewriting of it
 * (route_label: label, identity, resource, prepend_resource).
 */
#include "init.h"

bool child_args_parse(const struct child *ch, const char *service, const char *text, struct args *a,
                      uint64_t *ram, uint64_t *caps)
{
    const char *why = NULL;
    if (!args_parse(text, a, &why)) {
        printf("child \"%s\": session \"%s\" refused: malformed arguments (%s)\n", ch->name, service, why);
        return false;
    }
    if (!args_get_u64(a, "ram_quota", 0, ram) || !args_get_u64(a, "cap_quota", 0, caps)) {
        printf(
            "child \"%s\": session \"%s\" refused: ram_quota or cap_quota is not a number (decimal with K, M "
            "or G, or 0x hexadecimal, within 64 bits)\n",
            ch->name, service);
        return false;
    }
    return true;
}

bool child_args_forward(const struct child *ch, const char *service, const struct args *a,
                        const struct route_target *t, char *out, unsigned cap, struct child_session *s)
{
    struct args fwd = *a;
    char full[ROUTE_LABEL_MAX], seen[ROUTE_LABEL_MAX];
    const char *label = args_get(a, "label");
    uint64_t prio;
    char affinity[64];
    bool ok = label_prefix_child(full, sizeof(full), ch->name, label) &&
              route_label(t, full, seen, sizeof(seen)) && args_set(&fwd, "label", seen);
    if (ok && !strcmp(service, CPU_SERVICE)) { /* inside the child's range of virtual priorities */
        ok = args_get_u64(a, "priority", 0, &prio) &&
             args_set_u64(&fwd, "priority", sched_child_priority(ch, prio));
        /* inside the child's location (Genode's filter_session_affinity) */
        if (ok && !sched_child_affinity(ch, args_get(a, "affinity"), affinity, sizeof(affinity))) {
            printf("child \"%s\": session \"%s\" refused: affinity=\"%s\" is not \"X,Y WxH of SWxSH\" "
                   "inside its space\n",
                   ch->name, service, args_get(a, "affinity"));
            return false;
        }
        ok = ok && args_set(&fwd, "affinity", affinity);
    }
    if (!ok || !args_format(&fwd, out, cap)) {
        printf(
            "child \"%s\": session \"%s\" refused: its label (with the child's name in front) is longer than "
            "%u bytes or holds a quote, or the arguments do not fit %u bytes\n",
            ch->name, service, ROUTE_LABEL_MAX - 1, RPC_STRING_MAX);
        return false;
    }
    snprintf(s->service, sizeof(s->service), "%s", service);
    snprintf(s->label, sizeof(s->label), "%s", seen);
    return true;
}
