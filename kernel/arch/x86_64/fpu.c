/*
 * FPU, SSE and AVX state, switched eagerly: the registers always hold the
 * state of the thread that runs or ran last (owner), and switching to
 * another thread saves the owner's state into its TCB and loads the new
 * thread's before it returns to user mode. Nothing is left for a #NM
 * trap, so no thread ever runs while another's registers are loaded
 * (the LazyFP leak). The state goes to the TCB's FPU_AREA_SIZE bytes with
 * XSAVEOPT or XSAVE where CPUID offers them (x87, SSE, AVX and, when the
 * area holds it, AVX-512), else with FXSAVE (x87 and SSE).
 */
#include "../../objects.h"

#define XCR0_X87 0x1ull
#define XCR0_SSE 0x2ull
#define XCR0_AVX 0x4ull
#define XCR0_AVX512 0xe0ull /* opmask, ZMM_Hi256, Hi16_ZMM: all or none */
#define CR4_OSXSAVE (1ull << 18)

enum fpu_mode fpu_mode;
/* Where the state in a CPU's registers belongs (arch_cpu()->fpu_owner):
 * the FPU area of the thread that ran last, or (at boot, or when that
 * thread went away) this scratch area, which nobody loads from; CPUs may
 * save into it at the same time. Never 0, so a switch need not test it. */
uint8_t fpu_scratch[FPU_AREA_SIZE] __attribute__((aligned(64)));

static void xsetbv(uint64_t xcr0)
{
    __asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)xcr0), "d"((uint32_t)(xcr0 >> 32)));
}

/* Enable the state components the CPU has and FPU_AREA_SIZE holds. */
static uint64_t enable_xsave(void)
{
    uint32_t r[4];
    uint64_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4 | CR4_OSXSAVE));
    cpuid(0xd, 0, r);
    uint64_t xcr0 = ((uint64_t)r[3] << 32 | r[0]) & (XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_AVX512);
    if ((xcr0 & XCR0_AVX512) != XCR0_AVX512 || !(xcr0 & XCR0_AVX)) {
        xcr0 &= ~XCR0_AVX512;
    }
    for (;;) {
        xsetbv(xcr0);
        cpuid(0xd, 0, r); /* ebx: area size for what xcr0 enables */
        if (r[1] <= FPU_AREA_SIZE || xcr0 == (XCR0_X87 | XCR0_SSE)) {
            break;
        }
        xcr0 &= (xcr0 & XCR0_AVX512) ? ~XCR0_AVX512 : ~XCR0_AVX;
    }
    cpuid(0xd, 1, r);
    fpu_mode = (r[0] & 1) ? FPU_XSAVEOPT : FPU_XSAVE;
    return xcr0;
}

void arch_fpu_init(bool announce)
{
    uint32_t r[4];
    arch_cpu()->fpu_owner = fpu_scratch;
    cpuid(1, 0, r);
    if (!(r[2] & (1u << 26))) {
        fpu_mode = FPU_FXSAVE;
        if (!announce) {
            return;
        }
        kprintf("kernel: FPU state with FXSAVE (x87, SSE), switched eagerly\n");
        return;
    }
    uint64_t xcr0 = enable_xsave();
    if (!announce) {
        return;
    }
    kprintf("kernel: FPU state with %s, XCR0 %lx (x87, SSE%s%s), switched eagerly\n",
            fpu_mode == FPU_XSAVEOPT ? "XSAVEOPT" : "XSAVE", xcr0, (xcr0 & XCR0_AVX) ? ", AVX" : "",
            (xcr0 & XCR0_AVX512) ? ", AVX-512" : "");
}

void arch_fpu_init_thread(uint8_t *area)
{
    /* Zero except the control words: x87 and SSE exceptions masked. The
     * XSAVE header (all zero) puts every other component in its initial
     * state on the first restore. */
    *(uint16_t *)area = 0x37f;         /* FCW */
    *(uint32_t *)(area + 24) = 0x1f80; /* MXCSR */
}

void arch_fpu_release(struct thread *t)
{
    struct arch_cpu *c = arch_cpu();
    if (c->fpu_owner != t->fpu) {
        return;
    }
    if (fpu_mode == FPU_FXSAVE) {
        __asm__ volatile("fxsave64 (%0)" ::"r"(t->fpu) : "memory");
    } else {
        __asm__ volatile("xsave64 (%0)" ::"r"(t->fpu), "a"(~0u), "d"(~0u) : "memory");
    }
    c->fpu_owner = fpu_scratch;
}

void arch_fpu_forget(struct arch_cpu *c, struct thread *t)
{
    if (c->fpu_owner == t->fpu) {
        c->fpu_owner = fpu_scratch; /* its registers are overwritten before anyone runs */
    }
}
