/*
 * The first user task (core, or a test task standing in for it): built by
 * the kernel from the first boot module, with memory taken from the boot
 * allocator. It receives its own PD and thread, interrupt control, all I/O
 * ports, frames for every boot module and the boot-info page, and all the
 * remaining RAM as untyped capabilities (see include/arbor/bootinfo.h).
 */
#include "objects.h"
#include "boot_params.h"
#include "phys_mem.h"
#include "screen_console.h"
#include "arch/x86_64/acpi.h"
#include <arbor/bootinfo.h>
#include <arbor/elf.h>
#include <arbor/kernel_devices.h>

#define ROOT_SLOT_BITS 14

static struct phys_mem *boot_mem;

static uint64_t alloc_pages(uint64_t n)
{
    uint64_t pa = phys_mem_alloc(boot_mem, n);
    if (!pa) {
        panic("out of memory while building the first task (%lu pages)", n);
    }
    memset(phys_to_virt(pa), 0, n * PAGE_SIZE);
    return pa;
}

static uint64_t alloc_page(void)
{
    return alloc_pages(1);
}

static void load_elf(struct pd *pd, const struct boot_module *m, struct thread *t)
{
    struct elf_image img;
    const uint8_t *file = phys_to_virt(m->start);
    enum elf_status st = elf_parse(file, m->end - m->start, USER_END, &img);
    if (st != ELF_OK) {
        panic("first boot module \"%s\" is not a loadable program: %s", m->name, elf_status_text(st));
    }
    for (unsigned i = 0; i < img.count; i++) {
        const struct elf_segment *s = &img.seg[i];
        unsigned rights = RIGHT_READ | ((s->flags & ELF_SEG_W) ? RIGHT_WRITE : 0) |
                          ((s->flags & ELF_SEG_X) ? RIGHT_EXEC : 0);
        for (uint64_t va = ALIGN_DOWN(s->vaddr, PAGE_SIZE); va < s->vaddr + s->memsz; va += PAGE_SIZE) {
            uint8_t *page = phys_to_virt(vspace_boot_map(pd, va, rights, alloc_page));
            /* The part of [va, va + 4K) the file provides; the rest stays 0. */
            uint64_t from = va > s->vaddr ? va : s->vaddr;
            uint64_t to = va + PAGE_SIZE < s->vaddr + s->filesz ? va + PAGE_SIZE : s->vaddr + s->filesz;
            if (from < to) {
                memcpy(page + (from - va), file + s->offset + (from - s->vaddr), to - from);
            }
        }
    }
    t->regs.rip = img.entry;
}

static struct cap *put(struct pd *pd, cap_t slot, unsigned type, unsigned rights, uint64_t object)
{
    struct cap *c = &pd->slots[slot];
    c->type = (uint8_t)type;
    c->rights = (uint8_t)rights;
    c->object = object;
    cap_object_ref(c);
    return c;
}

/* The device pages the kernel drives (the APICs, from ACPI; the VGA
 * window while the screen console is on), listed in the boot-info page
 * so that core can say why it refuses them. */
static void list_kernel_mmio(struct bootinfo *bi)
{
    bi->kernel_mmio[0].phys = ALIGN_DOWN(acpi.lapic_phys, PAGE_SIZE);
    bi->kernel_mmio[0].size = PAGE_SIZE;
    bi->kernel_mmio[0].device = KDEV_LAPIC;
    bi->kernel_mmio_count = 1;
    for (unsigned i = 0; i < acpi.ioapic_count && bi->kernel_mmio_count < BOOTINFO_MAX_KERNEL_MMIO; i++) {
        bi->kernel_mmio[bi->kernel_mmio_count].phys = ALIGN_DOWN(acpi.ioapic[i].phys, PAGE_SIZE);
        bi->kernel_mmio[bi->kernel_mmio_count].size = PAGE_SIZE;
        bi->kernel_mmio[bi->kernel_mmio_count].device = KDEV_IOAPIC;
        bi->kernel_mmio_count++;
    }
    uint64_t phys, size;
    unsigned device;
    if (screen_console_memory(&phys, &size, &device) && bi->kernel_mmio_count < BOOTINFO_MAX_KERNEL_MMIO) {
        bi->kernel_mmio[bi->kernel_mmio_count].phys = phys;
        bi->kernel_mmio[bi->kernel_mmio_count].size = size;
        bi->kernel_mmio[bi->kernel_mmio_count].device = device;
        bi->kernel_mmio_count++;
    }
}

/* Device memory: every page below DEVICE_LIMIT the loader did not call
 * RAM, except the pages the kernel drives itself. */
#define DEVICE_LIMIT (64ull << 30)

static cap_t give_device(struct pd *pd, struct bootinfo *bi, const struct boot_params *bp, cap_t slot)
{
    static struct phys_mem dev;
    phys_mem_add(&dev, 0, DEVICE_LIMIT, DEVICE_LIMIT);
    for (unsigned i = 0; i < bp->region_count; i++) {
        phys_mem_reserve(&dev, bp->ram[i].base, bp->ram[i].base + bp->ram[i].size);
    }
    list_kernel_mmio(bi);
    for (unsigned i = 0; i < bi->kernel_mmio_count; i++) {
        if (kernel_device_is_screen(bi->kernel_mmio[i].device)) {
            continue; /* core's to hand over: it stops the console first */
        }
        phys_mem_reserve(&dev, bi->kernel_mmio[i].phys, bi->kernel_mmio[i].phys + bi->kernel_mmio[i].size);
    }
    bi->device_first = slot;
    for (unsigned i = 0; i < dev.count && bi->device_count < BOOTINFO_MAX_DEVICE; i++) {
        struct cap *c = put(pd, slot++, OBJ_UNTYPED, RIGHTS_ALL, dev.r[i].base);
        c->word = dev.r[i].end - dev.r[i].base;
        c->level = CAP_LEVEL_DEVICE;
        bi->device[bi->device_count].phys = c->object;
        bi->device[bi->device_count].size = c->word;
        bi->device_count++;
    }
    return slot;
}

