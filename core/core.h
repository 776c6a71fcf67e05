/*
 * core: the first user-level component. It owns all memory, I/O ports and
 * interrupts the kernel handed over, starts init, and serves the core
 * services (LOG, ROM, PD, CPU) plus init's parent interface, all on one
 * endpoint; the badge of the capability called says what is addressed.
 *
 *   main.c        boot, starting init, the dispatch loop
 *   memory.c      physical memory and cap-slot allocation, kernel objects
 *   session.c     session table, session arguments, the parent interface
 *   pd_session.c  PD: accounts, dataspaces, address spaces, environment
 *   cpu_session.c CPU: threads, faults
 *   rom_log.c     ROM (boot modules) and LOG
 */
#ifndef CORE_CORE_H
#define CORE_CORE_H

#include <rt/env.h>
#include <rt/syscall.h>
#include <session/parent.h>
#include <session/log.h>
#include <session/rom.h>
#include <session/pd.h>
#include <session/cpu.h>
#include <session/io.h>
#include <rt/args.h>
#include <rt/vspace.h>
#include "account.h"

enum badge_kind { B_PARENT = 1, B_SESSION, B_DS, B_THREAD };
#define BADGE(kind, id) (((uint64_t)(kind) << 48) | (uint64_t)(id))
#define BADGE_KIND(b) ((unsigned)((b) >> 48))
#define BADGE_ID(b) ((unsigned)((b)&0xffffffffu))
#define DS_READONLY (1u << 31) /* in a B_DS badge id: attach read-only only */

#define MAX_SESSIONS 256
#define MAX_DS 1024
#define MAX_THREADS 256
#define MAX_ATTACH 96
#define MAX_PTS 64
#define COMPONENT_SLOT_BITS PD_CAP_SLOT_BITS
#define RCV_SLOTS 2

/* A kernel object core made from its untyped memory. */
struct kobj {
    cap_t cap;
    uint16_t ut;
    uint64_t offset, size;
};

struct attachment {
    uint64_t addr, size;
    unsigned ds;
    unsigned flags; /* PD_ATTACH_* */
    cap_t frame;    /* the copy of the frame cap that holds this mapping;
                       CAP_NULL for a region map (mapped in rm_session.c) */
};

/* A region map (RM session): dataspaces attached at offsets of a range
 * that is itself attached like a dataspace, into PDs or other maps. */
#define RM_REGIONS 16
struct rm_state {
    uint64_t size;
    unsigned ds; /* the dataspace that stands for this map */
    struct rm_region {
        bool used;
        uint64_t off, size;
        unsigned ds, flags;
    } region[RM_REGIONS];
};

/* One frame mapped into a PD through region maps. */
#define RM_MAPPINGS 256
struct rm_mapping {
    bool used;
    unsigned pd, att; /* PD session and its attachment of the root map */
    cap_t frame;
};

struct pd_state {
    struct kobj pd;
    struct account acct;
    struct kobj pts[MAX_PTS];
    unsigned pt_count;
    struct attachment att[MAX_ATTACH];
    struct kobj objs[32];
    unsigned obj_count;
    cap_t fault_note;
    uint64_t fault_kind, fault_addr, fault_ip, fault_count;
};

enum session_type { S_NONE, S_LOG, S_ROM, S_PD, S_CPU, S_IO_MEM, S_IO_PORT, S_IRQ, S_RM };
#define DS_DEVICE (~1u)  /* dataspace owner: device memory of an IO_MEM session */
#define DS_MANAGED (~2u) /* dataspace owner: a region map (no memory of its own) */

struct session {
    unsigned type;
    cap_t cap;                          /* badged endpoint cap; clients hold copies */
    unsigned payer;                     /* PD session whose account paid, or ~0u */
    uint64_t ram, caps;                 /* quota it holds (a PD's changes with transfers) */
    uint64_t donated_ram, donated_caps; /* what the payer's account counts as used for it */
    char label[168];
    unsigned rom;      /* ROM: module index; IO_MEM: dataspace */
    cap_t io_cap;      /* IO_PORT, IRQ: the kernel capability */
    unsigned prio_max; /* CPU: highest priority of its threads */
    uint32_t port_base, port_size;
    struct pd_state pd; /* PD */
    struct rm_state rm; /* RM */
};

