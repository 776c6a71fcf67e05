/*
 * Paid records: what core keeps about a client's objects (dataspace,
 * thread and region-map mapping records) lives in pages core retypes for
 * itself when they are needed and charges to the PD session they belong
 * to, as Genode pays a server's session metadata from the client's
 * donation. So no client fills a table that others share: each pool
 * belongs to one PD session, its limit (POOL_PAGES) is that session's,
 * and a page goes back to the account as soon as it is empty.
 *
 * A record is named by its index in the pool (page * per page + slot).
 * Records start with `bool used`; pool_get checks that the page exists
 * and the record is in use, so a stale or made-up index finds nothing.
 * Record pages are mapped into core in a window of their own whose
 * virtual pages are reused; its page tables are core's (from its reserve).
 * A PD session's state (struct pd_state, a few pages) lives in the same
 * window (core_region_alloc).
 */
#include "core.h"

#define WINDOW_BASE 0x10000000000ull /* 1 TiB, far above core_attach's area */
#define WINDOW_PAGES 32768           /* 128 MiB of records at a time */

static uint64_t window_used[WINDOW_PAGES / 64];

static bool window_taken(unsigned page)
{
    return window_used[page / 64] & (1ull << (page % 64));
}

static void window_mark(unsigned first, unsigned pages, bool taken)
{
    for (unsigned p = first; p < first + pages; p++) {
        if (taken) {
            window_used[p / 64] |= 1ull << (p % 64);
        } else {
            window_used[p / 64] &= ~(1ull << (p % 64));
        }
    }
}

/* pages free places in a row of the window, first fit. */
static void *window_alloc_n(unsigned pages)
{
    unsigned run = 0;
    for (unsigned p = 0; p < WINDOW_PAGES; p++) {
        if (run == 0 && p % 64 == 0 && window_used[p / 64] == ~0ull) {
            p += 63; /* a full word */
            continue;
        }
        run = window_taken(p) ? 0 : run + 1;
        if (run == pages) {
            window_mark(p + 1 - pages, pages, true);
            return (void *)(WINDOW_BASE + (p + 1ull - pages) * PAGE_SIZE);
        }
    }
    return NULL;
}

static void window_free_n(void *va, unsigned pages)
{
    window_mark((unsigned)(((uint64_t)va - WINDOW_BASE) / PAGE_SIZE), pages, false);
}

uint64_t core_region_alloc(struct core *c, unsigned pages, struct kobj *frame, void **va)
{
    *va = window_alloc_n(pages);
    if (!*va) {
        return RPC_OUT_OF_RAM;
    }
    if (kobj_make(c, OBJ_FRAME, pages, frame)) {
        window_free_n(*va, pages);
        return RPC_OUT_OF_RAM;
    }
    if (pd_map(c, NULL, frame->cap, (uint64_t)*va, RIGHT_READ | RIGHT_WRITE)) {
        kobj_free(c, frame);
        window_free_n(*va, pages);
        return RPC_OUT_OF_RAM;
    }
    return RPC_OK; /* retyped RAM comes zeroed */
}

void core_region_free(struct core *c, struct kobj *frame, void *va, unsigned pages)
{
    kobj_free(c, frame); /* unmaps it from core */
    window_free_n(va, pages);
}

void pool_init(struct pool *p, unsigned record_size, const char *what)
{
    memset(p, 0, sizeof(*p));
    p->size = (uint16_t)record_size;
    p->per_page = (uint16_t)(PAGE_SIZE / record_size);
    p->what = what;
}

static bool *record_at(const struct pool *p, unsigned pg, unsigned slot)
{
    return (bool *)((char *)p->va[pg] + slot * p->size);
}

/* The page where the next record goes: one with room, else an empty slot
 * for a new page (*fresh), else POOL_PAGES. */
