/*
 * Component runtime: slot allocation, the RPC call helper, the parent
 * interface and the client stubs of core's sessions (rt/component.h).
 */
#include <rt/component.h>
#include <rt/args.h>
#include <rt/xml.h>
#include <rt/hid.h>

#define SLOT_LIMIT 1024 /* a component's cap space (core: COMPONENT_SLOT_BITS) */

/* Which slots from ENV_FIRST_FREE on are taken: one bit each, so every
 * slot freed can be had again. */
static uint64_t slots_taken[SLOT_LIMIT / 64];

cap_t rt_slot_alloc(void)
{
    for (cap_t slot = ENV_FIRST_FREE; slot < SLOT_LIMIT; slot++) {
        uint64_t bit = 1ull << (slot % 64);
        if (slots_taken[slot / 64] == ~0ull) {
            slot |= 63; /* a full word: on to the next */
            continue;
        }
        if (!(slots_taken[slot / 64] & bit)) {
            slots_taken[slot / 64] |= bit;
            return slot;
        }
    }
    return CAP_NULL;
}

void rt_slot_free(cap_t slot)
{
    sys_cap_delete(slot);
    if (slot >= ENV_FIRST_FREE && slot < SLOT_LIMIT) {
        slots_taken[slot / 64] &= ~(1ull << (slot % 64));
    }
}

uint64_t rpc_call(cap_t target, struct msg *m, cap_t *cap)
{
    struct arbor_utcb *u = rt_utcb();
    cap_t slot = cap ? rt_slot_alloc() : CAP_NULL;
    u->rcv_base = slot;
    u->rcv_count = slot ? 1 : 0;
    if (sys_call(target, m)) {
        if (slot) {
            rt_slot_free(slot);
        }
        return RPC_INVALID;
    }
    uint64_t st = MSGINFO_LABEL(m->info);
    if (cap) {
        if (st == RPC_OK && MSGINFO_CAPS(m->info) == 1) {
            *cap = slot;
        } else {
            rt_slot_free(slot);
            *cap = CAP_NULL;
            st = st == RPC_OK ? RPC_INVALID : st;
        }
    }
    return st;
}

/* The notification a parent signals when a pending request is answered. */
static cap_t pending_note(void)
{
    static cap_t note;
    if (!note && pd_client_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note)) {
        note = CAP_NULL;
    }
    return note;
}

uint64_t parent_session_start(const char *service, const char *args, cap_t note, cap_t *session, uint64_t *id)
{
    struct arbor_utcb *u = rt_utcb();
    unsigned w = rpc_put_string(u, 8, service);
    unsigned end = w ? rpc_put_string(u, w, args) : 0;
    if (!end) {
        *session = CAP_NULL;
        *id = 0;
        return RPC_INVALID;
    }
    u->send_caps[0] = note;
    struct msg m = {.info = MSGINFO(PARENT_SESSION, end, note ? 1 : 0)};
    uint64_t st = rpc_call(ENV_PARENT, &m, session);
    *id = m.w[0];
    return st;
}

uint64_t parent_session_collect(uint64_t request, cap_t *session, uint64_t *id)
{
    struct msg m = {.info = MSGINFO(PARENT_SESSION_RESULT, 1, 0), .w = {request}};
    uint64_t st = rpc_call(ENV_PARENT, &m, session);
    *id = m.w[0];
    return st;
}

/* Ask once and wait for the answer, however long the server takes. */
static uint64_t session_once(const char *service, const char *args, cap_t *session, uint64_t *id,
                             uint64_t *needed)
{
    cap_t note = pending_note();
    uint64_t bits, st = parent_session_start(service, args, note, session, id);
    while (st == RPC_PENDING) {
        if (sys_wait(note, &bits)) {
            return RPC_INVALID;
        }
        st = parent_session_collect(*id, session, id);
    }
    *needed = *id;
    return st;
}

