/*
 * Starting an application processor: the trampoline (ap_boot.asm) copied
 * to a page below 1 MiB, its parameters filled in, and the INIT-SIPI-SIPI
 * sequence of the Intel SDM (vol. 3, "MP initialization"): INIT, 10 ms,
 * STARTUP, 200 us, STARTUP again if the AP has not answered. smp.c
 * decides which CPUs to start and waits for each.
 */
#include "../../objects.h"

extern char ap_trampoline[], ap_trampoline_end[], ap_entry64[];
extern char boot_pml4[]; /* boot.asm: maps the first GiB 1:1 and the image */

/* The trampoline's last bytes (ap_boot.asm). */
struct ap_params {
    uint32_t boot_cr3, efer;
    uint64_t entry64, kernel_cr3, stack, cpu;
};

#define EFER_LME (1u << 8)
#define EFER_NXE (1u << 11)

bool arch_cpu_start(struct arch_cpu *c, uint64_t page, uint32_t *state, uint64_t timeout_us)
{
    uint64_t size = (uint64_t)(ap_trampoline_end - ap_trampoline);
    uint8_t *t = phys_to_virt(page);
    memcpy(t, ap_trampoline, size);
    struct ap_params *p = (struct ap_params *)(t + size - sizeof(*p));
    p->boot_cr3 = (uint32_t)(uint64_t)boot_pml4; /* boot.asm's symbols are physical */
    p->efer = EFER_LME | (cpu_features.nx ? EFER_NXE : 0);
    p->entry64 = (uint64_t)ap_entry64;
    p->kernel_cr3 = paging_kernel_pml4();
    p->stack = c->kernel_stack;
    p->cpu = (uint64_t)c;
    __asm__ volatile("mfence" ::: "memory");
    apic_send_init(c->apic_id);
    apic_delay_us(10000);
    for (unsigned sipi = 0; sipi < 2 && __atomic_load_n(state, __ATOMIC_ACQUIRE) != CPU_ONLINE; sipi++) {
        apic_send_startup(c->apic_id, page);
        apic_delay_us(200);
    }
    uint64_t end = rdtsc() + apic_tsc_hz() / 1000000 * timeout_us;
    while (__atomic_load_n(state, __ATOMIC_ACQUIRE) != CPU_ONLINE && rdtsc() < end) {
        __asm__ volatile("pause");
    }
    /* Too late: whichever of us changes the state first decides. */
    uint32_t starting = CPU_STARTING;
    __atomic_compare_exchange_n(state, &starting, CPU_ABANDONED, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    return __atomic_load_n(state, __ATOMIC_ACQUIRE) == CPU_ONLINE;
}
