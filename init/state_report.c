/*
 * init's state report, Genode's format: `<report>` in the config asks
 * for a Report session "state" at our parent, and this file writes what
 * goes into it:
 *
 *   <state version="..">                       (version: <config version>)
 *     <ram quota used avail/> <caps .../>      (init_ram, init_caps)
 *     <child name binary [id] [priority] [managing_system] [affinity]>
 *       <ram assigned quota used avail/>       (child_ram)
 *       <caps assigned quota used avail/>      (child_caps)
 *       <requested> <session service label state ram/>.. </requested>
 *       <provided> <session .../>.. </provided>
 *     </child>
 *   </state>
 *
 * Byte counts are printed as Genode prints a Number_of_bytes: a whole
 * number of G, M or K if it is one, else plain bytes. How the text
 * reaches the report server without init ever waiting for it is
 * reporter.c.
 */
#include "init.h"
#include <session/report.h>

struct writer {
    char *p;
    size_t cap, len;
    bool full;
};

static void put(struct writer *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->p + w->len, w->cap - w->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= w->cap - w->len) {
        w->full = true;
        w->len = w->cap - 1;
        return;
    }
    w->len += (size_t)n;
}

/* An attribute value as Genode's Xml_generator writes it: verbatim
 * (" -> " stays as it is: '>' is plain text in a value), but for '"',
 * '&' and '<'. A child picks the end of its sessions' labels, which may
 * hold '&' and '<' (session arguments refuse only quotes): written as it
 * is, a '<' made the whole report no XML for every reader. */
static void attr(struct writer *w, const char *name, const char *value)
{
    put(w, " %s=\"", name);
    for (const char *c = value; *c && !w->full; c++) {
        put(w, *c == '"' ? "&quot;" : *c == '&' ? "&amp;" : *c == '<' ? "&lt;" : "%c", *c);
    }
    put(w, "\"");
}

/* Genode's Number_of_bytes: 0, whole G, M or K, else bytes. */
static void bytes(struct writer *w, const char *name, uint64_t v)
{
    const uint64_t k = 1024, m = k * k, g = m * k;
    if (v && v % g == 0) {
        put(w, " %s=\"%luG\"", name, v / g);
    } else if (v && v % m == 0) {
        put(w, " %s=\"%luM\"", name, v / m);
    } else if (v && v % k == 0) {
        put(w, " %s=\"%luK\"", name, v / k);
    } else {
        put(w, " %s=\"%lu\"", name, v);
    }
}

static void indent(struct writer *w, unsigned depth)
{
    put(w, "\n");
    for (unsigned i = 0; i < depth; i++) {
        put(w, "\t");
    }
}

/* <ram ../> or <caps ../> of a PD: assigned (children only), quota,
 * used, avail. */
static void quota_node(struct writer *w, unsigned depth, cap_t pd, bool ram, bool assigned, uint64_t given)
{
    uint64_t q[4] = {0, 0, 0, 0};
    pd_quota(pd, &q[0], &q[1], &q[2], &q[3]);
    uint64_t quota = ram ? q[0] : q[2], used = ram ? q[1] : q[3];
    indent(w, depth);
    put(w, "<%s", ram ? "ram" : "caps");
    if (assigned && ram) {
        bytes(w, "assigned", given);
    } else if (assigned) {
        put(w, " assigned=\"%lu\"", given);
    }
    if (ram) {
        bytes(w, "quota", quota);
        bytes(w, "used", used);
        bytes(w, "avail", quota > used ? quota - used : 0);
    } else {
        put(w, " quota=\"%lu\" used=\"%lu\" avail=\"%lu\"", quota, used, quota > used ? quota - used : 0);
    }
    put(w, "/>");
}

static void session(struct writer *w, unsigned depth, const char *service, const char *label, bool open,
                    uint64_t ram)
{
    indent(w, depth);
    put(w, "<session");
    attr(w, "service", service);
    attr(w, "label", label);
    attr(w, "state", open ? "CAP_HANDED_OUT" : "CREATE_REQUESTED");
    bytes(w, "ram", ram);
    put(w, "/>");
}

