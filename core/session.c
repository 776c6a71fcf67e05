/*
 * Sessions at core: the session table, the argument strings of session
 * requests, and the parent interface core offers its only child, init.
 * Every session request names its quota; core takes it from init's
 * account and returns it when the session closes.
 */
#include "core.h"
#include <session/rm.h>

cap_t badged_cap(struct core *c, uint64_t badge)
{
    cap_t slot = slot_alloc(c);
    if (slot && sys_cap_mint(c->ep, BI_CAP_PD, slot, RIGHT_WRITE | RIGHT_GRANT, badge)) {
        slot_free(c, slot);
        slot = CAP_NULL;
    }
    return slot;
}

struct session *session_get(struct core *c, uint64_t badge, unsigned type)
{
    unsigned id = BADGE_ID(badge);
    if (BADGE_KIND(badge) != B_SESSION || id >= MAX_SESSIONS || c->sessions[id].type != type) {
        return NULL;
    }
    return &c->sessions[id];
}

void reply_status(struct request *r, uint64_t status, unsigned words)
{
    r->m->info = MSGINFO(status, words, 0);
}

/* What a session of each service costs core (it must be donated) and
 * the arguments it takes. */
#define COMMON_KEYS "label", "ram_quota", "cap_quota"
static const struct service_info {
    const char *name;
    uint64_t ram, caps;
    const char *const keys[7];
} services[] = {
    {LOG_SERVICE, LOG_RAM_QUOTA, LOG_CAP_QUOTA, {COMMON_KEYS, NULL}},
    {ROM_SERVICE, ROM_RAM_QUOTA, ROM_CAP_QUOTA, {COMMON_KEYS, NULL}},
    {CPU_SERVICE, CPU_RAM_QUOTA, CPU_CAP_QUOTA, {COMMON_KEYS, "priority", NULL}},
    {IO_MEM_SERVICE, IO_RAM_QUOTA, IO_CAP_QUOTA, {COMMON_KEYS, "base", "size", NULL}},
    {IO_PORT_SERVICE, IO_RAM_QUOTA, IO_CAP_QUOTA, {COMMON_KEYS, "base", "size", NULL}},
    {IRQ_SERVICE, IO_RAM_QUOTA, IO_CAP_QUOTA, {COMMON_KEYS, "irq", NULL}},
    {PD_SERVICE, PD_SESSION_RAM, PD_SESSION_CAPS, {COMMON_KEYS, NULL}},
    {RM_SERVICE, RM_RAM_QUOTA, RM_CAP_QUOTA, {COMMON_KEYS, "size", NULL}},
};

static const struct service_info *service_of(const char *name)
{
    for (unsigned i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
        if (!strcmp(name, services[i].name)) {
            return &services[i];
        }
    }
    return NULL;
}

static uint64_t create(struct core *c, struct session *s, const struct service_info *svc,
                       const struct args *a, uint64_t *need)
{
    if (s->ram < svc->ram || s->caps < svc->caps) {
        *need = s->ram < svc->ram ? svc->ram : svc->caps;
        return s->ram < svc->ram ? RPC_INSUFFICIENT_RAM : RPC_INSUFFICIENT_CAPS;
    }
    const char *service = svc->name;
    if (!strcmp(service, LOG_SERVICE)) {
        s->type = S_LOG;
        return RPC_OK;
    }
    if (!strcmp(service, ROM_SERVICE)) {
        s->type = S_ROM;
        return rom_session_create(c, s);
    }
    if (!strcmp(service, CPU_SERVICE)) {
        s->type = S_CPU;
        uint64_t prio;
        if (!args_get_u64(a, "priority", CPU_PRIO_MAX, &prio)) {
            return RPC_INVALID;
        }
        s->prio_max = (unsigned)(prio < CPU_PRIO_MAX ? prio : CPU_PRIO_MAX);
        return RPC_OK;
    }
    if (!strcmp(service, PD_SERVICE)) {
        s->type = S_PD;
        return pd_session_create(c, s, s->payer);
    }
    if (!strcmp(service, RM_SERVICE)) {
        s->type = S_RM;
        return rm_session_create(c, s, a);
    }
    s->type = !strcmp(service, IO_MEM_SERVICE)    ? S_IO_MEM
              : !strcmp(service, IO_PORT_SERVICE) ? S_IO_PORT
                                                  : S_IRQ;
    return io_session_create(c, s, a);
}

