/*
 * User address spaces: 4-level x86_64 page tables built from page-table
 * objects that user level supplies (pt_map), frames mapped into them
 * (frame_map), and their removal. A frame or table cap records the one
 * mapping it made as (ASID generation, ASID) + address; unmapping checks
 * that the entry still points at this frame or table, so a stale record
 * (PD gone, table replaced) can never remove somebody else's mapping.
 */
#include "../../objects.h"
#include "paging.h"

uint64_t vspace_missing_level;
uint64_t vspace_missing_addr;

static unsigned index_of(uint64_t va, unsigned level)
{
    return (va >> (12 + 9 * (level - 1))) & 511;
}

/* Entry for va in the table of the given level (1 = PT ... 4 = PML4), or
 * 0 if a table above is missing (vspace_missing_level says which). */
static uint64_t *entry(struct pd *pd, uint64_t va, unsigned level)
{
    uint64_t *table = pd->pml4;
    for (unsigned l = 4; l > level; l--) {
        uint64_t e = table[index_of(va, l)];
        if (!(e & PTE_P) || (e & PTE_PS)) {
            vspace_missing_level = l - 1;
            return NULL;
        }
        table = phys_to_virt(e & PTE_ADDR);
    }
    return &table[index_of(va, level)];
}

/* Other CPUs may hold the translation too: smp_sync_later flushes them
 * all before this system call ends, so before the frame or table can be
 * retyped (which needs another call). */
static void flush(struct pd *pd, uint64_t va)
{
    if (pd == this_cpu()->current_pd) {
        paging_invalidate(va);
    } else {
        pd_flush_later(pd);
    }
    smp_sync_later();
}

void vspace_init_pd(struct pd *pd)
{
    const uint64_t *k = paging_kernel_half();
    for (unsigned i = 256; i < 512; i++) {
        pd->pml4[i] = k[i];
    }
}

err_t vspace_map_frame(struct pd *pd, struct cap *frame, uint64_t va, unsigned rights)
{
    for (uint64_t i = 0; i < frame->count; i++) {
        uint64_t *e = entry(pd, va + i * PAGE_SIZE, 1);
        if (!e) {
            vspace_missing_addr = va + i * PAGE_SIZE;
            return ERR_NO_TABLE;
        }
        if (*e & PTE_P) {
            return ERR_MAPPED;
        }
    }
    uint64_t flags = PTE_P | PTE_U;
    if (rights & RIGHT_WRITE) {
        flags |= PTE_W;
    }
    if (!(rights & RIGHT_EXEC) && cpu_features.nx) {
        flags |= PTE_NX;
    }
    if (frame->level == CAP_LEVEL_DEVICE) {
        flags |= PTE_PCD | PTE_PWT; /* MMIO must not be cached */
    }
    for (uint64_t i = 0; i < frame->count; i++) {
        *entry(pd, va + i * PAGE_SIZE, 1) = (frame->object + i * PAGE_SIZE) | flags;
    }
    frame->map = pd_mapping_id(pd);
    frame->word = va;
    return ERR_OK;
}

void vspace_unmap_frame(struct cap *frame)
{
    struct pd *pd = frame->map ? pd_by_mapping(frame->map) : NULL;
    for (uint64_t i = 0; pd && i < frame->count; i++) {
        uint64_t va = frame->word + i * PAGE_SIZE;
        uint64_t *e = entry(pd, va, 1);
        if (e && (*e & PTE_P) && (*e & PTE_ADDR) == frame->object + i * PAGE_SIZE) {
            *e = 0;
            flush(pd, va);
        }
    }
    frame->map = 0;
    frame->word = 0;
}

err_t vspace_map_table(struct pd *pd, struct cap *pt, uint64_t va, unsigned level)
{
    uint64_t *e = entry(pd, va, level + 1);
    if (!e) {
        vspace_missing_addr = va;
        return ERR_NO_TABLE;
    }
    if (*e & PTE_P) {
        return ERR_MAPPED;
    }
    *e = pt->object | PTE_P | PTE_W | PTE_U;
    pt->map = pd_mapping_id(pd);
    pt->word = va & ~((1ull << (12 + 9 * level)) - 1);
    pt->level = (uint8_t)level;
    return ERR_OK;
}

void vspace_unmap_table(struct cap *pt)
{
    if (!pt->map) {
        return;
    }
    struct pd *pd = pd_by_mapping(pt->map);
    if (pd) {
        uint64_t *e = entry(pd, pt->word, pt->level + 1u);
        if (e && (*e & PTE_ADDR) == pt->object) {
            *e = 0;
            if (pd == this_cpu()->current_pd) {
                paging_load_cr3(pd->cr3); /* flushes this PCID */
            } else {
                pd_flush_later(pd);
            }
            smp_sync_later();
        }
    }
    /* Entries below may be stale now; the table starts empty next time. */
    memset(phys_to_virt(pt->object), 0, PAGE_SIZE);
    pt->map = 0;
    pt->word = 0;
}

uint64_t vspace_boot_map(struct pd *pd, uint64_t va, unsigned rights, uint64_t (*alloc_page)(void))
{
    uint64_t *table = pd->pml4;
    for (unsigned l = 4; l > 1; l--) {
        uint64_t *e = &table[index_of(va, l)];
        if (!(*e & PTE_P)) {
            *e = alloc_page() | PTE_P | PTE_W | PTE_U;
        }
        table = phys_to_virt(*e & PTE_ADDR);
    }
    uint64_t *e = &table[index_of(va, 1)];
    if (!(*e & PTE_P)) {
        *e = alloc_page() | PTE_P | PTE_U | (cpu_features.nx ? PTE_NX : 0);
    }
    if (rights & RIGHT_WRITE) {
        *e |= PTE_W;
    }
    if (rights & RIGHT_EXEC) {
        *e &= ~PTE_NX;
    }
    return *e & PTE_ADDR;
}
