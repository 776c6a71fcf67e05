/*
 * Making and destroying things: frames (retype + map + first touch, per
 * 4 KiB page and per MiB), threads (create + start + exit + destroy),
 * protection domains (create + destroy) and whole processes (ELF loaded
 * into a new PD, run until it exits, destroyed: the counterpart of
 * fork + exit + wait). Every object comes from the arena and is deleted
 * again each round, so the same memory serves all iterations.
 */
#include "bench.h"

#define FRAME_VA 0x380000000ull /* 2 MiB aligned; its page table stays */
#define MIB_PAGES 256
#define PD_BITS 8

/* Retype a frame of `pages`, map it at FRAME_VA, write to each page. */
static uint64_t frame_round(struct arena *a, uint64_t pages)
{
    cap_t f;
    uint64_t err = arena_new(a, OBJ_FRAME, pages, &f);
    if (!err) {
        err = sys_frame_map(f, BI_CAP_PD, FRAME_VA, RIGHT_READ | RIGHT_WRITE).err;
    }
    for (uint64_t p = 0; !err && p < pages; p++) {
        *(volatile uint8_t *)(FRAME_VA + p * PAGE_SIZE) = 1;
    }
    return err;
}

static void frame_rows(struct bench *b, const char *key, uint64_t pages, uint64_t iters, uint64_t warmup)
{
    bench_set_iters(b, iters, warmup);
    for (uint64_t i = 0; i < warmup + iters; i++) {
        uint64_t t0 = tsc_begin();
        uint64_t err = frame_round(&b->arena, pages);
        uint64_t t1 = tsc_end();
        arena_reset(&b->arena);
        if (err) {
            printf("bench: FAILED: %s: retype or map: error %lu\n", key, err);
            report_skip(key, "retype or map failed");
            return;
        }
        record(i, t1 - t0);
    }
    report(key, SHARED->samples, iters);
}

static void frames(struct bench *b)
{
    cap_t probe = bench_obj(b, OBJ_FRAME, MIB_PAGES);
    if (env_map(&b->env, probe, BI_CAP_PD, FRAME_VA, RIGHT_READ | RIGHT_WRITE) || sys_frame_unmap(probe)) {
        printf("bench: FAILED: page tables for the frame benchmark\n");
    }
    frame_rows(b, "frame_4k", 1, b->iters, b->warmup);
    frame_rows(b, "frame_1m", MIB_PAGES, b->heavy, b->warmup / 10 + 1);
}

static void exiting_thread(uint64_t self)
{
    sys_thread_suspend(self);
}

/* The new thread has our priority, so yield lets it run; it suspends
 * itself at once ("exit"); deleting its only capability destroys it. A
 * stack area with UTCB is mapped once and reused. */
static void threads(struct bench *b)
{
    struct arena *a = &b->arena;
    struct env_thread keep;
    uint64_t area = STACK_AREA_FIRST + b->env.next_area++ * STACK_AREA_SIZE;
    if (env_thread_create(&b->env, BI_CAP_PD, area, CAP_NULL, 0, &keep)) {
        report_skip("thread_create", "no stack area");
        return;
    }
    sys_cap_delete(keep.thread);
    bench_set_iters(b, b->heavy, b->warmup / 10 + 1);
    uint64_t bad = 0;
    for (uint64_t i = 0; i < SHARED->warmup + b->heavy; i++) {
        cap_t t;
        uint64_t t0 = tsc_begin();
        bad += arena_new(a, OBJ_THREAD, 0, &t) || sys_thread_config(t, BI_CAP_PD, keep.utcb, CAP_NULL) ||
               sys_thread_prio(t, 255) || sys_thread_start(t, (uint64_t)exiting_thread, keep.sp - 8, t);
        sys_yield();
        arena_reset(a);
        uint64_t t1 = tsc_end();
        record(i, t1 - t0);
    }
    if (bad) {
        report_skip("thread_create", "thread calls failed");
        return;
    }
    report("thread_create", SHARED->samples, b->heavy);
}

static void pds(struct bench *b)
{
    struct arena *a = &b->arena;
    bench_set_iters(b, b->heavy, b->warmup / 10 + 1);
    uint64_t bad = 0;
    for (uint64_t i = 0; i < SHARED->warmup + b->heavy; i++) {
        cap_t pd;
        uint64_t t0 = tsc_begin();
        bad += arena_new(a, OBJ_PD, PD_BITS, &pd) != ERR_OK;
        arena_reset(a);
        uint64_t t1 = tsc_end();
        record(i, t1 - t0);
    }
    if (bad) {
        report_skip("pd_create", "retype failed");
        return;
    }
    report("pd_create", SHARED->samples, b->heavy);
}

/* The child runs ROLE_EXIT: main returns, the runtime's exit of a bare
 * program is an invalid opcode, which arrives on ep as its fault. */
static void processes(struct bench *b)
{
    struct arena *a = &b->arena;
    cap_t ep = bench_obj(b, OBJ_ENDPOINT, 0);
    bench_set_iters(b, b->heavy, b->warmup / 10 + 1);
    uint64_t bad = 0;
    for (uint64_t i = 0; i < SHARED->warmup + b->heavy; i++) {
        cap_t pd;
        struct msg m = {.info = MSGINFO_NO_REPLY};
        uint64_t t0 = tsc_begin();
        uint64_t err = arena_process(a, &b->env, b->image, b->image_size, ep, 100, ROLE_EXIT, &pd);
        if (!err) {
            err = sys_reply_wait(ep, &m);
        }
        arena_reset(a);
        uint64_t t1 = tsc_end();
        record(i, t1 - t0);
        bad += err || MSGINFO_LABEL(m.info) != FAULT_LABEL;
    }
    if (bad) {
        report_skip("process_create", "process did not start or exit");
        return;
    }
    report("process_create", SHARED->samples, b->heavy);
}

void bench_objects(struct bench *b)
{
    frames(b);
    threads(b);
    pds(b);
    processes(b);
}
