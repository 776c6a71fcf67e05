/*
 * Configuration: reading and checking init's own config ROM, applying a
 * changed one (start what is new, stop what is gone, hand changed inner
 * <config> nodes to running children, leave the rest alone), and serving
 * each child's inner <config> as its "config" ROM.
 */
#include "init.h"

/* Our own copy of the config: the ROM's content (and the XML a HID
 * config became) goes away with the next update, but children's start
 * nodes point into the config. The copy is the XML text of the top-level
 * node after as many LFs as it had lines before it, so that its lines are
 * the lines of the text the user wrote. */
static bool copy_config(const struct xml_node *top, cap_t *ds, char **copy, uint64_t *len)
{
    const char *raw;
    size_t raw_len;
    uint64_t size;
    xml_raw(top, &raw, &raw_len);
    *len = raw_len + xml_line(top) - 1;
    if (pd_alloc(ENV_PD, *len, ds, &size, NULL)) {
        printf("config: no RAM for a copy of the config (%lu bytes)\n", *len);
        return false;
    }
    if (rt_attach(*ds, PD_ATTACH_WRITE, (void **)copy)) {
        pd_free(ENV_PD, *ds);
        rt_slot_free(*ds);
        return false;
    }
    memset(*copy, '\n', *len - raw_len);
    memcpy(*copy + *len - raw_len, raw, raw_len);
    return true;
}

static void drop_copy(cap_t ds, char *copy)
{
    pd_detach(ENV_PD, (uint64_t)copy);
    pd_free(ENV_PD, ds);
    rt_slot_free(ds);
}

/* Take the config rt_config (or rt_config_update) answered with st. */
static bool parse(struct init *in, uint64_t st, const struct xml_node *top, const struct xml_error *rom_err,
                  struct xml_node *root)
{
    struct xml_error err;
    struct xml_node sub;
    char *text;
    uint64_t len;
    cap_t ds;
    if (st == RPC_INVALID) {
        printf("config: %s\n", rom_err->msg);
        return false;
    }
    if (st) {
        printf("no config yet (%s): waiting for one\n", status_text(st));
        return false;
    }
    if (!copy_config(top, &ds, &text, &len)) {
        return false;
    }
    if (!config_parse(text, len, NULL, 0, root, &err)) { /* XML now: no scratch needed */
        printf("config: %s\n", err.msg);
        drop_copy(ds, text);
        return false;
    }
    in->prev_copy = in->config_copy; /* children point there until updated */
    in->prev_copy_ds = in->config_copy_ds;
    in->config_copy_ds = ds;
    in->config_copy = text;
    config_check_top(in, root);
    sched_config(in, root);
    bool has = xml_first_sub_of_type(root, "default-route", &sub);
    if (has && !route_check(&sub, &err)) {
        printf("config: %s; default route ignored\n", err.msg);
        has = false;
    }
    in->root = *root;
    state_report_config(in, root);
    in->has_default_route = has;
    if (has) {
        in->default_route = sub;
    }
    return true;
}

bool config_read(struct init *in)
{
    struct xml_node top, root;
    struct xml_error err;
    rt_config_sigh(in->config_note);
    return parse(in, rt_config(&top, &err), &top, &err, &root);
}

static struct xml_node *find_start(struct init *in, const char *name, struct xml_node *out)
{
    char n[64];
    for (bool ok = xml_first_sub_of_type(&in->root, "start", out); ok;
         ok = xml_next_of_type(out, "start", out)) {
        if (xml_attr(out, "name", n, sizeof(n)) && !strcmp(n, name)) {
            return out;
        }
    }
    return NULL;
}

static uint64_t hash(const char *p, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h = (h ^ (uint8_t)p[i]) * 1099511628211ull;
    }
    return h;
}

/* The text of the child's <config> node (an empty one if it has none). */
static void config_text(const struct xml_node *start, const char **text, size_t *len)
{
    struct xml_node cfg;
    *text = "<config/>";
    *len = 9;
    if (xml_first_sub_of_type(start, "config", &cfg)) {
        xml_raw(&cfg, text, len);
    }
}

/* A version of a child's config ROM is a dataspace in the child's RAM
 * (so the child pays for what it reads) and our read-only capability of
 * it (v.ds), in one of the child's version records: one for each config
 * session it may hold, the current one and the one being published. */
static void version_free(struct rom_version *v)
{
    struct config_version *cv = (struct config_version *)v;
    pd_free(cv->pd, cv->ds);
    rt_slot_free(cv->ds);
    rt_slot_free(cv->v.ds);
    cv->used = false;
}

