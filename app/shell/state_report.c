/*
 * Reading the sub-init's state report (state_report.h).
 */
#include "state_report.h"
#include <rt/rt.h>

struct quota_use state_quota(const struct xml_node *node, const char *type)
{
    struct quota_use q = {0};
    struct xml_node n;
    if (!xml_first_sub_of_type(node, type, &n)) {
        return q;
    }
    q.known = true;
    if (!xml_attr_u64(&n, "quota", &q.quota)) {
        (void)xml_attr_u64(&n, "assigned", &q.quota);
    }
    (void)xml_attr_u64(&n, "used", &q.used);
    if (!xml_attr_u64(&n, "avail", &q.avail)) {
        q.avail = q.quota > q.used ? q.quota - q.used : 0;
    }
    return q;
}

void state_child(const struct xml_node *child, struct child_state *out)
{
    memset(out, 0, sizeof(*out));
    (void)xml_attr(child, "name", out->name, sizeof(out->name));
    (void)xml_attr(child, "binary", out->binary, sizeof(out->binary));
    char value[24];
    out->exited = xml_has_attr(child, "exited");
    out->exit_value = INT64_MIN;
    if (out->exited && xml_attr(child, "exited", value, sizeof(value))) {
        /* Genode's exit value is an int: "-1" as well as "3" */
        size_t k = value[0] == '-';
        uint64_t v = 0;
        bool digits = value[k] != 0;
        for (; value[k] && digits; k++) {
            digits = value[k] >= '0' && value[k] <= '9' && v < 100000000000000000ull;
            v = v * 10 + (uint64_t)(value[k] - '0');
        }
        if (digits) {
            out->exit_value = value[0] == '-' ? -(int64_t)v : (int64_t)v;
        }
    }
    out->faulted = xml_has_attr(child, "faulted");
    if (out->faulted && !xml_attr(child, "faulted", out->fault, sizeof(out->fault))) {
        snprintf(out->fault, sizeof(out->fault), "?");
    }
    for (char *p = out->fault; *p; p++) {
        *p = *p < ' ' || *p > '~' ? '?' : *p; /* for the terminal */
    }
    out->ended = out->exited || out->faulted;
    out->ram = state_quota(child, "ram");
    out->caps = state_quota(child, "caps");
}

void state_end_text(const struct child_state *c, char *out, size_t cap)
{
    if (c->faulted) {
        snprintf(out, cap, "faulted: %s", c->fault);
    } else if (c->exit_value == INT64_MIN) {
        snprintf(out, cap, "exited");
    } else {
        snprintf(out, cap, "exited with exit value %ld", c->exit_value);
    }
}

bool state_find(const struct xml_node *state, const char *name, struct child_state *out)
{
    struct xml_node n;
    for (bool more = xml_first_sub_of_type(state, "child", &n); more;
         more = xml_next_of_type(&n, "child", &n)) {
        state_child(&n, out);
        if (!strcmp(out->name, name)) {
            return true;
        }
    }
    return false;
}