/* The RAM a session's request donated: held by the session, or by the
 * request still waiting for the server. */
static uint64_t donated(const struct child *ch, unsigned slot)
{
    const struct child_session *s = &ch->sessions[slot];
    for (unsigned k = 0; !s->cap && k < MAX_PENDING; k++) {
        if (ch->requests[k].state != REQ_FREE && ch->requests[k].slot == slot) {
            return ch->requests[k].ram;
        }
    }
    return s->ram;
}

/* The sessions of ch, as its client: those init opened for it at core
 * (PD, CPU) and those it asked for. */
static void requested(struct writer *w, const struct child *ch)
{
    indent(w, 2);
    put(w, "<requested>");
    session(w, 3, PD_SERVICE, ch->name, true, ch->ram);
    session(w, 3, CPU_SERVICE, ch->name, true, CPU_RAM_QUOTA);
    for (unsigned i = 0; i < MAX_CHILD_SESSIONS; i++) {
        const struct child_session *s = &ch->sessions[i];
        if (s->used && s->service[0]) {
            session(w, 3, s->service, s->label, s->cap != CAP_NULL, donated(ch, i));
        }
    }
    indent(w, 2);
    put(w, "</requested>");
}

/* The sessions ch serves: its siblings' sessions routed to it. */
static void provided(struct writer *w, struct init *in, const struct child *ch)
{
    int index = (int)(ch - in->children);
    indent(w, 2);
    put(w, "<provided");
    size_t open = w->len;
    put(w, ">");
    for (unsigned c = 0; c < MAX_CHILDREN; c++) {
        const struct child *client = &in->children[c];
        for (unsigned i = 0; client->used && i < MAX_CHILD_SESSIONS; i++) {
            const struct child_session *s = &client->sessions[i];
            bool waiting = false;
            for (unsigned k = 0; s->used && !s->cap && k < MAX_PENDING; k++) {
                waiting |= client->requests[k].state != REQ_FREE && client->requests[k].slot == i &&
                           client->requests[k].server == index;
            }
            if (s->used && s->service[0] && ((s->cap && !s->local && s->server == index) || waiting)) {
                session(w, 3, s->service, s->label, s->cap != CAP_NULL, donated(client, i));
            }
        }
    }
    if (w->len == open + 1 && !w->full) {
        w->len = open; /* none: an empty node, as Genode writes it */
        put(w, "/>");
        return;
    }
    indent(w, 2);
    put(w, "</provided>");
}

static void child_node(struct writer *w, struct init *in, const struct child *ch)
{
    const struct state_report *r = &in->report;
    indent(w, 1);
    put(w, "<child");
    attr(w, "name", ch->name);
    attr(w, "binary", ch->binary);
    if (r->ids) {
        put(w, " id=\"%lu\"", ch->id);
    }
    /* beyond Genode's report: what Arbor accepted without acting on it */
    if (in->prio_levels) {
        put(w, " priority=\"%d\"", ch->priority);
    }
    if (ch->managing_system) {
        put(w, " managing_system=\"yes\"");
    }
    if (ch->restarts) {
        put(w, " restarts=\"%u\"", ch->restarts);
    }
    if (in->space_w * in->space_h > 1) {
        put(w, " affinity=\"%u,%u %ux%u\"", ch->aff_x, ch->aff_y, ch->aff_w, ch->aff_h);
    }
    if (ch->exited && ch->fault) {
        put(w, " faulted=\"%s\"/>", ch->fault); /* beyond Genode, whose init sees no faults */
        return;
    }
    if (ch->exited) {
        put(w, " exited=\"%ld\"/>", ch->exit_value); /* its PD, quota and sessions are gone */
        return;
    }
    if (!r->child_ram && !r->child_caps && !r->requested && !r->provided) {
        put(w, "/>");
        return;
    }
    put(w, ">");
    if (r->child_ram) {
        quota_node(w, 2, ch->pd, true, true, ch->ram);
    }
    if (r->child_caps) {
        quota_node(w, 2, ch->pd, false, true, ch->caps);
    }
    if (r->requested) {
        requested(w, ch);
    }
    if (r->provided) {
        provided(w, in, ch);
    }
    indent(w, 1);
    put(w, "</child>");
}

