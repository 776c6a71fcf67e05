/*
 * Page faults resolved by a user-level pager: a toucher PD writes to
 * pages that are not mapped, we are its fault handler and map them.
 *
 * Core maps a dataspace whole when it is attached, so no component
 * faults on one; what a lazy pager would pay per fault is measured here,
 * with the design it would have:
 *
 *   allocation  the toucher's memory is a set of regions (16 pages each,
 *               sorted by address), backed by frames retyped when the
 *               region is allocated: the kernel zeroes them then
 *               (`rep stosq`, 512 steps a page), once, and the cost is
 *               the allocation's (pager_alloc_4k). Retyping at the
 *               watermark of an untyped of the pager's own never walks
 *               the untyped's children.
 *   fault       region of the address (binary search) → frame of the
 *               page (an index) → frame_map with the region's rights →
 *               reply "retry". No step depends on how many pages are
 *               mapped or how many regions there are: pager_fault_4k
 *               (P pages) and pager_fault_4k_x8 (8 P pages, 8 times the
 *               regions) show it.
 *   fault-ahead pager_ahead_4k: a region's frames are chunks of
 *               AHEAD_PAGES pages, and one fault maps the whole chunk
 *               around the faulting page (never beyond its region);
 *               the cost of a chunk's touches is shared by its pages.
 *
 * A write fault in a region without write rights, or a fault outside
 * every region, is not resolved (the benchmark fails: the toucher never
 * does either). pager_retype_4k is the old way for comparison: a frame
 * retyped at fault time from the arena, i.e. at an explicit offset under
 * the untyped's high-water mark, so the zeroing and the kernel's overlap
 * walk over every live object of that untyped are on the fault path.
 */
#include "bench.h"

#define HELPER_PRIO 100
#define REGION_PAGES 16
#define AHEAD_PAGES 16
#define MAX_PAGES_ONE 512 /* pages of the pager_fault_4k run at most */
#define SCALE 8           /* pager_fault_4k_x8: this many times more */
#define WARM_PAGES 16     /* touched first, unmeasured: one region */
#define MAX_PAGES (SCALE * MAX_PAGES_ONE + WARM_PAGES)
#define MAX_REGIONS (MAX_PAGES / REGION_PAGES)
#define PF_WRITE 2 /* page-fault error code: the access was a write */

_Static_assert(REGION_PAGES % AHEAD_PAGES == 0, "chunks must not cross regions");
_Static_assert(WARM_PAGES % AHEAD_PAGES == 0, "measured chunks start at a chunk boundary");
_Static_assert(MAX_PAGES % REGION_PAGES == 0, "whole regions");

struct region {
    uint64_t va, pages;
    unsigned chunk, rights; /* pages per frame; rights of its mappings */
    cap_t *frames;          /* pages / chunk frames, in address order */
};

struct pager {
    cap_t untyped;    /* the memory behind every region */
    cap_t pd, thread; /* the toucher's */
    bool owed;        /* the toucher waits for the answer to its LABEL_DONE */
    struct region region[MAX_REGIONS];
    unsigned regions;
    cap_t slot[MAX_PAGES]; /* cap slots of the frames, reused by each run */
    unsigned frames;       /* slots in use */
};

/* In memory of its own (bench_obj), not in .bss: the process row loads
 * this very program, and a larger .bss would cost it the zeroing. */
static struct pager *pager_state;

/* The region holding va, or NULL: regions are sorted and disjoint. */
static const struct region *region_find(const struct pager *p, uint64_t va)
{
    unsigned lo = 0, hi = p->regions;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        const struct region *r = &p->region[mid];
        if (va < r->va) {
            hi = mid;
        } else if (va - r->va >= r->pages * PAGE_SIZE) {
            lo = mid + 1;
        } else {
            return r;
        }
    }
    return NULL;
}