/* The arguments of a request, strictly: false (logged) if malformed,
 * with keys the service does not know or with quota that is no number. */
static bool request_args(const struct service_info *svc, const char *text, struct args *a, uint64_t *ram,
                         uint64_t *caps)
{
    const char *why = NULL, *bad = NULL, *label;
    if (!args_parse(text, a, &why)) {
        printf("[core] session \"%s\" refused: malformed arguments (%s)\n", svc->name, why);
        return false;
    }
    label = args_get(a, "label") ? args_get(a, "label") : "";
    if (!args_only(a, svc->keys, &bad)) {
        printf("[core] session \"%s\" for \"init -> %s\" refused: unknown argument \"%s\"\n", svc->name,
               label, bad);
        return false;
    }
    if (!args_get_u64(a, "ram_quota", 0, ram) || !args_get_u64(a, "cap_quota", 0, caps)) {
        printf("[core] session \"%s\" for \"init -> %s\" refused: ram_quota or cap_quota is not a number "
               "(decimal with K, M or G, or 0x hexadecimal, within 64 bits)\n",
               svc->name, label);
        return false;
    }
    return true;
}

static void open_session(struct core *c, struct request *r)
{
    char service[32], text[RPC_STRING_MAX + 1];
    struct args args;
    uint64_t ram, caps;
    unsigned len = MSGINFO_LEN(r->m->info);
    unsigned w = rpc_get_string(r->u, 8, len, service, sizeof(service));
    if (!w || !rpc_get_string(r->u, w, len, text, sizeof(text))) {
        reply_status(r, RPC_INVALID, 0);
        return;
    }
    const struct service_info *svc = service_of(service);
    if (!svc) {
        reply_status(r, RPC_UNAVAILABLE, 0);
        return;
    }
    if (!request_args(svc, text, &args, &ram, &caps)) {
        reply_status(r, RPC_INVALID, 0);
        return;
    }
    unsigned sid = 0;
    while (sid < MAX_SESSIONS && c->sessions[sid].type != S_NONE) {
        sid++;
    }
    struct account *payer = &c->sessions[c->init_pd].pd->acct;
    bool caps_short = payer->cap_quota - payer->cap_used < caps;
    if (sid == MAX_SESSIONS || !account_take(payer, ram, caps)) {
        printf("[core] session \"%s\" for \"init -> %s\": init has %lu KiB RAM and %lu caps left, the "
               "request donates "
               "%lu KiB and %lu caps\n",
               service, args_get(&args, "label") ? args_get(&args, "label") : "",
               (payer->ram_quota - payer->ram_used) >> 10, payer->cap_quota - payer->cap_used, ram >> 10,
               caps);
        r->m->w[0] = ram;
        reply_status(r, sid == MAX_SESSIONS || caps_short ? RPC_OUT_OF_CAPS : RPC_OUT_OF_RAM, 1);
        return;
    }
    struct session *s = &c->sessions[sid];
    memset(s, 0, sizeof(*s));
    s->payer = c->init_pd;
    s->ram = s->donated_ram = ram;
    s->caps = s->donated_caps = caps;
    const char *label = args_get(&args, "label");
    snprintf(s->label, sizeof(s->label), label && label[0] ? "init -> %s" : "init", label ? label : "");
    uint64_t need = 0, st = create(c, s, svc, &args, &need);
    s->cap = st == RPC_OK ? badged_cap(c, BADGE(B_SESSION, sid)) : CAP_NULL;
    if (st == RPC_OK && !s->cap) {
        st = RPC_OUT_OF_CAPS;
    }
    if (st != RPC_OK) {
        if (s->type == S_PD) {
            pd_session_destroy(c, s);
        }
        if (s->type == S_IO_MEM || s->type == S_IO_PORT || s->type == S_IRQ) {
            io_session_destroy(c, s);
        }
        if (s->type == S_RM) {
            rm_session_destroy(c, s);
        }
        s->type = S_NONE;
        account_give(payer, ram, caps);
        if (st == RPC_INSUFFICIENT_RAM) {
            printf("[core] session \"%s\" for \"%s\": %lu KiB RAM donated, %lu KiB needed\n", service,
                   s->label, ram >> 10, need >> 10);
        } else if (st == RPC_INSUFFICIENT_CAPS) {
            printf("[core] session \"%s\" for \"%s\": %lu caps donated, %lu needed\n", service, s->label,
                   caps, need);
        }
        r->m->w[0] = need;
        reply_status(r, st, 1);
        return;
    }
    r->u->send_caps[0] = s->cap;
    r->m->w[0] = sid;
    r->m->info = MSGINFO(RPC_OK, 1, 1);
}

