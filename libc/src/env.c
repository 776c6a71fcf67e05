/*
 * First-task environment (see rt/env.h).
 */
#include <rt/env.h>
#include <rt/vspace.h>
#include <rt/syscall.h>
#include <arbor/elf.h>

#define ATTACH_BASE 0x100000000ull
#define PROCESS_SLOT_BITS 8

void env_init(struct env *e, const struct bootinfo *bi)
{
    e->bi = bi;
    e->next_slot = bi->first_free;
    e->untyped = 0;
    e->scratch = ATTACH_BASE;
    e->next_area = 1; /* area 0 is the first thread's */
}

cap_t env_slot(struct env *e)
{
    return e->next_slot < e->bi->slot_count ? e->next_slot++ : CAP_NULL;
}

uint64_t env_retype(struct env *e, unsigned type, uint64_t arg, cap_t *out)
{
    cap_t slot = env_slot(e);
    if (!slot) {
        return ERR_INVALID_CAP;
    }
    uint64_t err = ERR_NO_MEMORY;
    while (e->untyped < e->bi->untyped_count) {
        err = sys_retype(e->bi->untyped_first + e->untyped, type, arg, slot);
        if (err != ERR_NO_MEMORY) {
            break;
        }
        e->untyped++;
    }
    *out = slot;
    return err;
}

static uint64_t new_table(void *e, cap_t *pt)
{
    return env_retype(e, OBJ_PAGE_TABLE, 0, pt);
}

uint64_t env_map(struct env *e, cap_t frame, cap_t pd, uint64_t va, unsigned rights)
{
    return rt_map_frame(frame, pd, va, rights, new_table, e);
}

void *env_attach(struct env *e, cap_t frame, uint64_t pages, unsigned rights)
{
    uint64_t va = e->scratch;
    if (env_map(e, frame, BI_CAP_PD, va, rights)) {
        return NULL;
    }
    e->scratch += (pages + 1) * PAGE_SIZE; /* one unmapped page between */
    return (void *)va;
}

uint64_t env_thread_create(struct env *e, cap_t pd, uint64_t area, cap_t fault_ep, unsigned prio,
                           struct env_thread *t)
{
    enum { STACK_PAGES = 8 };
    uint64_t utcb_va = STACK_AREA_UTCB(area);
    uint64_t err;
    if ((err = env_retype(e, OBJ_FRAME, 1, &t->utcb)) ||
        (err = env_retype(e, OBJ_FRAME, STACK_PAGES, &t->stack)) ||
        (err = env_retype(e, OBJ_THREAD, 0, &t->thread)) ||
        (err = env_map(e, t->utcb, pd, utcb_va, RIGHT_READ | RIGHT_WRITE)) ||
        (err = env_map(e, t->stack, pd, utcb_va - STACK_PAGES * PAGE_SIZE, RIGHT_READ | RIGHT_WRITE)) ||
        (err = sys_thread_config(t->thread, pd, t->utcb, fault_ep)) ||
        (err = sys_thread_prio(t->thread, prio))) {
        return err;
    }
    t->sp = utcb_va;
    return ERR_OK;
}

uint64_t env_local_thread(struct env *e, void (*fn)(uint64_t), uint64_t arg, unsigned prio, cap_t fault_ep,
                          struct env_thread *t)
{
    uint64_t area = STACK_AREA_FIRST + e->next_area++ * STACK_AREA_SIZE;
    uint64_t err = env_thread_create(e, BI_CAP_PD, area, fault_ep, prio, t);
    if (err) {
        return err;
    }
    /* The entry wants a 16-byte aligned stack minus the return address. */
    return sys_thread_start(t->thread, (uint64_t)fn, t->sp - 8, arg);
}

static uint64_t load_segment(struct env *e, cap_t pd, const uint8_t *file, const struct elf_segment *s)
{
    uint64_t start = s->vaddr & ~(PAGE_SIZE - 1);
    uint64_t pages = (s->vaddr + s->memsz - start + PAGE_SIZE - 1) / PAGE_SIZE;
    cap_t frame;
    uint64_t err = env_retype(e, OBJ_FRAME, pages, &frame);
    if (err) {
        return err;
    }
    uint8_t *dst = env_attach(e, frame, pages, RIGHT_READ | RIGHT_WRITE);
    if (!dst) {
        return ERR_NO_MEMORY;
    }
    memcpy(dst + (s->vaddr - start), file + s->offset, s->filesz);
    sys_frame_unmap(frame);
    unsigned rights =
        RIGHT_READ | ((s->flags & ELF_SEG_W) ? RIGHT_WRITE : 0) | ((s->flags & ELF_SEG_X) ? RIGHT_EXEC : 0);
    return env_map(e, frame, pd, start, rights);
}

uint64_t env_process_create(struct env *e, const void *elf, uint64_t len, cap_t fault_ep, unsigned prio,
                            uint64_t arg, struct env_process *p)
{
    struct elf_image img;
    if (elf_parse(elf, len, USER_END, &img) != ELF_OK) {
        return ERR_INVALID_ARG;
    }
    uint64_t err = env_retype(e, OBJ_PD, PROCESS_SLOT_BITS, &p->pd);
    for (unsigned i = 0; !err && i < img.count; i++) {
        err = load_segment(e, p->pd, elf, &img.seg[i]);
    }
    if (!err) {
        err = env_thread_create(e, p->pd, STACK_AREA_FIRST, fault_ep, prio, &p->main);
    }
    if (!err) {
        err = sys_thread_start(p->main.thread, img.entry, p->main.sp, arg);
    }
    return err;
}

const struct bootinfo_module *env_module(struct env *e, const char *name)
{
    for (unsigned i = 0; i < e->bi->module_count; i++) {
        if (!strcmp(e->bi->module[i].name, name)) {
            return &e->bi->module[i];
        }
    }
    return NULL;
}
