/*
 * Kernel address space: the direct map of physical memory at
 * DIRECT_MAP_BASE and the kernel image at KERNEL_VMA, built once at boot
 * from static tables. Every PD's PML4 shares the kernel half (entries
 * 256..511) by copying these entries (vspace.c).
 */
#include "../../kernel.h"
#include "arch.h"
#include "paging.h"

#define DIRECT_MAP_MAX_GIB 64

static uint64_t kernel_pml4[512] __attribute__((aligned(4096)));
static uint64_t direct_pdpt[512] __attribute__((aligned(4096)));
static uint64_t direct_pd[DIRECT_MAP_MAX_GIB][512] __attribute__((aligned(4096)));
static uint64_t image_pdpt[512] __attribute__((aligned(4096)));
static uint64_t image_pd[512] __attribute__((aligned(4096)));

static uint64_t phys(const void *p)
{
    return virt_to_phys(p);
}

/* Physical 0xfe000000..4 GiB holds the APICs and firmware: uncached. */
static uint64_t cache_bits(uint64_t pa)
{
    return (pa >= 0xfe000000ull && pa < 0x100000000ull) ? PTE_PCD | PTE_PWT : 0;
}

/* Called once early (ram_top 0: the first 4 GiB) and again when the memory
 * map is known; the second call only adds entries. */
void paging_init(uint64_t ram_top)
{
    uint64_t gib = (ALIGN_UP(ram_top, 1ull << 30) >> 30);
    if (gib < 4) {
        gib = 4; /* always cover the 32-bit MMIO hole */
    }
    if (gib > DIRECT_MAP_MAX_GIB) {
        kprintf("kernel: RAM above %u GiB is not used\n", DIRECT_MAP_MAX_GIB);
        gib = DIRECT_MAP_MAX_GIB;
    }
    uint64_t nx = cpu_features.nx ? PTE_NX : 0;
    for (uint64_t g = 0; g < gib; g++) {
        for (uint64_t i = 0; i < 512; i++) {
            uint64_t pa = (g << 30) | (i << 21);
            direct_pd[g][i] = pa | PTE_P | PTE_W | PTE_PS | PTE_G | nx | cache_bits(pa);
        }
        direct_pdpt[g] = phys(direct_pd[g]) | PTE_P | PTE_W;
    }
    for (uint64_t i = 0; i < 512; i++) {
        image_pd[i] = (i << 21) | PTE_P | PTE_W | PTE_PS | PTE_G;
    }
    image_pdpt[510] = phys(image_pd) | PTE_P | PTE_W;
    kernel_pml4[256] = phys(direct_pdpt) | PTE_P | PTE_W;
    kernel_pml4[511] = phys(image_pdpt) | PTE_P | PTE_W;
    paging_load(phys(kernel_pml4), 0, true);
}

uint64_t paging_kernel_pml4(void)
{
    return phys(kernel_pml4);
}

const uint64_t *paging_kernel_half(void)
{
    return kernel_pml4;
}

void paging_load(uint64_t pml4_phys, uint16_t pcid, bool flush)
{
    uint64_t cr3 = pml4_phys;
    if (cpu_features.pcid) {
        cr3 |= pcid;
        if (!flush) {
            cr3 |= 1ull << 63;
        }
    }
    __asm__ volatile("mov %0, %%cr3" ::"r"(cr3) : "memory");
}

void paging_invalidate(uint64_t vaddr)
{
    __asm__ volatile("invlpg (%0)" ::"r"(vaddr) : "memory");
}
