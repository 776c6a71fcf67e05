/*
 * Protection domains: creation with an ASID, and destruction in two steps.
 * When the last capability goes, the PD leaves the ASID table (so stale
 * mapping records no longer find it) and joins the dying list; its cap
 * space is emptied from kernel_exit(). Doing that outside the delete path
 * keeps destruction iterative: a chain of PDs each holding the only cap of
 * the next cannot recurse through the kernel stack.
 */
#include "objects.h"

#define ASID_COUNT 4096

static struct {
    struct pd *pd;
    uint32_t generation;
} asids[ASID_COUNT];
static unsigned asid_hint = 1;

/* The PML4 page, one page for the header (and the first slots), the slots. */
_Static_assert(offsetof(struct pd, slots) <= 2 * PAGE_SIZE, "PD header exceeds its page");

uint64_t pd_object_size(unsigned slot_bits)
{
    return OBJ_SIZE_PD(slot_bits);
}

err_t pd_create(struct pd *pd, unsigned slot_bits)
{
    for (unsigned n = 1; n < ASID_COUNT; n++) {
        unsigned a = (asid_hint + n - 1) % (ASID_COUNT - 1) + 1;
        if (!asids[a].pd) {
            asids[a].pd = pd;
            asids[a].generation++;
            asid_hint = a + 1;
            pd->asid = (uint16_t)a;
            pd->slot_bits = (uint8_t)slot_bits;
            pd->slot_last = (1ull << slot_bits) - 1;
            pd_flush_later(pd);
            pd->cr3 = paging_cr3(virt_to_phys(pd->pml4), pd->asid);
            vspace_init_pd(pd);
            return ERR_OK;
        }
    }
    return ERR_NO_MEMORY;
}

uint64_t pd_mapping_id(struct pd *pd)
{
    return ((uint64_t)asids[pd->asid].generation << 16) | pd->asid;
}

struct pd *pd_by_mapping(uint64_t id)
{
    unsigned a = id & 0xffff;
    if (a == 0 || a >= ASID_COUNT || asids[a].generation != (id >> 16)) {
        return NULL;
    }
    return asids[a].pd;
}

void pd_unref(struct pd *pd)
{
    if (--pd->refs) {
        return;
    }
    asids[pd->asid].pd = NULL;
    struct cpu *self = this_cpu();
    if (self->current_pd == pd) {
        paging_load(paging_kernel_pml4(), 0, false);
        self->current_pd = NULL;
    }
    for (unsigned i = 0; i < kernel.cpu_count; i++) {
        if (kernel.cpu[i]->current_pd == pd) {
            smp_sync_later(); /* it leaves the PML4 before its memory can be reused */
        }
    }
    pd->dying_index = 1;
    pd->dying_next = kernel.dying;
    kernel.dying = pd;
    self->arch.exit_work = 1; /* the quick return does not look at kernel.dying */
}

void pd_process_dying(void)
{
    unsigned budget = STEP_DYING_SLOTS;
    while (kernel.dying) {
        struct pd *pd = kernel.dying;
        uint64_t n = 1ull << pd->slot_bits;
        while (pd->dying_index < n) {
            if (!budget--) {
                return; /* the next kernel exit (any CPU's) goes on */
            }
            cap_delete(&pd->slots[pd->dying_index++]);
        }
        if (kernel.dying == pd) {
            kernel.dying = pd->dying_next;
        } else {
            /* cap_delete pushed more PDs in front of us; unlink ourselves. */
            struct pd **p = &kernel.dying;
            while (*p != pd) {
                p = &(*p)->dying_next;
            }
            *p = pd->dying_next;
        }
    }
}