void session_close(struct core *c, unsigned sid, uint64_t *ram, uint64_t *caps)
{
    *ram = *caps = 0;
    if (sid >= MAX_SESSIONS || c->sessions[sid].type == S_NONE) {
        return;
    }
    struct session *s = &c->sessions[sid];
    *ram = s->ram;
    *caps = s->caps;
    if (s->type == S_PD) {
        pd_session_destroy(c, s);
    }
    if (s->type == S_IO_MEM || s->type == S_IO_PORT || s->type == S_IRQ) {
        io_session_destroy(c, s);
    }
    if (s->type == S_RM) {
        rm_session_destroy(c, s);
    }
    if (s->cap) {
        sys_cap_revoke(s->cap);
        sys_cap_delete(s->cap);
        slot_free(c, s->cap);
    }
    if (s->payer < MAX_SESSIONS && c->sessions[s->payer].type == S_PD) {
        /* The donation comes back as unused quota; what the session gained
         * or lost by transfers since is added to or taken from the quota. */
        struct account *payer = &c->sessions[s->payer].pd->acct;
        account_give(payer, s->donated_ram, s->donated_caps);
        payer->ram_quota += s->ram - s->donated_ram;
        payer->cap_quota += s->caps - s->donated_caps;
    }
    s->type = S_NONE;
}

void parent_dispatch(struct core *c, struct request *r)
{
    struct msg *m = r->m;
    switch (MSGINFO_LABEL(m->info)) {
    case PARENT_SESSION:
        open_session(c, r);
        return;
    case PARENT_CLOSE:
        if (m->w[0] == c->init_pd || m->w[0] == c->init_cpu) {
            reply_status(r, RPC_DENIED, 0);
            return;
        }
        session_close(c, (unsigned)(m->w[0] < MAX_SESSIONS ? m->w[0] : MAX_SESSIONS), &m->w[0], &m->w[1]);
        reply_status(r, RPC_OK, 2);
        return;
    case PARENT_UPGRADE: {
        unsigned sid = (unsigned)(m->w[0] < MAX_SESSIONS ? m->w[0] : 0);
        struct session *s = &c->sessions[sid];
        struct account *payer = &c->sessions[c->init_pd].pd->acct;
        if (m->w[0] >= MAX_SESSIONS || s->type == S_NONE || !account_take(payer, m->w[1], m->w[2])) {
            reply_status(r, m->w[0] >= MAX_SESSIONS || s->type == S_NONE ? RPC_INVALID : RPC_OUT_OF_RAM, 0);
            return;
        }
        s->ram += m->w[1];
        s->caps += m->w[2];
        s->donated_ram += m->w[1];
        s->donated_caps += m->w[2];
        if (s->type == S_PD) {
            s->pd->acct.ram_quota += m->w[1];
            s->pd->acct.cap_quota += m->w[2];
        }
        reply_status(r, RPC_OK, 0);
        return;
    }
    case PARENT_EXIT:
        printf("[core] init exited with exit value %ld\n", (int64_t)m->w[0]);
        r->reply = false;
        return;
    default:
        reply_status(r, RPC_INVALID, 0);
        return;
    }
}
