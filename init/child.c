/*
 * Making and unmaking a child. A child is a PD session at core (its RAM and
 * cap quota), a CPU session, its binary loaded from a ROM session into
 * dataspaces of its own PD, a stack, one thread, and the environment
 * capabilities core installs: the parent capability (our endpoint, badged
 * with the child), its PD, CPU and thread.
 */
#include "init.h"
#include <arbor/elf.h>

#define STACK_PAGES CHILD_STACK_PAGES

static uint64_t load_segment(struct child *ch, const uint8_t *file, const struct elf_segment *s)
{
    uint64_t start = s->vaddr & ~(PAGE_SIZE - 1), size, at;
    cap_t ds;
    void *dst;
    uint64_t st = pd_alloc(ch->pd, s->vaddr + s->memsz - start, &ds, &size, NULL);
    if (st) {
        return st;
    }
    st = rt_attach(ds, PD_ATTACH_WRITE, &dst);
    if (!st) {
        memcpy((uint8_t *)dst + (s->vaddr - start), file + s->offset, s->filesz);
        pd_detach(ENV_PD, (uint64_t)dst);
        unsigned flags =
            ((s->flags & ELF_SEG_W) ? PD_ATTACH_WRITE : 0) | ((s->flags & ELF_SEG_X) ? PD_ATTACH_EXEC : 0);
        st = pd_attach(ch->pd, ds, start, flags, &at);
    }
    rt_slot_free(ds);
    return st;
}

/* Arguments of a session init opens for the child: out[RPC_STRING_MAX+1].
 * Names come from the config, so they go through the formatter too. */
static bool env_args(char *out, const char *label, const char *resource, uint64_t ram, uint64_t caps)
{
    struct args a = {.count = 0};
    char full[ROUTE_LABEL_MAX];
    return label_prefix_child(full, sizeof(full), label, resource) && args_set(&a, "label", full) &&
           args_set_u64(&a, "ram_quota", ram) && args_set_u64(&a, "cap_quota", caps) &&
           args_format(&a, out, RPC_STRING_MAX + 1);
}

static uint64_t load_binary(struct child *ch, uint64_t *entry)
{
    char args[RPC_STRING_MAX + 1];
    cap_t rom, ds;
    uint64_t id, size, version;
    const uint8_t *image;
    if (!env_args(args, ch->name, ch->binary, ROM_RAM_QUOTA, ROM_CAP_QUOTA)) {
        return RPC_INVALID;
    }
    uint64_t st = parent_session(ROM_SERVICE, args, &rom, &id);
    if (st) {
        printf("child \"%s\": binary \"%s\" not available: %s\n", ch->name, ch->binary, status_text(st));
        return st;
    }
    st = rom_dataspace(rom, &ds, &size, &version);
    if (!st) {
        st = rt_attach(ds, 0, (void **)&image);
    }
    struct elf_image img;
    if (!st) {
        enum elf_status es = elf_parse(image, size, USER_END, &img);
        if (es != ELF_OK) {
            printf("child \"%s\": binary \"%s\": %s\n", ch->name, ch->binary, elf_status_text(es));
            st = RPC_INVALID;
        }
        for (unsigned i = 0; !st && i < img.count; i++) {
            st = load_segment(ch, image, &img.seg[i]);
        }
        *entry = img.entry;
        pd_detach(ENV_PD, (uint64_t)image);
    }
    if (ds) {
        rt_slot_free(ds);
    }
    parent_close(ENV_PARENT, id, NULL, NULL);
    rt_slot_free(rom);
    return st;
}