uint64_t parent_session(const char *service, const char *args, cap_t *session, uint64_t *id)
{
    uint64_t needed, st = session_once(service, args, session, id, &needed);
    struct args a;
    char more[RPC_STRING_MAX + 1];
    /* The server named its price: pay it, once for RAM and once for caps. */
    for (unsigned i = 0; i < 2 && (st == RPC_INSUFFICIENT_RAM || st == RPC_INSUFFICIENT_CAPS); i++) {
        const char *key = st == RPC_INSUFFICIENT_RAM ? "ram_quota" : "cap_quota";
        if (!needed || needed > (16u << 20) || !args_parse(args, &a, NULL) || !args_set_u64(&a, key, needed) ||
            !args_format(&a, more, sizeof(more))) {
            break;
        }
        args = more;
        st = session_once(service, args, session, id, &needed);
    }
    return st;
}

uint64_t parent_session_exact(const char *service, const char *args, cap_t *session, uint64_t *id)
{
    uint64_t needed;
    return session_once(service, args, session, id, &needed);
}

uint64_t parent_resource_request(uint64_t ram, uint64_t caps)
{
    struct msg m = {.info = MSGINFO(PARENT_RESOURCE_REQUEST, 2, 0), .w = {ram, caps}};
    return rpc_call(ENV_PARENT, &m, NULL);
}

uint64_t parent_upgrade(uint64_t id, uint64_t ram, uint64_t caps)
{
    struct msg m = {.info = MSGINFO(PARENT_UPGRADE, 3, 0), .w = {id, ram, caps}};
    return rpc_call(ENV_PARENT, &m, NULL);
}

uint64_t parent_close(uint64_t id, uint64_t *ram, uint64_t *caps)
{
    struct msg m = {.info = MSGINFO(PARENT_CLOSE, 1, 0), .w = {id}};
    uint64_t st = rpc_call(ENV_PARENT, &m, NULL);
    if (ram) {
        *ram = st == RPC_OK ? m.w[0] : 0;
    }
    if (caps) {
        *caps = st == RPC_OK ? m.w[1] : 0;
    }
    return st;
}

static uint64_t call_with_cap(cap_t target, uint64_t op, cap_t pass, struct msg *m, unsigned words)
{
    rt_utcb()->send_caps[0] = pass;
    m->info = MSGINFO(op, words, 1);
    return rpc_call(target, m, NULL);
}

uint64_t pd_client_alloc(cap_t pd, uint64_t bytes, cap_t *ds, uint64_t *size)
{
    struct msg m = {.info = MSGINFO(PD_ALLOC, 1, 0), .w = {bytes}};
    uint64_t st = rpc_call(pd, &m, ds);
    *size = st == RPC_OK || st == RPC_OUT_OF_RAM || st == RPC_OUT_OF_CAPS ? m.w[0] : 0;
    return st;
}

uint64_t pd_client_free(cap_t pd, cap_t ds)
{
    struct msg m;
    uint64_t st = call_with_cap(pd, PD_FREE, ds, &m, 0);
    if (st == RPC_OK) {
        rt_slot_free(ds);
    }
    return st;
}

uint64_t pd_client_attach(cap_t pd, cap_t ds, uint64_t addr, unsigned flags, uint64_t *at)
{
    struct msg m = {.w = {addr, flags}};
    uint64_t st = call_with_cap(pd, PD_ATTACH, ds, &m, 2);
    *at = m.w[0];
    return st;
}

uint64_t pd_client_detach(cap_t pd, uint64_t at)
{
    struct msg m = {.info = MSGINFO(PD_DETACH, 1, 0), .w = {at}};
    return rpc_call(pd, &m, NULL);
}

uint64_t pd_client_quota(cap_t pd, uint64_t q[4])
{
    struct msg m = {.info = MSGINFO(PD_QUOTA, 0, 0)};
    uint64_t st = rpc_call(pd, &m, NULL);
    for (unsigned i = 0; i < 4; i++) {
        q[i] = m.w[i];
    }
    return st;
}

uint64_t pd_client_env(cap_t pd, cap_t parent, cap_t cpu, cap_t thread)
{
    struct arbor_utcb *u = rt_utcb();
    u->send_caps[0] = parent;
    u->send_caps[1] = cpu;
    u->send_caps[2] = thread;
    struct msg m = {.info = MSGINFO(PD_ENV, 0, 3)};
    return rpc_call(pd, &m, NULL);
}