struct dataspace {
    bool used, writable;
    cap_t cap;         /* badged endpoint cap naming this dataspace */
    cap_t ro_cap;      /* the same, read-only (made on demand) */
    unsigned owner;    /* PD session that pays, ~0u for boot modules */
    unsigned managed;  /* owner DS_MANAGED: the RM session it stands for */
    struct kobj frame; /* for boot modules: frame cap of the module */
    uint64_t pages, size;
};

struct thread_rec {
    bool used;
    cap_t cap;   /* badged endpoint cap naming this thread */
    unsigned pd; /* PD session */
    struct kobj thread, utcb;
    char name[32];
};

struct core {
    struct env env;
    cap_t ep;  /* the one endpoint */
    cap_t rcv; /* first receive-window slot */
    struct session sessions[MAX_SESSIONS];
    struct dataspace ds[MAX_DS];
    struct thread_rec threads[MAX_THREADS];
    unsigned init_pd, init_cpu; /* init's env sessions */
    struct rm_mapping rm_maps[RM_MAPPINGS];
};

/* The request being served: caller's message and what came with it. */
struct request {
    struct msg *m;
    struct arbor_utcb *u;
    uint64_t badge;
    bool reply; /* false: leave the caller waiting (faults, exit) */
};

/* memory.c */
void mem_init(struct core *c);
cap_t slot_alloc(struct core *c);
void slot_free(struct core *c, cap_t slot);
uint64_t kobj_make(struct core *c, unsigned type, uint64_t arg, struct kobj *o);
void kobj_free(struct core *c, struct kobj *o);
uint64_t kobj_size(unsigned type, uint64_t arg);
uint64_t mem_avail(const struct core *c);

/* session.c */
cap_t badged_cap(struct core *c, uint64_t badge);
void session_close(struct core *c, unsigned sid, uint64_t *ram, uint64_t *caps);
void parent_dispatch(struct core *c, struct request *r);
struct session *session_get(struct core *c, uint64_t badge, unsigned type);
void reply_status(struct request *r, uint64_t status, unsigned words);

/* pd_session.c */
uint64_t pd_session_create(struct core *c, struct session *s, unsigned payer);
void pd_session_destroy(struct core *c, struct session *s);
void pd_dispatch(struct core *c, struct session *s, struct request *r);
uint64_t pd_map(struct core *c, struct pd_state *pd, cap_t frame, uint64_t va, unsigned rights);
uint64_t core_attach(struct core *c, cap_t frame, uint64_t pages, unsigned rights, void **out);
void ds_free(struct core *c, unsigned id);
uint64_t ds_alloc(struct core *c, unsigned owner, uint64_t bytes, unsigned *id);
uint64_t pd_attach(struct core *c, unsigned pd_sid, unsigned ds, uint64_t addr, unsigned flags,
                   uint64_t *out);

/* cpu_session.c */
void cpu_dispatch(struct core *c, struct session *s, struct request *r);
void thread_dispatch(struct core *c, struct request *r);
uint64_t thread_create(struct core *c, unsigned pd_sid, uint64_t utcb, unsigned prio, unsigned *id);
void threads_destroy_of(struct core *c, unsigned pd_sid);

/* rm_session.c */
uint64_t rm_session_create(struct core *c, struct session *s, const struct args *args);
void rm_session_destroy(struct core *c, struct session *s);
void rm_dispatch(struct core *c, struct session *s, struct request *r);
uint64_t rm_map_attachment(struct core *c, unsigned pd_sid, unsigned att);
void rm_unmap_attachment(struct core *c, unsigned pd_sid, unsigned att);
void rm_forget_ds(struct core *c, unsigned ds);

/* io_session.c */
uint64_t io_session_create(struct core *c, struct session *s, const struct args *args);
void io_session_destroy(struct core *c, struct session *s);
void io_dispatch(struct core *c, struct session *s, struct request *r);

/* rom_log.c */
uint64_t rom_session_create(struct core *c, struct session *s);
void rom_dispatch(struct core *c, struct session *s, struct request *r);
void log_dispatch(struct core *c, struct session *s, struct request *r);
void log_print(const char *label, const char *text);

#endif
