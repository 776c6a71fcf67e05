/*
 * Kernel address space: the direct map of physical memory at
 * DIRECT_MAP_BASE and the kernel image at KERNEL_VMA, built once at boot
 * from static tables. Every PD's PML4 shares the kernel half (entries
 * 256..511) by copying these entries (vspace.c).
 *
 * W^X: the direct map is never executable, and at KERNEL_VMA only the
 * image is mapped, page by page: text read+execute, rodata read-only,
 * data and bss read+write, both not executable. paging_check_wx() walks
 * the tables as the CPU does and reports what it finds.
 */
#include "../../kernel.h"
#include "arch.h"
#include "paging.h"

#define DIRECT_MAP_MAX_GIB 64

static uint64_t kernel_pml4[512] __attribute__((aligned(4096)));
static uint64_t direct_pdpt[512] __attribute__((aligned(4096)));
static uint64_t direct_pd[DIRECT_MAP_MAX_GIB][512] __attribute__((aligned(4096)));
static uint64_t low_pt[512] __attribute__((aligned(4096))); /* first 2 MiB */
static uint64_t image_pdpt[512] __attribute__((aligned(4096)));
static uint64_t image_pd[512] __attribute__((aligned(4096)));
#define IMAGE_PTS 2 /* the image's 4 MiB window (kernel.ld checks the size) */
static uint64_t image_pt[IMAGE_PTS][512] __attribute__((aligned(4096)));
extern char _text_start[], _rodata_start[], _data_start[], _bss_end[];

static uint64_t phys(const void *p)
{
    return virt_to_phys(p);
}

/* Physical 0xfe000000..4 GiB holds the APICs and firmware, 0xa0000..
 * 0xbffff the legacy VGA window (the screen console, vga_text.c): uncached. */
static uint64_t cache_bits(uint64_t pa)
{
    bool apic = pa >= 0xfe000000ull && pa < 0x100000000ull;
    bool vga = pa >= 0xa0000ull && pa < 0xc0000ull;
    return apic || vga ? PTE_PCD | PTE_PWT : 0;
}

/* The first 2 MiB in 4 KiB pages, so that the VGA window alone is
 * uncached and no RAM page has a second, differently cached alias. */
static uint64_t map_low(uint64_t nx)
{
    for (uint64_t i = 0; i < 512; i++) {
        low_pt[i] = (i << 12) | PTE_P | PTE_W | PTE_G | nx | cache_bits(i << 12);
    }
    return phys(low_pt) | PTE_P | PTE_W;
}

static uint64_t image_flags(uint64_t va, uint64_t nx)
{
    if (va < (uint64_t)_rodata_start) {
        return PTE_P | PTE_G; /* text: read, execute */
    }
    if (va < (uint64_t)_data_start) {
        return PTE_P | PTE_G | nx; /* rodata: read */
    }
    return PTE_P | PTE_W | PTE_G | nx; /* data, bss: read, write */
}

static void map_image(uint64_t nx)
{
    uint64_t window = ALIGN_DOWN((uint64_t)_text_start, 1ull << 21);
    for (uint64_t va = (uint64_t)_text_start; va < (uint64_t)_bss_end; va += PAGE_SIZE) {
        uint64_t i = (va - window) / PAGE_SIZE;
        image_pt[i / 512][i % 512] = phys((void *)va) | image_flags(va, nx);
    }
    for (unsigned t = 0; t < IMAGE_PTS; t++) {
        image_pd[((window >> 21) & 511) + t] = phys(image_pt[t]) | PTE_P | PTE_W;
    }
    image_pdpt[510] = phys(image_pd) | PTE_P | PTE_W;
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
            direct_pd[g][i] = pa ? pa | PTE_P | PTE_W | PTE_PS | PTE_G | nx | cache_bits(pa) : map_low(nx);
        }
        direct_pdpt[g] = phys(direct_pd[g]) | PTE_P | PTE_W;
    }
    map_image(nx);
    paging_noflush = cpu_features.pcid ? 1ull << 63 : 0;
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

uint64_t paging_noflush;

uint64_t paging_cr3(uint64_t pml4_phys, uint16_t pcid)
{
    return cpu_features.pcid ? pml4_phys | pcid : pml4_phys;
}

void paging_load(uint64_t pml4_phys, uint16_t pcid, bool flush)
{
    paging_load_cr3(paging_cr3(pml4_phys, pcid) | (flush ? 0 : paging_noflush));
}

void paging_invalidate(uint64_t vaddr)
{
    __asm__ volatile("invlpg (%0)" ::"r"(vaddr) : "memory");
}

void paging_flush_all(void)
{
    uint64_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    /* Toggling PGE flushes everything, for every PCID (Intel SDM 4.10.4.1) */
    __asm__ volatile("mov %0, %%cr4\n\tmov %1, %%cr4" ::"r"(cr4 ^ (1u << 7)), "r"(cr4) : "memory");
}

/* Bytes mapped writable and executable, and executable, below table
 * (level 4 = PML4), with the W and NX bits of the levels above. */
struct wx_count {
    uint64_t wx, x;
};

static void walk(const uint64_t *table, unsigned level, unsigned first, bool w, bool nx, struct wx_count *c)
{
    for (unsigned i = first; i < 512; i++) {
        uint64_t e = table[i];
        if (!(e & PTE_P)) {
            continue;
        }
        bool ew = w && (e & PTE_W), enx = nx || (e & PTE_NX);
        if (level == 1 || (e & PTE_PS)) {
            uint64_t size = 1ull << (12 + 9 * (level - 1));
            c->x += enx ? 0 : size;
            c->wx += ew && !enx ? size : 0;
        } else {
            walk(phys_to_virt(e & PTE_ADDR), level - 1, 0, ew, enx, c);
        }
    }
}

void paging_check_wx(void)
{
    struct wx_count c = {0, 0};
    walk(kernel_pml4, 4, 256, true, false, &c);
    uint64_t text = (uint64_t)_rodata_start - (uint64_t)_text_start;
    kprintf("kernel: W^X: %lu KiB writable+executable, %lu KiB executable (the text is %lu KiB)%s\n",
            c.wx >> 10, c.x >> 10, text >> 10, cpu_features.nx ? "" : ", the CPU has no NX");
}