uint64_t pd_client_alloc_obj(cap_t pd, unsigned type, cap_t *obj)
{
    struct msg m = {.info = MSGINFO(PD_ALLOC_OBJ, 1, 0), .w = {type}};
    return rpc_call(pd, &m, obj);
}

uint64_t pd_client_transfer(cap_t from, cap_t to, uint64_t ram, uint64_t caps)
{
    struct msg m = {.w = {ram, caps}};
    return call_with_cap(from, PD_TRANSFER, to, &m, 2);
}

uint64_t cpu_client_bind(cap_t thread, cap_t notification)
{
    struct msg m;
    return call_with_cap(thread, CPU_BIND, notification, &m, 0);
}

uint64_t pd_client_fault_handler(cap_t pd, cap_t notification)
{
    struct msg m;
    return call_with_cap(pd, PD_FAULT_HANDLER, notification, &m, 0);
}

uint64_t pd_client_fault_info(cap_t pd, uint64_t info[4])
{
    struct msg m = {.info = MSGINFO(PD_FAULT_INFO, 0, 0)};
    uint64_t st = rpc_call(pd, &m, NULL);
    for (unsigned i = 0; i < 4; i++) {
        info[i] = m.w[i];
    }
    return st;
}

uint64_t rom_client_dataspace(cap_t rom, cap_t *ds, uint64_t *size)
{
    struct msg m = {.info = MSGINFO(ROM_DATASPACE, 0, 0)};
    uint64_t st = rpc_call(rom, &m, ds);
    *size = m.w[0];
    return st;
}

uint64_t rom_client_sigh(cap_t rom, cap_t notification)
{
    struct msg m;
    return call_with_cap(rom, ROM_SIGH, notification, &m, 0);
}

uint64_t pd_client_ds_readonly(cap_t pd, cap_t ds, cap_t *ro)
{
    rt_utcb()->send_caps[0] = ds;
    struct msg m = {.info = MSGINFO(PD_DS_READONLY, 0, 1)};
    return rpc_call(pd, &m, ro);
}

uint64_t cpu_client_create_thread_prio(cap_t cpu, cap_t pd, uint64_t utcb, unsigned *prio, cap_t *thread)
{
    struct arbor_utcb *u = rt_utcb();
    u->send_caps[0] = pd;
    struct msg m = {.info = MSGINFO(CPU_CREATE_THREAD, 2, 1), .w = {utcb, *prio}};
    uint64_t st = rpc_call(cpu, &m, thread);
    *prio = st == RPC_OK ? (unsigned)m.w[0] : 0;
    return st;
}

uint64_t cpu_client_create_thread(cap_t cpu, cap_t pd, uint64_t utcb, unsigned prio, cap_t *thread)
{
    return cpu_client_create_thread_prio(cpu, pd, utcb, &prio, thread);
}

uint64_t cpu_client_start(cap_t thread, uint64_t ip, uint64_t sp, uint64_t arg)
{
    struct msg m = {.info = MSGINFO(CPU_START, 3, 0), .w = {ip, sp, arg}};
    return rpc_call(thread, &m, NULL);
}

uint64_t rm_client_dataspace(cap_t rm, cap_t *ds, uint64_t *size)
{
    struct msg m = {.info = MSGINFO(RM_DATASPACE, 0, 0)};
    uint64_t st = rpc_call(rm, &m, ds);
    *size = m.w[0];
    return st;
}

uint64_t rm_client_attach(cap_t rm, cap_t ds, uint64_t offset, unsigned flags, uint64_t *at)
{
    struct msg m = {.w = {offset, flags}};
    uint64_t st = call_with_cap(rm, RM_ATTACH, ds, &m, 2);
    *at = m.w[0];
    return st;
}

uint64_t rm_client_detach(cap_t rm, uint64_t offset)
{
    struct msg m = {.info = MSGINFO(RM_DETACH, 1, 0), .w = {offset}};
    return rpc_call(rm, &m, NULL);
}