size_t state_report_write(struct init *in, char *out, size_t cap)
{
    struct writer w = {.p = out, .cap = cap};
    const struct state_report *r = &in->report;
    put(&w, "<state");
    if (r->version[0]) {
        attr(&w, "version", r->version);
    }
    put(&w, ">");
    if (r->init_ram) {
        quota_node(&w, 1, ENV_PD, true, false, 0);
    }
    if (r->init_caps) {
        quota_node(&w, 1, ENV_PD, false, false, 0);
    }
    for (unsigned i = 0; i < MAX_CHILDREN; i++) {
        if (in->children[i].used || in->children[i].exited) {
            child_node(&w, in, &in->children[i]);
        }
    }
    put(&w, "\n</state>\n");
    return w.full ? 0 : w.len;
}

/* A boolean attribute of <report>: yes/true/on or no/false/off. */
static bool flag(const struct xml_node *n, const char *name, bool *out)
{
    char v[8] = "no";
    if (xml_has_attr(n, name) && !xml_attr(n, name, v, sizeof(v))) {
        v[0] = 0;
    }
    *out = !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on");
    if (*out || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off")) {
        return true;
    }
    printf("config: line %u: <report %s=\"..\"> is not yes/true/on or no/false/off; taken as no\n",
           xml_line(n), name);
    return false;
}

static const char *const report_attrs[] = {"ids",       "requested",  "provided", "session_args",
                                           "child_ram", "child_caps", "init_ram", "init_caps",
                                           "delay_ms",  "buffer",     NULL};

void state_report_config(struct init *in, const struct xml_node *root)
{
    struct state_report *r = &in->report;
    struct xml_node n;
    bool args;
    r->version[0] = 0;
    xml_attr(root, "version", r->version, sizeof(r->version));
    r->wanted = xml_first_sub_of_type(root, "report", &n);
    if (!r->wanted || !state_report_signal(in)) {
        r->wanted = false;
        return;
    }
    config_check_attrs(&n, "report", report_attrs);
    flag(&n, "ids", &r->ids);
    flag(&n, "requested", &r->requested);
    flag(&n, "provided", &r->provided);
    flag(&n, "child_ram", &r->child_ram);
    flag(&n, "child_caps", &r->child_caps);
    flag(&n, "init_ram", &r->init_ram);
    flag(&n, "init_caps", &r->init_caps);
    flag(&n, "session_args", &args);
    if (args) {
        printf("config: line %u: <report session_args=\"yes\">: session arguments are not reported (not "
               "supported)\n",
               xml_line(&n));
    }
    r->delay_ms = 100;
    r->buffer = 4096;
    if ((xml_has_attr(&n, "delay_ms") && !xml_attr_u64(&n, "delay_ms", &r->delay_ms)) ||
        (xml_has_attr(&n, "buffer") && !xml_attr_u64(&n, "buffer", &r->buffer))) {
        printf("config: line %u: delay_ms or buffer of <report> is not a number; 100 and 4K taken\n",
               xml_line(&n));
        r->delay_ms = 100;
        r->buffer = 4096;
    }
    if (r->buffer > REPORT_BUFFER_SIZE) {
        printf(
            "config: line %u: <report buffer=\"%lu\">: the Report session holds at most %u bytes; %u taken\n",
            xml_line(&n), r->buffer, REPORT_BUFFER_SIZE, REPORT_BUFFER_SIZE);
        r->buffer = REPORT_BUFFER_SIZE;
    }
}
