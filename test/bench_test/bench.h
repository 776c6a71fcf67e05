/*
 * bench_test: micro-benchmarks of the kernel, run as the first task.
 *
 * The driver (main.c) owns everything; the operations live in one file
 * per family (ipc_bench.c, event_bench.c, object_bench.c), the loops that
 * run in other protection domains or threads in roles.c, the timing and
 * statistics in measure.c and the reusable object memory in arena.c.
 * Results are serial lines "bench: <key> median=N min=N iters=N" that
 * run/bench.run checks and mk/bench.mk turns into the table;
 * docs/performance.md describes the method.
 */
#ifndef BENCH_H
#define BENCH_H

#include <rt/env.h>
#include <rt/syscall.h>

/* ---- timing (measure.c) ---------------------------------------------- */

extern bool tsc_has_rdtscp;

/* Read the TSC after every earlier instruction has completed and before
 * any later one starts (lfence; rdtsc; lfence). */
static inline uint64_t tsc_begin(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* The closing read: rdtscp waits for earlier instructions, the lfence
 * keeps later ones from starting early. */
static inline uint64_t tsc_end(void)
{
    uint32_t lo, hi, aux;
    if (tsc_has_rdtscp) {
        __asm__ volatile("rdtscp; lfence" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
    } else {
        __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    }
    return ((uint64_t)hi << 32) | lo;
}

/* Detect rdtscp and measure the cost of one tsc_begin/tsc_end pair. */
void measure_init(void);

/* Median of the empty begin/end pair, subtracted from every sample. */
extern uint64_t tsc_overhead;

/* Sort samples[0..n), subtract the overhead and print one result line:
 * "bench: key median=M min=N iters=n". */
void report(const char *key, uint64_t *samples, uint64_t n);

/* A result that is one value (boot times). */
void report_value(const char *key, uint64_t value);

/* A row that cannot be measured here, with the reason. */
void report_skip(const char *key, const char *why);

/* ---- state shared by every protection domain of the benchmark --------- */

/* One frame mapped at SHARED_VA in the driver and in every child PD:
 * parameters, time stamps handed between PDs, and the sample buffer. */
#define SHARED_VA 0x200000000ull
#define SHARED_PAGES 48
#define MAX_SAMPLES ((SHARED_PAGES * PAGE_SIZE - 128) / 8)

struct shared {
    uint64_t iters;          /* measured iterations of a light operation */
    uint64_t warmup;         /* unmeasured iterations before them */
    volatile uint64_t t0;    /* start stamp written by the other side */
    volatile uint64_t count; /* samples recorded so far */
    uint64_t reserved[12];
    uint64_t samples[MAX_SAMPLES];
};
_Static_assert(sizeof(struct shared) <= SHARED_PAGES * PAGE_SIZE, "shared area too small");

#define SHARED ((struct shared *)SHARED_VA)

/* Record sample value v as number i (warm-up iterations are dropped). */
static inline void record(uint64_t i, uint64_t v)
{
    if (i >= SHARED->warmup && i - SHARED->warmup < MAX_SAMPLES) {
        SHARED->samples[i - SHARED->warmup] = v;
    }
}

/* ---- roles: loops that run in a child PD or a second thread ----------- */

/* The role and the slots it uses in the cap space it runs in. */
struct role_caps {
    unsigned role; /* enum role */
    cap_t ep;      /* endpoint: receive (server) or call (others) */
    cap_t note_a;  /* notification the role waits on */
    cap_t note_b;  /* notification the role signals */
    cap_t io;      /* I/O port capability */
    cap_t rcv;     /* empty slot: receive window */
    cap_t self;    /* the role's own thread (same-PD roles only) */
};

enum role {
    ROLE_SERVER = 1,  /* reply_wait loop: echo the length, drop received caps */
    ROLE_FAULTER,     /* time ud2 → fault handler → resume after it */
    ROLE_TOUCHER,     /* time first touches of pages a pager maps, round after round */
    ROLE_WAITER,      /* wait on note_a, time the wake-up against SHARED->t0 */
    ROLE_SIGNALLER,   /* stamp SHARED->t0 and signal note_a, iters times */
    ROLE_PONG,        /* wait on note_a, signal note_b, forever */
    ROLE_TRIGGER,     /* raise the COM2 interrupt by a port write, iters times */
    ROLE_EXIT,        /* return at once: the process-creation benchmark */
    ROLE_DEFERRED,    /* like ROLE_SERVER, each reply saved, then sent by reply_wait */
    ROLE_DEFERRED_TO, /* the same, sent by reply_to before the next reply_wait */
    ROLE_COUNT
};

/* In a child PD: the fixed slots the driver fills (see spawn_role). */
#define CHILD_EP 1
#define CHILD_NOTE_A 2
#define CHILD_NOTE_B 3
#define CHILD_IO 4
#define CHILD_RCV 5

/* Where ROLE_TOUCHER touches pages, in its own PD. */
#define TOUCH_VA 0x300000000ull

/* Labels of the calls a role makes when it is done. */
#define LABEL_DONE 0xd0e

/* Run the role c->role; returns only for ROLE_EXIT and unknown roles. */
void role_run(const struct role_caps *c);

/* COM2 (ttyS1): exists only when QEMU has a second -serial. */
#define COM2 0x2f8
#define UART_IER 1
#define UART_MCR 4
#define UART_SCR 7
#define UART_IER_THRI 0x02

/* ---- reusable object memory (arena.c) --------------------------------- */

/* Objects made at explicit offsets in a reserved part of an untyped, all
 * deleted by arena_reset so the same memory serves every iteration. */
#define ARENA_MAX_CAPS 600

struct arena {
    cap_t untyped;
    uint64_t base, size, used;
    unsigned count;
    cap_t slots[ARENA_MAX_CAPS]; /* slots[0..count) hold live objects */
    cap_t free_slots[ARENA_MAX_CAPS];
    unsigned free_count;
};

/* Reserve `size` bytes of untyped memory for the arena. */
bool arena_init(struct arena *a, struct env *e, uint64_t size);
/* A new object; the kernel status, the capability in *out. */
uint64_t arena_new(struct arena *a, unsigned type, uint64_t arg, cap_t *out);
/* Delete every object, newest first, and start over. */
void arena_reset(struct arena *a);

/* A process from an ELF image built entirely in the arena: PD, segments,
 * page tables, a stack area and a thread, started with arg. */
uint64_t arena_process(struct arena *a, struct env *e, const void *elf, uint64_t len, cap_t fault_ep,
                       unsigned prio, uint64_t arg, cap_t *pd);

/* ---- the driver's environment (main.c) -------------------------------- */

/* The driver's state, on its stack: created in main(), passed to all. */
struct bench {
    struct env env;
    struct arena arena;
    uint64_t iters, warmup; /* light operations */
    uint64_t heavy;         /* iterations of heavy operations */
    bool smp;               /* config smp=1: only the SMP rows (smp_bench.c) */
    const void *image;      /* our own ELF, to start roles in new PDs */
    uint64_t image_size;
    cap_t shared_frame; /* the frame behind SHARED_VA */
};

/* A new object from the untyped memory (the driver keeps it). */
cap_t bench_obj(struct bench *b, unsigned type, uint64_t arg);

/* A child PD running role r at priority prio, sharing SHARED_VA. The
 * endpoint, notifications and I/O port capability named in `give` (slots
 * of the driver, CAP_NULL: none) are minted into its CHILD_* slots: the
 * endpoint with ep_rights and badge, note_a with READ, note_b with WRITE.
 * fault_ep (may be CAP_NULL) becomes the child thread's fault endpoint.
 * The child is started at once, but at or below the driver's priority it
 * runs only when the driver blocks, after this setup. */
struct child {
    cap_t pd, thread;
};
struct child spawn_role(struct bench *b, unsigned r, unsigned prio, const struct role_caps *give,
                        unsigned ep_rights, uint64_t badge, cap_t fault_ep);

/* A thread in the driver's PD running the role c (which must stay valid
 * while the thread runs; c->self is filled in). */
cap_t local_role(struct bench *b, unsigned prio, struct role_caps *c);

/* Set the iterations (and unmeasured warm-up rounds) of the next loop,
 * for the driver and the roles alike; resets SHARED->count. */
void bench_set_iters(struct bench *b, uint64_t iters, uint64_t warmup);

/* ---- the benchmark families ------------------------------------------- */

void bench_syscall_ipc(struct bench *b);   /* ipc_bench.c */
void bench_notifications(struct bench *b); /* ipc_bench.c */
void bench_faults(struct bench *b);        /* event_bench.c */
void bench_pager(struct bench *b);         /* pager_bench.c */
void bench_interrupts(struct bench *b);    /* event_bench.c */
void bench_objects(struct bench *b);       /* object_bench.c */
void bench_smp(struct bench *b);           /* smp_bench.c */

/* Time call/reply on ep with `words` words each way and `cap` (CAP_NULL:
 * none) sent along; report the row `key` (ipc_bench.c). */
void bench_round_trip(struct bench *b, const char *key, cap_t ep, unsigned words, cap_t cap);

/* report() without subtracting the timer's overhead: for values that are
 * not one timed interval (a window divided by the work done in it). */
void report_plain(const char *key, uint64_t *samples, uint64_t n);

#endif