/* Map what backs the faulting address; false if we may not. */
static bool resolve(const struct pager *p, uint64_t addr, uint64_t error)
{
    const struct region *r = region_find(p, addr);
    if (!r || ((error & PF_WRITE) && !(r->rights & RIGHT_WRITE))) {
        return false;
    }
    uint64_t i = (addr - r->va) / PAGE_SIZE / r->chunk;
    return !sys_frame_map(r->frames[i], p->pd, r->va + i * r->chunk * PAGE_SIZE, r->rights).err;
}

/* The old way: a frame retyped from the arena at fault time, mapped. */
static bool resolve_retype(const struct pager *p, struct arena *a, uint64_t addr)
{
    cap_t frame;
    return !arena_new(a, OBJ_FRAME, 1, &frame) &&
           !sys_frame_map(frame, p->pd, addr & ~(PAGE_SIZE - 1), RIGHT_READ | RIGHT_WRITE).err;
}

/* Serve the toucher's page faults (with `retype`: the old way) until it
 * calls with LABEL_DONE; that call stays owed and its answer starts the
 * toucher's next round. */
static bool serve(struct pager *p, cap_t ep, const char *key, struct arena *retype)
{
    struct msg m = {.info = p->owed ? MSGINFO(0, 0, 0) : MSGINFO_NO_REPLY};
    p->owed = false;
    for (;;) {
        if (sys_reply_wait(ep, &m)) {
            m.info = MSGINFO_NO_REPLY;
            continue;
        }
        uint64_t label = MSGINFO_LABEL(m.info);
        if (label == LABEL_DONE) {
            p->owed = true;
            return true;
        }
        if (MSGINFO_IS_FAULT(m.info) && m.w[FAULT_KIND] == FAULT_PAGE &&
            (retype ? resolve_retype(p, retype, m.w[FAULT_ADDR])
                    : resolve(p, m.w[FAULT_ADDR], m.w[FAULT_ERROR]))) {
            m.info = MSGINFO(0, 0, 0); /* retry the access */
            continue;
        }
        printf("bench: FAILED: %s: unresolved message label %lx kind %lu addr %lx ip %lx\n", key, label,
               m.w[FAULT_KIND], m.w[FAULT_ADDR], m.w[FAULT_IP]);
        return false;
    }
}

/* Allocate `pages` pages at TOUCH_VA as regions of REGION_PAGES, backed
 * by frames of `chunk` pages; the time of each 1-page retype goes to
 * samples (when chunk is 1). */
static bool regions_alloc(struct pager *p, uint64_t pages, unsigned chunk)
{
    p->regions = 0;
    p->frames = 0;
    for (uint64_t first = 0; first < pages; first += REGION_PAGES) {
        struct region *r = &p->region[p->regions++];
        *r = (struct region){TOUCH_VA + first * PAGE_SIZE, REGION_PAGES, chunk, RIGHT_READ | RIGHT_WRITE,
                             &p->slot[p->frames]};
        for (unsigned f = 0; f < REGION_PAGES / chunk; f++) {
            cap_t slot = p->slot[p->frames];
            uint64_t t0 = tsc_begin();
            uint64_t err = sys_retype(p->untyped, OBJ_FRAME, chunk, slot);
            uint64_t t1 = tsc_end();
            if (err) {
                printf("bench: FAILED: pager memory: retype error %lu\n", err);
                return false;
            }
            record(p->frames++, t1 - t0);
        }
    }
    return true;
}

/* Deleting the frames unmaps them; with no child left, the untyped
 * starts over from its base for the next run. */
static void regions_free(struct pager *p)
{
    for (unsigned i = 0; i < p->frames; i++) {
        sys_cap_delete(p->slot[i]);
    }
    p->frames = p->regions = 0;
}

/* The toucher, one PD for every run, with the page tables for `pages`
 * pages made beforehand (by mapping and unmapping a frame in each 2 MiB),
 * so a fault costs no table. */