static cap_t give_untyped(struct pd *pd, struct bootinfo *bi, cap_t slot)
{
    bi->untyped_first = slot;
    for (unsigned i = 0; i < boot_mem->count && bi->untyped_count < BOOTINFO_MAX_UNTYPED; i++) {
        struct cap *c = put(pd, slot++, OBJ_UNTYPED, RIGHTS_ALL, boot_mem->r[i].base);
        c->word = boot_mem->r[i].end - boot_mem->r[i].base;
        bi->untyped[bi->untyped_count].phys = c->object;
        bi->untyped[bi->untyped_count].size = c->word;
        bi->untyped_count++;
    }
    return slot;
}

void root_task_create(const struct boot_params *bp, struct phys_mem *pm, uint64_t ram_total, uint64_t rsdp)
{
    boot_mem = pm;
    if (bp->module_count == 0) {
        panic("no boot modules: the first module must be the first task (core)");
    }
    uint64_t before = phys_mem_free(pm);
    struct pd *pd = phys_to_virt(alloc_pages(pd_object_size(ROOT_SLOT_BITS) / PAGE_SIZE));
    if (pd_create(pd, ROOT_SLOT_BITS)) {
        panic("no ASID for the first task");
    }
    struct thread *t = phys_to_virt(alloc_pages(OBJ_SIZE_THREAD / PAGE_SIZE));
    thread_init(t);
    t->prio = PRIO_MAX;
    load_elf(pd, &bp->module[0], t);
    for (uint64_t i = 1; i <= BOOTINFO_STACK_PAGES; i++) {
        vspace_boot_map(pd, BOOTINFO_STACK_TOP - i * PAGE_SIZE, RIGHT_READ | RIGHT_WRITE, alloc_page);
    }
    uint64_t utcb = vspace_boot_map(pd, BOOTINFO_UTCB, RIGHT_READ | RIGHT_WRITE, alloc_page);
    uint64_t bi_phys = vspace_boot_map(pd, BOOTINFO_ADDR, RIGHT_READ, alloc_page);
    struct bootinfo *bi = phys_to_virt(bi_phys);

    struct cap *pdc = put(pd, BI_CAP_PD, OBJ_PD, RIGHTS_ALL, (uint64_t)pd);
    put(pd, BI_CAP_THREAD, OBJ_THREAD, RIGHTS_ALL, (uint64_t)t);
    put(pd, BI_CAP_IRQ_CONTROL, OBJ_IRQ_CONTROL, RIGHTS_ALL, 0);
    put(pd, BI_CAP_SCREEN, OBJ_SCREEN, RIGHTS_ALL, 0);
    put(pd, BI_CAP_IO_PORT, OBJ_IO_PORT, RIGHTS_ALL, 0)->count = 0x10000;
    put(pd, BI_CAP_BOOTINFO, OBJ_FRAME, RIGHT_READ, bi_phys)->count = 1;
    struct cap *uc = put(pd, BI_CAP_UTCB, OBJ_FRAME, RIGHT_READ | RIGHT_WRITE, utcb);
    uc->count = 1;
    cap_copy(&t->pd_slot, pdc, pdc);
    cap_copy(&t->utcb_slot, uc, uc);
    t->pd = pd;
    t->utcb = phys_to_virt(utcb);

    cap_t slot = BI_CAP_FIRST_FREE_FIXED;
    for (unsigned i = 0; i < bp->module_count && i < BOOTINFO_MAX_MODULES; i++) {
        const struct boot_module *m = &bp->module[i];
        struct bootinfo_module *bm = &bi->module[bi->module_count++];
        memcpy(bm->name, m->name, sizeof(bm->name));
        bm->phys = ALIGN_DOWN(m->start, PAGE_SIZE);
        bm->size = m->end - m->start;
        bm->frame = slot;
        put(pd, slot++, OBJ_FRAME, RIGHTS_ALL, bm->phys)->count =
            (uint32_t)((ALIGN_UP(m->end, PAGE_SIZE) - bm->phys) / PAGE_SIZE);
    }
    bi->magic = BOOTINFO_MAGIC;
    bi->boot_protocol = bp->protocol;
    bi->tsc_hz = apic_tsc_hz();
    bi->ram_total = ram_total;
    bi->kernel_reserved = before - phys_mem_free(pm);
    bi->slot_count = 1ull << ROOT_SLOT_BITS;
    for (unsigned i = 0; i < bp->region_count && i < BOOTINFO_MAX_RAM; i++) {
        bi->ram[bi->ram_count].phys = bp->ram[i].base;
        bi->ram[bi->ram_count++].size = bp->ram[i].size;
    }
    _Static_assert(sizeof(bi->framebuffer) == sizeof(bp->fb), "framebuffer layouts differ");
    memcpy(&bi->framebuffer, &bp->fb, sizeof(bp->fb));
    bi->acpi_rsdp = rsdp;
    bi->acpi_revision = acpi.revision;
    bi->acpi_rsdt = acpi.rsdt;
    bi->acpi_xsdt = acpi.xsdt;
    memcpy(bi->cmdline, bp->cmdline, sizeof(bi->cmdline));
    slot = give_device(pd, bi, bp, slot);
    bi->first_free = give_untyped(pd, bi, slot);
    boot_mem = NULL; /* everything left now belongs to the first task */

    t->regs.rsp = BOOTINFO_STACK_TOP;
    t->regs.rdi = BOOTINFO_ADDR;
    t->started = true;
    sched_ready(t);
}
