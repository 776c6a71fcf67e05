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
    {CPU_SERVICE, CPU_RAM_QUOTA, CPU_CAP_QUOTA, {COMMON_KEYS, "priority", "affinity", NULL}},
    {IO_MEM_SERVICE, IO_RAM_QUOTA, IO_CAP_QUOTA, {COMMON_KEYS, "base", "size", NULL}},
    {IO_PORT_SERVICE, IO_RAM_QUOTA, IO_CAP_QUOTA, {COMMON_KEYS, "base", "size", NULL}},
    {IRQ_SERVICE, IO_RAM_QUOTA, IO_CAP_QUOTA, {COMMON_KEYS, "irq", NULL}},
    {CONSOLE_SERVICE, IO_RAM_QUOTA, IO_CAP_QUOTA, {COMMON_KEYS, NULL}},
    {PD_SERVICE, PD_RAM_QUOTA, PD_CAP_QUOTA, {COMMON_KEYS, NULL}},
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
        uint64_t prio; /* virtual, 0 highest: scaled onto the kernel's range below init's */
        if (!args_get_u64(a, "priority", 0, &prio)) {
            return RPC_INVALID;
        }
        prio = prio < CPU_PRIO_VIRTUAL_LIMIT ? prio : CPU_PRIO_VIRTUAL_LIMIT - 1;
        s->prio_max =
            (unsigned)(CPU_PRIO_SESSION_TOP - prio * (CPU_PRIO_SESSION_TOP + 1) / CPU_PRIO_VIRTUAL_LIMIT);
        return cpu_session_affinity(c, s, args_get(a, "affinity"));
    }
    if (!strcmp(service, PD_SERVICE)) {
        s->type = S_PD;
        return pd_session_create(c, s, s->payer);
    }
    if (!strcmp(service, RM_SERVICE)) {
        s->type = S_RM;
        return rm_session_create(c, s, a);
    }
    if (!strcmp(service, CONSOLE_SERVICE)) {
        s->type = S_IO_PORT; /* over COM1's ports; served like IO_PORT */
        return io_console_create(c, s);
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

/* The parent interface's open_session: init asks core for a session. */
static status_t open_op(void *core, struct rt_call *call, const char *service, const char *text, cap_t note,
                        cap_t *session_cap, uint64_t *id, uint64_t *detail)
{
    struct core *c = core;
    struct args args;
    uint64_t ram, caps;
    const struct service_info *svc = service_of(service);
    if (!svc) {
        return RPC_UNAVAILABLE;
    }
    if (!request_args(svc, text, &args, &ram, &caps)) {
        return RPC_INVALID;
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
        *detail = ram;
        return sid == MAX_SESSIONS || caps_short ? RPC_OUT_OF_CAPS : RPC_OUT_OF_RAM;
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
        *detail = need;
        return st;
    }
    *session_cap = s->cap;
    *id = sid;
    return RPC_OK;
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

static status_t close_op(void *core, struct rt_call *call, uint64_t id, uint64_t *ram, uint64_t *caps)
{
    struct core *c = core;
    if (id == c->init_pd || id == c->init_cpu) {
        return RPC_DENIED;
    }
    session_close(c, (unsigned)(id < MAX_SESSIONS ? id : MAX_SESSIONS), ram, caps);
    return RPC_OK;
}

static status_t upgrade_op(void *core, struct rt_call *call, uint64_t id, uint64_t ram, uint64_t caps)
{
    struct core *c = core;
    struct session *s = &c->sessions[id < MAX_SESSIONS ? id : 0];
    struct account *payer = &c->sessions[c->init_pd].pd->acct;
    if (id >= MAX_SESSIONS || s->type == S_NONE) {
        return RPC_INVALID;
    }
    if (!account_take(payer, ram, caps)) {
        return RPC_OUT_OF_RAM;
    }
    s->ram += ram;
    s->caps += caps;
    s->donated_ram += ram;
    s->donated_caps += caps;
    if (s->type == S_PD) {
        s->pd->acct.ram_quota += ram;
        s->pd->acct.cap_quota += caps;
    }
    return RPC_OK;
}

/* init is done: it is not answered, and core has nothing left to do. */
static status_t exit_op(void *core, struct rt_call *call, uint64_t value)
{
    printf("[core] init exited with exit value %ld\\n", (int64_t)value);
    return RPC_DEFERRED;
}

/* The parent interface core offers init; what only a parent with
 * children that serve (init) does is refused. */
const struct parent_ops parent_at_core = {
    .open_session = open_op, .upgrade = upgrade_op, .close = close_op, .exit = exit_op};
