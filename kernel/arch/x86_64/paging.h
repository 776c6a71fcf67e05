/*
 * x86_64 page-table entry bits, shared by paging.c (kernel half) and
 * vspace.c (user address spaces).
 */
#ifndef KERNEL_ARCH_PAGING_H
#define KERNEL_ARCH_PAGING_H

#define PTE_P 0x001ull
#define PTE_W 0x002ull
#define PTE_U 0x004ull
#define PTE_PWT 0x008ull
#define PTE_PCD 0x010ull
#define PTE_PS 0x080ull
#define PTE_G 0x100ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

const uint64_t *paging_kernel_half(void);

#endif