/* Publish the child's current <config> text as a new version of its
 * config ROM, and signal its readers. */
static uint64_t publish(struct child *ch)
{
    const char *text;
    size_t len;
    uint64_t size, st;
    void *dst;
    unsigned i = 0;
    while (i < CONFIG_ROM_VERSIONS && ch->config_versions[i].used) {
        i++;
    }
    if (i == CONFIG_ROM_VERSIONS) {
        return RPC_OUT_OF_RAM; /* cannot happen: see CONFIG_ROM_VERSIONS */
    }
    struct config_version *cv = &ch->config_versions[i];
    config_text(&ch->start, &text, &len);
    if ((st = pd_alloc(ch->pd, len, &cv->ds, &size, NULL))) {
        return st;
    }
    if ((st = rt_attach(cv->ds, PD_ATTACH_WRITE, &dst)) || (st = pd_ds_readonly(ENV_PD, cv->ds, &cv->v.ds))) {
        pd_free(ch->pd, cv->ds);
        rt_slot_free(cv->ds);
        return st;
    }
    memcpy(dst, text, len);
    pd_detach(ENV_PD, (uint64_t)dst);
    cv->used = true;
    cv->pd = ch->pd;
    cv->v.size = len;
    cv->v.free = version_free;
    rom_module_publish(&ch->config_rom, &cv->v);
    ch->config_hash = hash(text, len);
    return RPC_OK;
}

/* A running child's <start> node changed (or stayed): a config ROM whose
 * text differs gets a new version. Until the child first asks for it,
 * there is nothing to update. */
static void update_child(struct child *ch, const struct xml_node *start)
{
    const char *text;
    size_t len;
    ch->start = *start;
    config_text(start, &text, &len);
    if (!ch->config_rom.current || hash(text, len) == ch->config_hash) {
        return;
    }
    if (publish(ch)) {
        printf("child \"%s\": cannot pass on its new config\n", ch->name);
    }
}

void config_reload(struct init *in)
{
    struct xml_node top, root, start;
    struct xml_error err;
    if (!parse(in, rt_config_update(&top, &err), &top, &err, &root)) {
        return; /* keep running what we have */
    }
    bool none = true;
    for (unsigned i = 0; i < MAX_CHILDREN; i++) {
        none &= !in->children[i].used;
    }
    if (none && !in->start_ram) { /* the first config: say and note our quota, as at start */
        uint64_t q[4];
        pd_quota(ENV_PD, &q[0], &q[1], &q[2], &q[3]);
        uint64_t avail = q[0] - q[1] > in->preserve_ram ? q[0] - q[1] - in->preserve_ram : 0;
        printf("%lu MiB RAM and %lu caps available for children\n", avail >> 20, q[2] - q[3]);
        in->start_ram = q[0] - q[1];
        in->start_caps = q[2] - q[3];
    }
    for (unsigned i = 0; i < MAX_CHILDREN; i++) {
        struct child *ch = &in->children[i];
        if (ch->exited) {
            /* An exited or faulted child stays, not started again, while
             * its <start> does; with it gone, its name may start anew. */
            if (find_start(in, ch->name, &start)) {
                ch->start = start;
            } else {
                ch->exited = false;
            }
            continue;
        }
        if (!ch->used) {
            continue;
        }
        if (find_start(in, ch->name, &start)) {
            update_child(ch, &start);
        } else {
            printf("child \"%s\" is no longer in the config: stopped\n", ch->name);
            child_destroy(in, ch);
        }
    }
    char name[64];
    for (bool ok = xml_first_sub_of_type(&in->root, "start", &start); ok;
         ok = xml_next_of_type(&start, "start", &start)) {
        bool running = false;
        name[0] = 0;
        xml_attr(&start, "name", name, sizeof(name));
        for (unsigned i = 0; i < MAX_CHILDREN; i++) {
            const struct child *c = &in->children[i];
            running |= (c->used || c->exited) && !strcmp(c->name, name);
        }
        if (!running) {
            init_launch(in, &start);
        }
    }
    if (in->prev_copy) {
        drop_copy(in->prev_copy_ds, in->prev_copy); /* nothing points there now */
        in->prev_copy = NULL;
    }
}

/* Whether the rules that apply to the child (its <route>, else the
 * <default-route>) have a <service name="ROM"> rule naming the label
 * "config" (label="config" or label_last="config"). */
