/*
 * bench_test: the benchmark driver, run as the first task by
 * run/bench.run. Started with a role number instead of the boot-info
 * address, the same binary plays the other side of a benchmark in a
 * protection domain of its own (roles.c).
 *
 * The driver runs at priority 255 and starts helpers below it (or at
 * 255 where both sides must be equals), so a helper runs only when the
 * driver blocks. The iteration counts come from the "config" boot module:
 * "iterations=N warmup=N heavy=N"; "smp=1" runs the SMP rows only
 * (smp_bench.c, run/bench.run's part "smp").
 */
#include "bench.h"

#define DRIVER_PRIO 255

static uint64_t config_value(const char *text, uint64_t len, const char *key, uint64_t dflt)
{
    size_t klen = strlen(key);
    for (uint64_t i = 0; i + klen < len; i++) {
        if ((i == 0 || text[i - 1] == ' ' || text[i - 1] == '\n') && !strncmp(text + i, key, klen) &&
            text[i + klen] == '=') {
            uint64_t v = 0;
            for (i += klen + 1; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
                v = v * 10 + (uint64_t)(text[i] - '0');
            }
            return v;
        }
    }
    return dflt;
}

static void read_config(struct bench *b)
{
    const struct bootinfo_module *m = env_module(&b->env, "config");
    const char *text = "";
    uint64_t len = 0;
    if (m) {
        text = env_attach(&b->env, m->frame, (m->size + PAGE_SIZE - 1) / PAGE_SIZE, RIGHT_READ);
        len = text ? m->size : 0;
    }
    b->iters = config_value(text, len, "iterations", 1000);
    b->warmup = config_value(text, len, "warmup", 100);
    b->heavy = config_value(text, len, "heavy", 100);
    b->smp = config_value(text, len, "smp", 0) != 0;
    if (b->iters > MAX_SAMPLES) {
        b->iters = MAX_SAMPLES;
    }
    if (b->heavy > b->iters) {
        b->heavy = b->iters;
    }
}

cap_t bench_obj(struct bench *b, unsigned type, uint64_t arg)
{
    cap_t c;
    uint64_t err = env_retype(&b->env, type, arg, &c);
    if (err) {
        printf("bench: FAILED: retype of type %u: error %lu\n", type, err);
        rt_exit(1);
    }
    return c;
}

void bench_set_iters(struct bench *b, uint64_t iters, uint64_t warmup)
{
    SHARED->iters = iters;
    SHARED->warmup = warmup;
    SHARED->count = 0;
}

static void mint_into(cap_t src, cap_t pd, cap_t slot, unsigned rights, uint64_t badge)
{
    if (src && sys_cap_mint(src, pd, slot, rights, badge)) {
        printf("bench: FAILED: mint of slot %lu into a child\n", src);
        rt_exit(1);
    }
}

struct child spawn_role(struct bench *b, unsigned r, unsigned prio, const struct role_caps *give,
                        unsigned ep_rights, uint64_t badge, cap_t fault_ep)
{
    struct env_process p;
    uint64_t err = env_process_create(&b->env, b->image, b->image_size, fault_ep, prio, r, &p);
    cap_t shared = CAP_NULL;
    if (!err) {
        shared = env_slot(&b->env);
        err = sys_cap_mint(b->shared_frame, BI_CAP_PD, shared, RIGHT_READ | RIGHT_WRITE, 0);
    }
    if (!err) {
        err = env_map(&b->env, shared, p.pd, SHARED_VA, RIGHT_READ | RIGHT_WRITE);
    }
    if (err) {
        printf("bench: FAILED: starting role %u: error %lu\n", r, err);
        rt_exit(1);
    }
    /* The thread is started but below us: it runs once we block. */
    mint_into(give->ep, p.pd, CHILD_EP, ep_rights, badge);
    mint_into(give->note_a, p.pd, CHILD_NOTE_A, RIGHT_READ, 0);
    mint_into(give->note_b, p.pd, CHILD_NOTE_B, RIGHT_WRITE, 0);
    mint_into(give->io, p.pd, CHILD_IO, RIGHTS_ALL, 0);
    return (struct child){p.pd, p.main.thread};
}

static void local_entry(uint64_t arg)
{
    const struct role_caps *c = (const struct role_caps *)arg;
    role_run(c);
    sys_thread_suspend(c->self);
}

cap_t local_role(struct bench *b, unsigned prio, struct role_caps *c)
{
    struct env_thread t;
    uint64_t area = STACK_AREA_FIRST + b->env.next_area++ * STACK_AREA_SIZE;
    uint64_t err = env_thread_create(&b->env, BI_CAP_PD, area, CAP_NULL, prio, &t);
    if (!err) {
        c->self = t.thread;
        err = sys_thread_start(t.thread, (uint64_t)local_entry, t.sp - 8, (uint64_t)c);
    }
    if (err) {
        printf("bench: FAILED: local thread for role %u: error %lu\n", c->role, err);
        rt_exit(1);
    }
    return t.thread;
}

static void setup(struct bench *b, const struct bootinfo *bi)
{
    env_init(&b->env, bi);
    b->shared_frame = bench_obj(b, OBJ_FRAME, SHARED_PAGES);
    if (env_map(&b->env, b->shared_frame, BI_CAP_PD, SHARED_VA, RIGHT_READ | RIGHT_WRITE)) {
        printf("bench: FAILED: cannot map the shared area\n");
        rt_exit(1);
    }
    const struct bootinfo_module *self = &bi->module[0];
    b->image_size = self->size;
    b->image = env_attach(&b->env, self->frame, (self->size + PAGE_SIZE - 1) / PAGE_SIZE, RIGHT_READ);
    if (!b->image || !arena_init(&b->arena, &b->env, 8ull << 20)) {
        printf("bench: FAILED: no memory for the image or the arena\n");
        rt_exit(1);
    }
    read_config(b);
    sys_thread_prio(BI_CAP_THREAD, DRIVER_PRIO);
}

int main(uint64_t arg)
{
    uint64_t entry_tsc = tsc_begin();
    if (arg != BOOTINFO_ADDR) {
        static const struct role_caps in_child = {
            .ep = CHILD_EP,
            .note_a = CHILD_NOTE_A,
            .note_b = CHILD_NOTE_B,
            .io = CHILD_IO,
            .rcv = CHILD_RCV,
        };
        struct role_caps c = in_child;
        c.role = (unsigned)arg;
        role_run(&c);
        return 0;
    }
    const struct bootinfo *bi = (const struct bootinfo *)arg;
    struct bench b;
    setup(&b, bi);
    printf("bench: started: tsc_hz=%lu iterations=%lu warmup=%lu heavy=%lu ram=%lu MiB\n", bi->tsc_hz,
           b.iters, b.warmup, b.heavy, bi->ram_total >> 20);
    report_value("boot_first_task", entry_tsc);
    measure_init();
    if (b.smp) {
        bench_smp(&b);
        printf("bench: done\n");
        return 0;
    }
    bench_syscall_ipc(&b);
    bench_notifications(&b);
    bench_faults(&b);
    bench_interrupts(&b);
    bench_objects(&b);
    /* Last: the objects it leaves would lengthen the kernel's overlap
     * walk (an explicit-offset retype checks every live object of the
     * untyped) in the arena rows of bench_objects. */
    bench_pager(&b);
    printf("bench: done\n");
    return 0;
}
