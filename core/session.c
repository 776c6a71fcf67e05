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

/* What a session of this service costs core; it must be donated. */
static bool minimum(const char *service, uint64_t *ram, uint64_t *caps)
{
    static const struct {
        const char *name;
        uint64_t ram, caps;
    } cost[] = {
        {LOG_SERVICE, LOG_RAM_QUOTA, LOG_CAP_QUOTA},   {ROM_SERVICE, ROM_RAM_QUOTA, ROM_CAP_QUOTA},
        {CPU_SERVICE, CPU_RAM_QUOTA, CPU_CAP_QUOTA},   {IO_MEM_SERVICE, IO_RAM_QUOTA, IO_CAP_QUOTA},
        {IO_PORT_SERVICE, IO_RAM_QUOTA, IO_CAP_QUOTA}, {IRQ_SERVICE, IO_RAM_QUOTA, IO_CAP_QUOTA},
        {PD_SERVICE, PD_SESSION_RAM, PD_SESSION_CAPS}, {RM_SERVICE, RM_RAM_QUOTA, RM_CAP_QUOTA},
    };
    for (unsigned i = 0; i < sizeof(cost) / sizeof(cost[0]); i++) {
        if (!strcmp(service, cost[i].name)) {
            *ram = cost[i].ram;
            *caps = cost[i].caps;
            return true;
        }
    }
    return false;
}

static uint64_t create(struct core *c, struct session *s, const char *service, const char *args,
                       uint64_t *need)
{
    uint64_t ram, caps;
    if (!minimum(service, &ram, &caps)) {
        return RPC_UNAVAILABLE;
    }
    if (s->ram < ram || s->caps < caps) {
        *need = s->ram < ram ? ram : caps;
        return s->ram < ram ? RPC_INSUFFICIENT_RAM : RPC_INSUFFICIENT_CAPS;
    }
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
        uint64_t prio = args_u64(args, "priority", CPU_PRIO_MAX);
        s->prio_max = (unsigned)(prio < CPU_PRIO_MAX ? prio : CPU_PRIO_MAX);
        return RPC_OK;
    }
    if (!strcmp(service, PD_SERVICE)) {
        s->type = S_PD;
        return pd_session_create(c, s, s->payer);
    }
    if (!strcmp(service, RM_SERVICE)) {
        s->type = S_RM;
        return rm_session_create(c, s, args);
    }
    if (!strcmp(service, IO_MEM_SERVICE) || !strcmp(service, IO_PORT_SERVICE) ||
        !strcmp(service, IRQ_SERVICE)) {
        s->type = !strcmp(service, IO_MEM_SERVICE)    ? S_IO_MEM
                  : !strcmp(service, IO_PORT_SERVICE) ? S_IO_PORT
                                                      : S_IRQ;
        return io_session_create(c, s, args);
    }
    return RPC_UNAVAILABLE;
}

static void open_session(struct core *c, struct request *r)
{
    char service[32], args[RPC_STRING_MAX + 1], label[160];
    unsigned len = MSGINFO_LEN(r->m->info);
    unsigned w = rpc_get_string(r->u, 8, len, service, sizeof(service));
    if (!w || !rpc_get_string(r->u, w, len, args, sizeof(args))) {
        reply_status(r, RPC_INVALID, 0);
        return;
    }
    unsigned sid = 0;
    while (sid < MAX_SESSIONS && c->sessions[sid].type != S_NONE) {
        sid++;
    }
    struct account *payer = &c->sessions[c->init_pd].pd.acct;
    uint64_t ram = args_u64(args, "ram_quota", 0), caps = args_u64(args, "cap_quota", 0);
    bool caps_short = payer->cap_quota - payer->cap_used < caps;
    if (sid == MAX_SESSIONS || !account_take(payer, ram, caps)) {
        printf("[core] session \"%s\" (%s): init has %lu KiB RAM and %lu caps left, the request donates "
               "%lu KiB and %lu caps\n",
               service, args, (payer->ram_quota - payer->ram_used) >> 10, payer->cap_quota - payer->cap_used,
               ram >> 10, caps);
        r->m->w[0] = ram;
        reply_status(r, sid == MAX_SESSIONS || caps_short ? RPC_OUT_OF_CAPS : RPC_OUT_OF_RAM, 1);
        return;
    }
    struct session *s = &c->sessions[sid];
    memset(s, 0, sizeof(*s));
    s->payer = c->init_pd;
    s->ram = s->donated_ram = ram;
    s->caps = s->donated_caps = caps;
    label[0] = 0;
    args_value(args, "label", label, sizeof(label));
    snprintf(s->label, sizeof(s->label), label[0] ? "init -> %s" : "init", label);
    uint64_t need = 0, st = create(c, s, service, args, &need);
    s->cap = st == RPC_OK ? badged_cap(c, BADGE(B_SESSION, sid)) : CAP_NULL;
    if (st == RPC_OK && !s->cap) {
        st = RPC_OUT_OF_CAPS;
    }
    if (st != RPC_OK) {
        if (s->type == S_PD && s->pd.pd.cap) {
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
        struct account *payer = &c->sessions[s->payer].pd.acct;
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
        struct account *payer = &c->sessions[c->init_pd].pd.acct;
        if (m->w[0] >= MAX_SESSIONS || s->type == S_NONE || !account_take(payer, m->w[1], m->w[2])) {
            reply_status(r, m->w[0] >= MAX_SESSIONS || s->type == S_NONE ? RPC_INVALID : RPC_OUT_OF_RAM, 0);
            return;
        }
        s->ram += m->w[1];
        s->caps += m->w[2];
        s->donated_ram += m->w[1];
        s->donated_caps += m->w[2];
        if (s->type == S_PD) {
            s->pd.acct.ram_quota += m->w[1];
            s->pd.acct.cap_quota += m->w[2];
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
