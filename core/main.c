/*
 * core's entry: take over what the kernel handed us, start init with all
 * remaining RAM as its quota, then serve requests forever.
 */
#include "core.h"
#include <session/rm.h>
#include <arbor/elf.h>

#define RESERVE_RAM (4ull << 20) /* kept for core's own page tables etc. */
#define RESERVE_CAPS 512
#define INIT_STACK_PAGES 16
#define INIT_PRIO 100

static struct core core;

static uint64_t load_segment(struct core *c, const uint8_t *file, const struct elf_segment *seg)
{
    uint64_t start = seg->vaddr & ~(PAGE_SIZE - 1);
    uint64_t bytes = seg->vaddr + seg->memsz - start, va;
    unsigned id;
    uint64_t st = ds_alloc(c, c->init_pd, bytes, &id);
    if (st) {
        return st;
    }
    cap_t copy = slot_alloc(c);
    void *dst;
    if (!copy || sys_cap_mint(ds_get(c, id)->frame.cap, BI_CAP_PD, copy, RIGHTS_ALL, 0) ||
        core_attach(c, copy, ds_get(c, id)->pages, RIGHT_READ | RIGHT_WRITE, &dst)) {
        return RPC_OUT_OF_RAM;
    }
    memcpy((uint8_t *)dst + (seg->vaddr - start), file + seg->offset, seg->filesz);
    sys_cap_delete(copy);
    slot_free(c, copy);
    unsigned flags =
        ((seg->flags & ELF_SEG_W) ? PD_ATTACH_WRITE : 0) | ((seg->flags & ELF_SEG_X) ? PD_ATTACH_EXEC : 0);
    return pd_attach_ds(c, c->init_pd, id, start, flags, &va);
}

static uint64_t start_init(struct core *c, const struct bootinfo_module *mod)
{
    void *image;
    struct elf_image img;
    if (core_attach(c, mod->frame, (mod->size + PAGE_SIZE - 1) / PAGE_SIZE, RIGHT_READ, &image) ||
        elf_parse(image, mod->size, USER_END, &img) != ELF_OK) {
        printf("[core] module \"init\" is not a loadable program\n");
        return RPC_INVALID;
    }
    struct session *pd = &c->sessions[0], *cpu = &c->sessions[1];
    c->init_pd = 0;
    c->init_cpu = 1;
    pd->type = S_PD;
    pd->payer = cpu->payer = ~0u;
    pd->ram = mem_avail(c) - RESERVE_RAM;
    pd->caps = (1u << 14) - c->env.bi->first_free - RESERVE_CAPS;
    snprintf(pd->label, sizeof(pd->label), "init");
    snprintf(cpu->label, sizeof(cpu->label), "init");
    cpu->type = S_CPU;
    cpu->prio_max = CPU_PRIO_MAX;
    uint64_t st = pd_session_create(c, pd, ~0u);
    pd->cap = badged_cap(c, BADGE(B_SESSION, 0));
    cpu->cap = badged_cap(c, BADGE(B_SESSION, 1));
    for (unsigned i = 0; st == RPC_OK && i < img.count; i++) {
        st = load_segment(c, image, &img.seg[i]);
    }
    uint64_t utcb = STACK_AREA_UTCB(STACK_AREA_FIRST), va;
    unsigned stack, thread;
    if (st == RPC_OK) {
        st = ds_alloc(c, c->init_pd, INIT_STACK_PAGES * PAGE_SIZE, &stack);
    }
    if (st == RPC_OK) {
        st = pd_attach_ds(c, c->init_pd, stack, utcb - INIT_STACK_PAGES * PAGE_SIZE, PD_ATTACH_WRITE, &va);
    }
    if (st == RPC_OK) {
        st = thread_create(c, c->init_pd, utcb, INIT_PRIO, 0, &thread);
    }
    cap_t parent = st == RPC_OK ? badged_cap(c, BADGE(B_PARENT, 0)) : CAP_NULL;
    if (!parent || sys_cap_mint(parent, pd->pd->pd.cap, ENV_PARENT, RIGHT_WRITE | RIGHT_GRANT, 0) ||
        sys_cap_mint(pd->cap, pd->pd->pd.cap, ENV_PD, RIGHT_WRITE | RIGHT_GRANT, 0) ||
        sys_cap_mint(cpu->cap, pd->pd->pd.cap, ENV_CPU, RIGHT_WRITE | RIGHT_GRANT, 0) ||
        sys_cap_mint(thread_get(c, thread)->cap, pd->pd->pd.cap, ENV_THREAD, RIGHT_WRITE | RIGHT_GRANT, 0)) {
        printf("[core] cannot start init: %s\n", status_text(st ? st : RPC_INVALID));
        return RPC_INVALID;
    }
    struct account *a = &pd->pd->acct;
    printf("[core] %lu MiB RAM and %lu caps assigned to init\n", a->ram_quota >> 20, a->cap_quota);
    return sys_thread_start(thread_get(c, thread)->thread.cap, img.entry, utcb, 0) ? RPC_INVALID : RPC_OK;
}