static bool config_routed(struct init *in, const struct child *ch)
{
    struct xml_node route, rule;
    char name[16], label[16];
    if (!xml_first_sub_of_type(&ch->start, "route", &route)) {
        if (!in->has_default_route) {
            return false;
        }
        route = in->default_route;
    }
    for (bool ok = xml_first_sub_of_type(&route, "service", &rule); ok;
         ok = xml_next_of_type(&rule, "service", &rule)) {
        if (xml_attr(&rule, "name", name, sizeof(name)) && !strcmp(name, ROM_SERVICE) &&
            ((xml_attr(&rule, "label", label, sizeof(label)) && !strcmp(label, "config")) ||
             (xml_attr(&rule, "label_last", label, sizeof(label)) && !strcmp(label, "config")))) {
            return true;
        }
    }
    return false;
}

/* A child's config ROM is its inline <config>, as in Genode before any
 * route; without one, a rule naming ROM "config" (in its <route> or the
 * <default-route>) routes the request, and if there is none either the
 * child gets an empty <config/>. Each
 * session is a reader of the child's config module, named by the badge
 * of its capability. */
bool config_rom_open(struct init *in, struct child *ch, const char *service, const char *label, status_t *st,
                     cap_t *cap, uint64_t *id)
{
    struct xml_node inline_config;
    if (strcmp(service, ROM_SERVICE) || strcmp(label, "config") ||
        (!xml_first_sub_of_type(&ch->start, "config", &inline_config) && config_routed(in, ch))) {
        return false;
    }
    unsigned i = 0, index = (unsigned)(ch - in->children);
    while (i < MAX_CHILD_SESSIONS && ch->sessions[i].used) {
        i++;
    }
    unsigned readers = 0;
    for (unsigned k = 0; k < MAX_CHILD_SESSIONS; k++) {
        readers += ch->sessions[k].used && ch->sessions[k].local;
    }
    if (readers == CONFIG_ROM_SESSIONS) {
        printf("child \"%s\" asked for more than %u config ROM sessions: refused\n", ch->name,
               CONFIG_ROM_SESSIONS);
        *st = RPC_DENIED;
        return true;
    }
    struct child_session *s = &ch->sessions[i];
    *st = i == MAX_CHILD_SESSIONS ? RPC_OUT_OF_CAPS : RPC_OK;
    if (!*st && !ch->config_rom.current) {
        *st = publish(ch);
    }
    if (!*st) {
        s->cap = rt_slot_alloc();
        *st = sys_cap_mint(in->entry.ep, CAP_NULL, s->cap, RIGHT_WRITE | RIGHT_GRANT, ROM_BADGE(index, i))
                  ? RPC_OUT_OF_CAPS
                  : RPC_OK;
    }
    if (*st) {
        return true;
    }
    s->used = s->local = true;
    s->server = -1;
    snprintf(s->service, sizeof(s->service), "%s", ROM_SERVICE);
    snprintf(s->label, sizeof(s->label), "%s -> config", ch->name);
    s->ram = s->caps = 0;
    rom_reader_attach(&s->config_reader, &ch->config_rom);
    *cap = s->cap;
    *id = i;
    return true;
}

void config_rom_request(struct init *in, uint64_t badge, struct rt_call *call)
{
    unsigned index = ROM_BADGE_CHILD(badge), i = ROM_BADGE_SESSION(badge);
    struct child *ch = index < MAX_CHILDREN && in->children[index].used ? &in->children[index] : NULL;
    struct child_session *s = ch && i < MAX_CHILD_SESSIONS ? &ch->sessions[i] : NULL;
    if (!s || !s->used || !s->local) {
        call->m->info = MSGINFO(RPC_INVALID, 0, 0); /* revoked before: cannot happen */
        return;
    }
    rom_dispatch(&rom_reader_ops, &s->config_reader, call);
}

void config_rom_close(struct child_session *s)
{
    rom_reader_close(&s->config_reader);
}

void config_child_gone(struct child *ch)
{
    for (unsigned i = 0; i < MAX_CHILD_SESSIONS; i++) {
        rom_reader_close(&ch->sessions[i].config_reader); /* nothing if not one */
    }
    rom_module_retire(&ch->config_rom); /* its memory goes too: in the child's PD */
}

bool config_lists_service(const struct xml_node *node, const char *list, const char *service)
{
    struct xml_node l, svc;
    if (!xml_first_sub_of_type(node, list, &l)) {
        return false;
    }
    for (bool ok = xml_first_sub_of_type(&l, "service", &svc); ok;
         ok = xml_next_of_type(&svc, "service", &svc)) {
        char name[32];
        if (xml_attr(&svc, "name", name, sizeof(name)) && !strcmp(name, service)) {
            return true;
        }
    }
    return false;
}