uint64_t log_client_write(cap_t log, const char *text)
{
    unsigned end = rpc_put_string(rt_utcb(), 8, text);
    struct msg m = {.info = MSGINFO(LOG_WRITE, end, 0)};
    return end ? rpc_call(log, &m, NULL) : RPC_INVALID;
}

/* The config ROM, attached, and what it parsed into. A HID config is
 * converted into a scratch dataspace of hid_xml_budget(size) bytes, taken
 * from our own RAM quota only then; an XML one is parsed in place. */
static struct {
    cap_t rom, ds, scratch_ds;
    const char *text;
    char *scratch;
    uint64_t size;
    bool parsed;
    struct xml_node top;
} config;

static void config_let_go(void)
{
    if (config.scratch) {
        pd_client_detach(ENV_PD, (uint64_t)config.scratch);
        pd_client_free(ENV_PD, config.scratch_ds);
        config.scratch = NULL;
    }
    if (config.text) {
        pd_client_detach(ENV_PD, (uint64_t)config.text);
        rt_slot_free(config.ds);
        config.text = NULL;
        config.ds = CAP_NULL;
    }
    config.parsed = false;
}

/* Fetch the current version. The previous one is let go first: the
 * server may free it once we moved on, and its address may be reused. */
static uint64_t config_fetch(void)
{
    cap_t ds;
    void *ptr;
    config_let_go();
    uint64_t size, st = rom_client_dataspace(config.rom, &ds, &size);
    if (!st) {
        st = rt_attach(ds, 0, &ptr);
    }
    if (st) {
        return st;
    }
    config.text = ptr;
    config.size = size;
    config.ds = ds;
    return RPC_OK;
}

static uint64_t config_open(void)
{
    if (!config.rom) {
        uint64_t id;
        uint64_t st =
            parent_session(ROM_SERVICE, "label=\"config\", ram_quota=4096, cap_quota=2", &config.rom, &id);
        if (st) {
            config.rom = CAP_NULL;
            return st;
        }
    }
    return config.text ? RPC_OK : config_fetch(); /* the content may not exist yet */
}

static uint64_t config_node(struct xml_node *top, struct xml_error *err)
{
    uint64_t got, st;
    size_t cap = 0;
    if (config.parsed) {
        *top = config.top;
        return RPC_OK;
    }
    if (config_is_hid(config.text, config.size) && !config.scratch) {
        cap = hid_xml_budget(config.size);
        if ((st = pd_client_alloc(ENV_PD, cap, &config.scratch_ds, &got))) {
            xml_error_set(err, 1, "no RAM to convert the HID config (%u bytes): %s", (unsigned)cap,
                          rpc_status_text(st));
            return st;
        }
        if ((st = rt_attach(config.scratch_ds, PD_ATTACH_WRITE, (void **)&config.scratch))) {
            pd_client_free(ENV_PD, config.scratch_ds);
            config.scratch = NULL;
            return st;
        }
    }
    if (!config_parse(config.text, config.size, config.scratch, cap, &config.top, err)) {
        return RPC_INVALID;
    }
    config.parsed = true;
    *top = config.top;
    return RPC_OK;
}

uint64_t rt_config(struct xml_node *top, struct xml_error *err)
{
    uint64_t st = config_open();
    return st ? st : config_node(top, err);
}

bool rt_config_attr(const char *name, char *out, size_t cap)
{
    struct xml_node top;
    return rt_config(&top, NULL) == RPC_OK && xml_attr(&top, name, out, cap);
}

uint64_t rt_config_sigh(cap_t note)
{
    config_open(); /* opens the session; content may follow later */
    return config.rom ? rom_client_sigh(config.rom, note) : RPC_UNAVAILABLE;
}

uint64_t rt_config_update(struct xml_node *top, struct xml_error *err)
{
    uint64_t st = config.rom ? config_fetch() : config_open();
    return st ? st : config_node(top, err);
}

uint64_t rt_attach(cap_t ds, unsigned flags, void **ptr)
{
    uint64_t at;
    uint64_t st = pd_client_attach(ENV_PD, ds, PD_ATTACH_ANY, flags, &at);
    *ptr = (void *)at;
    return st;
}