static uint64_t open_env_sessions(struct child *ch)
{
    char args[RPC_STRING_MAX + 1], affinity[64];
    struct args a;
    if (!env_args(args, ch->name, NULL, ch->ram, ch->caps)) {
        return RPC_INVALID;
    }
    uint64_t st = parent_session_exact(PD_SERVICE, args, &ch->pd, &ch->pd_id);
    if (st) {
        ch->pd = CAP_NULL; /* the quantum from the config is all it gets */
        return st;
    }
    if (!env_args(args, ch->name, NULL, CPU_RAM_QUOTA, CPU_CAP_QUOTA) || !args_parse(args, &a, NULL) ||
        !args_set_u64(&a, "priority", sched_child_priority(ch, 0)) ||
        !sched_child_affinity(ch, NULL, affinity, sizeof(affinity)) || !args_set(&a, "affinity", affinity) ||
        !args_format(&a, args, sizeof(args))) {
        return RPC_INVALID;
    }
    return parent_session(CPU_SERVICE, args, &ch->cpu, &ch->cpu_id);
}

uint64_t child_start(struct init *in, struct child *ch, const char **step)
{
    uint64_t entry = 0, at, size;
    uint64_t utcb = STACK_AREA_UTCB(STACK_AREA_FIRST);
    unsigned index = (unsigned)(ch - in->children);
    cap_t stack = CAP_NULL;
    uint64_t st;
    ch->parent = rt_slot_alloc();
    if ((*step = "PD and CPU sessions", st = open_env_sessions(ch)) ||
        (*step = "loading the binary", st = load_binary(ch, &entry)) ||
        (*step = "allocating the stack",
         st = pd_alloc(ch->pd, STACK_PAGES * PAGE_SIZE, &stack, &size, NULL)) ||
        (*step = "attaching the stack",
         st = pd_attach(ch->pd, stack, utcb - STACK_PAGES * PAGE_SIZE, PD_ATTACH_WRITE, &at)) ||
        (*step = "creating the thread",
         st = cpu_create_thread(ch->cpu, ch->pd, utcb, CPU_PRIO_MAX, &ch->thread, NULL)) ||
        (*step = "minting the parent capability",
         st = sys_cap_mint(in->entry.ep, CAP_NULL, ch->parent, RIGHT_WRITE | RIGHT_GRANT, index + 1)
                  ? RPC_OUT_OF_CAPS
                  : RPC_OK) ||
        (*step = "installing the environment", st = pd_env(ch->pd, ch->parent, ch->cpu, ch->thread)) ||
        (*step = "registering the fault handler", st = pd_fault_handler(ch->pd, in->fault_note[index])) ||
        (*step = "starting the thread", st = cpu_start(ch->thread, entry, utcb, 0))) {
        /* *step names what failed */
    }
    if (stack) {
        rt_slot_free(stack);
    }
    return st;
}

void child_destroy(struct init *in, struct child *ch)
{
    uint64_t ram, caps;
    for (unsigned i = 0; i < MAX_CHILD_SESSIONS; i++) {
        struct child_session *s = &ch->sessions[i];
        if (s->used && s->cap && s->local) {
            sys_cap_revoke(s->cap);
        } else if (s->used && s->cap && (s->server >= 0 || s->server == SERVER_GONE)) {
            server_close(in, NULL, s, &ram, &caps); /* quota stays with us */
        } else if (s->used && s->cap) {
            parent_close(ENV_PARENT, s->id, NULL, NULL);
        }
        if (s->used && s->cap) {
            rt_slot_free(s->cap);
        }
        server_session_forget(s);
        s->used = false;
    }
    server_child_gone(in, ch);
    config_child_gone(ch); /* its config memory goes with its PD */
    /* Closing the PD session destroys the PD, its threads and memory, and
     * gives its quota back to us. */
    if (ch->cpu) {
        parent_close(ENV_PARENT, ch->cpu_id, NULL, NULL);
        rt_slot_free(ch->cpu);
    }
    if (ch->pd) {
        parent_close(ENV_PARENT, ch->pd_id, NULL, NULL);
        rt_slot_free(ch->pd);
    }
    if (ch->thread) {
        rt_slot_free(ch->thread);
    }
    if (ch->parent) {
        sys_cap_revoke(ch->parent);
        rt_slot_free(ch->parent);
    }
    ch->used = false;
}