/* A call to a session of one of core's services, through the
 * interface's generated dispatch (which checks every argument). */
static bool session_call(struct core *c, struct request *r, struct rt_call *call)
{
    static const struct {
        unsigned type;
        void (*dispatch)(const void *ops, void *session, struct rt_call *call);
        const void *ops;
    } services[] = {
        {S_PD, pd_dispatch, &pd_session_ops},      {S_CPU, cpu_dispatch, &cpu_session_ops},
        {S_RM, rm_dispatch, &rm_session_ops},      {S_IO_MEM, io_dispatch, &io_session_ops},
        {S_IO_PORT, io_dispatch, &io_session_ops}, {S_IRQ, io_dispatch, &io_session_ops},
    };
    struct session *s;
    for (unsigned i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
        if ((s = session_get(c, r->badge, services[i].type))) {
            struct core_call cc = {.c = c, .s = s};
            services[i].dispatch(services[i].ops, &cc, call);
            return true;
        }
    }
    return false;
}

static void dispatch(struct core *c, struct request *r)
{
    struct session *s;
    /* A capability the request brought (not one of core's own, which
     * the kernel unwraps) is in the first slot of the receive window. */
    bool brought = MSGINFO_CAPS(r->m->info) && r->u->rcv_caps && !(r->u->rcv_unwrapped & 1);
    struct rt_call call = {.m = r->m, .rcv = brought ? c->rcv : CAP_NULL};
    switch (BADGE_KIND(r->badge)) {
    case B_PARENT:
        parent_dispatch(&parent_at_core, c, &call);
        return;
    case B_THREAD:
        thread_serve(c, r, &call);
        return;
    case B_SESSION:
        if ((s = session_get(c, r->badge, S_LOG))) {
            log_serve(c, s, r);
        } else if ((s = session_get(c, r->badge, S_ROM))) {
            rom_serve(c, s, r);
        } else if (!session_call(c, r, &call)) {
            reply_status(r, RPC_INVALID, 0);
        }
        return;
    default:
        r->reply = !MSGINFO_IS_FAULT(r->m->info);
        reply_status(r, RPC_INVALID, 0);
        return;
    }
}

static void serve(struct core *c)
{
    struct arbor_utcb *u = rt_utcb();
    struct msg m = {.info = MSGINFO_NO_REPLY};
    for (;;) {
        for (cap_t i = 0; i < RCV_SLOTS; i++) {
            sys_cap_delete(c->rcv + i); /* whatever the last request left */
        }
        u->rcv_base = c->rcv;
        u->rcv_count = RCV_SLOTS;
        if (sys_reply_wait(c->ep, &m)) {
            m.info = MSGINFO_NO_REPLY;
            continue;
        }
        struct request r = {&m, u, m.badge, true};
        dispatch(c, &r);
        if (!r.reply) {
            m.info = MSGINFO_NO_REPLY;
        }
    }
}

int main(uint64_t arg)
{
    struct core *c = &core;
    env_init(&c->env, (const struct bootinfo *)arg);
    mem_init(c);
    if (sys_thread_cpu(BI_CAP_THREAD, 0, &c->cpus) || !c->cpus) { /* core runs on CPU 0 */
        c->cpus = 1;
    }
    struct kobj ep;
    c->rcv = slot_alloc(c);
    if (slot_alloc(c) != c->rcv + 1 || kobj_make(c, OBJ_ENDPOINT, 0, &ep)) {
        printf("[core] cannot make the service endpoint\n");
        return 1;
    }
    c->ep = ep.cap;
    const struct bootinfo_module *init = env_module(&c->env, "init");
    if (!init) {
        printf("[core] no boot module named \"init\"\n");
        return 1;
    }
    if (start_init(c, init) != RPC_OK) {
        return 1;
    }
    serve(c);
    return 0;
}