static unsigned page_for_next(const struct pool *p, bool *fresh)
{
    unsigned empty = POOL_PAGES;
    for (unsigned pg = 0; pg < POOL_PAGES; pg++) {
        if (p->page[pg].cap && p->live[pg] < p->per_page) {
            *fresh = false;
            return pg;
        }
        if (!p->page[pg].cap && empty == POOL_PAGES) {
            empty = pg;
        }
    }
    *fresh = true;
    return empty;
}

uint64_t pool_cost(const struct pool *p)
{
    bool fresh;
    page_for_next(p, &fresh);
    return fresh ? PAGE_SIZE : 0;
}

static uint64_t add_page(struct core *c, struct pool *p, unsigned pg)
{
    void *va = window_alloc_n(1);
    if (!va) {
        return RPC_OUT_OF_RAM;
    }
    if (kobj_make(c, OBJ_FRAME, 1, &p->page[pg])) {
        window_free_n(va, 1);
        return RPC_OUT_OF_RAM;
    }
    if (pd_map(c, NULL, p->page[pg].cap, (uint64_t)va, RIGHT_READ | RIGHT_WRITE)) {
        kobj_free(c, &p->page[pg]);
        window_free_n(va, 1);
        return RPC_OUT_OF_RAM;
    }
    p->va[pg] = va; /* retyped RAM comes zeroed */
    return RPC_OK;
}

uint64_t pool_alloc(struct core *c, struct pool *p, struct session *payer, unsigned *id, void **out)
{
    struct account *a = &payer->pd->acct;
    bool fresh;
    unsigned pg = page_for_next(p, &fresh);
    if (pg == POOL_PAGES) {
        printf("[core] PD \"%s\": all %u pages of %s in use (the limit per PD session)\n", payer->label,
               POOL_PAGES, p->what);
        return RPC_OUT_OF_CAPS;
    }
    if (fresh && !account_take(a, PAGE_SIZE, 1)) {
        bool ram_short = a->ram_quota - a->ram_used < PAGE_SIZE;
        printf("[core] PD \"%s\": %s more needed for %s\n", payer->label, ram_short ? "4 KiB RAM" : "1 cap",
               p->what);
        return ram_short ? RPC_OUT_OF_RAM : RPC_OUT_OF_CAPS;
    }
    uint64_t st = fresh ? add_page(c, p, pg) : RPC_OK;
    if (st != RPC_OK) {
        account_give(a, PAGE_SIZE, 1);
        return st;
    }
    for (unsigned slot = 0; slot < p->per_page; slot++) {
        bool *rec = record_at(p, pg, slot);
        if (!*rec) {
            memset(rec, 0, p->size);
            *rec = true;
            p->live[pg]++;
            *id = pg * p->per_page + slot;
            *out = rec;
            return RPC_OK;
        }
    }
    return RPC_OUT_OF_RAM; /* not reached: the page had room */
}

void *pool_get(const struct pool *p, unsigned id)
{
    unsigned pg = id / (p->per_page ? p->per_page : 1);
    if (pg >= POOL_PAGES || !p->page[pg].cap) {
        return NULL;
    }
    bool *rec = record_at(p, pg, id % p->per_page);
    return *rec ? rec : NULL;
}

void *pool_next(const struct pool *p, unsigned *id)
{
    for (; *id < POOL_PAGES * p->per_page; (*id)++) {
        void *rec = pool_get(p, *id);
        if (rec) {
            return rec;
        }
    }
    return NULL;
}

void pool_free(struct core *c, struct pool *p, struct session *payer, unsigned id)
{
    unsigned pg = id / p->per_page;
    bool *rec = pool_get(p, id);
    if (!rec) {
        return;
    }
    *rec = false;
    if (--p->live[pg] == 0) {
        kobj_free(c, &p->page[pg]); /* unmaps it from core */
        window_free_n(p->va[pg], 1);
        p->va[pg] = NULL;
        account_give(&payer->pd->acct, PAGE_SIZE, 1);
    }
}