static bool toucher(struct bench *b, struct pager *p, cap_t ep, uint64_t pages)
{
    cap_t probe = bench_obj(b, OBJ_FRAME, 1);
    struct role_caps give = {.ep = ep};
    struct child t = spawn_role(b, ROLE_TOUCHER, HELPER_PRIO, &give, RIGHT_WRITE, 0, ep);
    p->pd = t.pd;
    p->thread = t.thread;
    p->owed = false;
    for (uint64_t va = TOUCH_VA; va < TOUCH_VA + pages * PAGE_SIZE; va += 2ull << 20) {
        if (env_map(&b->env, probe, t.pd, va, RIGHT_READ | RIGHT_WRITE) || sys_frame_unmap(probe)) {
            printf("bench: FAILED: page tables for the pager benchmark\n");
            return false;
        }
    }
    sys_cap_delete(probe);
    return true;
}

/* One round: `pages` measured touches after WARM_PAGES, frames of
 * `chunk` pages. With alloc_key, the 1-page retypes are reported first.
 * The samples are left in SHARED->samples. */
static bool run(struct bench *b, cap_t ep, const char *key, uint64_t pages, unsigned chunk,
                const char *alloc_key)
{
    struct pager *p = pager_state;
    bench_set_iters(b, pages + WARM_PAGES, 0);
    if (!regions_alloc(p, WARM_PAGES + pages, chunk)) {
        regions_free(p);
        return false;
    }
    if (alloc_key) {
        report(alloc_key, SHARED->samples, p->frames);
    }
    bench_set_iters(b, pages, WARM_PAGES);
    bool ok = serve(p, ep, key, NULL);
    regions_free(p); /* unmaps every page: the next round faults again */
    return ok;
}

void bench_pager(struct bench *b)
{
    uint64_t pages = (sizeof(struct pager) + PAGE_SIZE - 1) / PAGE_SIZE;
    struct pager *p = pager_state =
        env_attach(&b->env, bench_obj(b, OBJ_FRAME, pages), pages, RIGHT_READ | RIGHT_WRITE);
    if (!p) {
        report_skip("pager_fault_4k", "no memory for the pager's records");
        return;
    }
    uint64_t one = b->iters < MAX_PAGES_ONE ? b->iters : MAX_PAGES_ONE, many = SCALE * one;
    uint64_t slots = (WARM_PAGES + many + REGION_PAGES - 1) / REGION_PAGES * REGION_PAGES;
    cap_t ep = bench_obj(b, OBJ_ENDPOINT, 0);
    p->untyped = bench_obj(b, OBJ_UNTYPED, MAX_PAGES * PAGE_SIZE);
    for (unsigned i = 0; i < slots; i++) {
        if (!(p->slot[i] = env_slot(&b->env))) {
            report_skip("pager_fault_4k", "no cap slots");
            return;
        }
    }
    if (!toucher(b, p, ep, slots)) {
        return;
    }
    bool ok = run(b, ep, "pager_fault_4k", one, 1, NULL);
    if (ok) {
        report("pager_fault_4k", SHARED->samples, one);
        ok = run(b, ep, "pager_fault_4k_x8", many, 1, "pager_alloc_4k");
    }
    if (ok) {
        report("pager_fault_4k_x8", SHARED->samples, many);
        ok = run(b, ep, "pager_ahead_4k", many, AHEAD_PAGES, NULL);
    }
    if (ok) {
        /* one sample per chunk: the mean of its touches */
        uint64_t *s = SHARED->samples, chunks = many / AHEAD_PAGES;
        for (uint64_t c = 0; c < chunks; c++) {
            uint64_t sum = 0;
            for (unsigned i = 0; i < AHEAD_PAGES; i++) {
                sum += s[c * AHEAD_PAGES + i] > tsc_overhead ? s[c * AHEAD_PAGES + i] - tsc_overhead : 0;
            }
            s[c] = sum / AHEAD_PAGES + tsc_overhead; /* report() takes the overhead off again */
        }
        report("pager_ahead_4k", s, chunks);
        bench_set_iters(b, one, WARM_PAGES);
        ok = serve(p, ep, "pager_retype_4k", &b->arena);
        arena_reset(&b->arena); /* unmaps */
    }
    if (ok) {
        report("pager_retype_4k", SHARED->samples, one);
    }
    sys_thread_suspend(p->thread); /* waiting for its next round, or stuck in a fault */
}
