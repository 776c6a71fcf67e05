/*
 * The first task's environment: allocating cap slots and kernel objects
 * from the untyped memory in the boot info, mapping frames with page
 * tables made on demand, and starting threads and programs. This is the
 * seed of core; components proper get their resources through sessions.
 */
#ifndef RT_ENV_H
#define RT_ENV_H

#include <arbor/bootinfo.h>
#include <rt/rt.h>

struct env {
    const struct bootinfo *bi;
    cap_t next_slot;    /* slot allocator: bump */
    unsigned untyped;   /* index of the untyped cap in use */
    uint64_t scratch;   /* next free address of the attach region */
    unsigned next_area; /* next free stack area in own PD */
};

void env_init(struct env *e, const struct bootinfo *bi);

/* A free slot in our cap space, 0 when none is left. */
cap_t env_slot(struct env *e);

/* Retype a new object into a fresh slot (*out); returns the kernel status. */
uint64_t env_retype(struct env *e, unsigned type, uint64_t arg, cap_t *out);

/* Map frame into pd at va, creating missing page tables. */
uint64_t env_map(struct env *e, cap_t frame, cap_t pd, uint64_t va, unsigned rights);

/* Map frame (pages long) into our own address space; returns its address
 * or 0. Unmap with sys_frame_unmap. */
void *env_attach(struct env *e, cap_t frame, uint64_t pages, unsigned rights);

/* A new thread with its stack area (UTCB + stack) at area in pd.
 * fault_ep may be CAP_NULL. The thread is configured but not started. */
struct env_thread {
    cap_t thread, utcb, stack;
    uint64_t sp;
};
uint64_t env_thread_create(struct env *e, cap_t pd, uint64_t area, cap_t fault_ep, unsigned prio,
                           struct env_thread *t);

/* A thread in our own PD running fn(arg) in the next free stack area. */
uint64_t env_local_thread(struct env *e, void (*fn)(uint64_t), uint64_t arg, unsigned prio, cap_t fault_ep,
                          struct env_thread *t);

/* Load an ELF program into a new PD and start its first thread with arg. */
struct env_process {
    cap_t pd;
    struct env_thread main;
};
uint64_t env_process_create(struct env *e, const void *elf, uint64_t len, cap_t fault_ep, unsigned prio,
                            uint64_t arg, struct env_process *p);

/* Find a boot module by name; 0 if there is none. */
const struct bootinfo_module *env_module(struct env *e, const char *name);

#endif
