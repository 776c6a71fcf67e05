/*
 * kernel_main: the table of contents of booting. Entered from boot.asm in
 * long mode on the boot page tables with the loader's magic and info.
 *
 *   console -> CPU (GDT, IDT, SYSCALL, features) -> direct map ->
 *   boot loader info, screen console -> free memory -> ACPI, APICs, timer calibration ->
 *   the other CPUs -> first user task -> scheduler.
 */
#include "objects.h"
#include "boot_params.h"
#include "phys_mem.h"
#include "screen_console.h"
#include "test_panic.h"
#include "arch/x86_64/acpi.h"

#define RAM_LIMIT (64ull << 30) /* what the direct map covers */

extern char _boot_start[], _kernel_end_phys[];
void root_task_create(const struct boot_params *bp, struct phys_mem *pm, uint64_t ram_total, uint64_t rsdp);

static struct boot_params boot;
static struct phys_mem free_mem;

static const void *read_phys(uint64_t phys, uint64_t len)
{
    if (phys == 0 || phys + len < phys || phys + len > (4ull << 30)) {
        return NULL;
    }
    return phys_to_virt(phys);
}

static uint64_t collect_memory(uint32_t info)
{
    uint64_t total = 0, top = 0;
    for (unsigned i = 0; i < boot.region_count; i++) {
        const struct boot_region *r = &boot.ram[i];
        phys_mem_add(&free_mem, r->base, r->size, RAM_LIMIT);
        total += r->size;
        top = r->base + r->size > top ? r->base + r->size : top;
    }
    paging_init(top);
    phys_mem_reserve(&free_mem, 0, 1ull << 20);
    phys_mem_reserve(&free_mem, (uint64_t)_boot_start, (uint64_t)_kernel_end_phys);
    for (unsigned i = 0; i < boot.module_count; i++) {
        phys_mem_reserve(&free_mem, boot.module[i].start, boot.module[i].end);
    }
    uint64_t info_len = boot.protocol == 2 ? boot.info_size : PAGE_SIZE;
    phys_mem_reserve(&free_mem, info, info + info_len);
    return total;
}

/* A page of RAM below 1 MiB (the SIPI vector's reach) that neither the
 * loader's information nor a module occupies, for the AP trampoline: the
 * kernel keeps the first MiB out of the free memory, so it stays free. */
static uint64_t trampoline_page(uint32_t info)
{
    uint64_t info_end = info + (boot.protocol == 2 ? boot.info_size : PAGE_SIZE);
    for (uint64_t p = 0x8000; p < 0x9f000; p += PAGE_SIZE) {
        bool ram = false, used = p < info_end && info < p + PAGE_SIZE;
        for (unsigned i = 0; i < boot.region_count; i++) {
            ram |= boot.ram[i].base <= p && p + PAGE_SIZE <= boot.ram[i].base + boot.ram[i].size;
        }
        for (unsigned i = 0; i < boot.module_count; i++) {
            used |= p < boot.module[i].end && boot.module[i].start < p + PAGE_SIZE;
        }
        if (ram && !used) {
            return p;
        }
    }
    return 0;
}

void kernel_main(uint32_t magic, uint32_t info)
{
    serial_init();
    kprintf("\nArbor kernel\n");
    smp_boot_cpu_init();
    kernel_lock_take(); /* the APs wait for it until the boot is done */
    paging_init(0);
    const char *why = "";
    if (!boot_params_parse(magic, info, read_phys, &boot, &why)) {
        panic("%s (magic %x)", why, magic);
    }
    screen_console_init(&boot);
    test_panic_init(boot.cmdline, sizeof(boot.cmdline));
    uint64_t ram = collect_memory(info);
    paging_check_wx();
    kprintf("kernel: Multiboot%u, %lu MiB RAM, %u module(s), CPU %s%s%s%s%s%s\n", boot.protocol, ram >> 20,
            boot.module_count, cpu_features.vendor, cpu_features.nx ? " nx" : "",
            cpu_features.smep ? " smep" : "", cpu_features.smap ? " smap" : "",
            cpu_features.pcid ? " pcid" : "", cpu_features.x2apic ? " x2apic" : "");
    apic_init(boot.rsdp_copy);
    smp_start(&free_mem, trampoline_page(info));
    root_task_create(&boot, &free_mem, ram, acpi.rsdp);
    kprintf("kernel: starting \"%s\", %lu MiB left as untyped memory\n", boot.module[0].name,
            phys_mem_free(&free_mem) >> 20);
    console_boot();
    apic_timer_start(10000);
    kernel_exit();
}
