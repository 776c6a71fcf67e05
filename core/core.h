/*
 * core: the first user-level component. It owns all memory, I/O ports and
 * interrupts the kernel handed over, starts init, and serves the core
 * services (LOG, ROM, PD, CPU) plus init's parent interface, all on one
 * endpoint; the badge of the capability called says what is addressed.
 *
 *   main.c        boot, starting init, the dispatch loop
 *   memory.c      physical memory and cap-slot allocation, kernel objects
 *   records.c     paid records: per-PD pools of bookkeeping, charged to it
 *   session.c     session table, session arguments, the parent interface
 *   pd_session.c  PD: accounts, dataspaces, address spaces, environment
 *   cpu_session.c CPU: threads, faults
 *   rm_session.c  RM: region maps
 *   io_session.c  IO_MEM, IO_PORT, IRQ: devices, never the kernel's; CONSOLE
 *   rom_log.c     ROM (boot modules, platform_info) and LOG
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
#include <session/rm.h>
#include <rt/args.h>
#include <rt/vspace.h>
#include <rt/rom_module.h>
#include "account.h"

enum badge_kind { B_PARENT = 1, B_SESSION, B_DS, B_THREAD };
#define BADGE(kind, id) (((uint64_t)(kind) << 48) | (uint64_t)(id))
#define BADGE_KIND(b) ((unsigned)((b) >> 48))
#define BADGE_ID(b) ((unsigned)((b)&0xffffffffu))

/* A dataspace id (the id of its B_DS badge) names where its record is:
 * DS_HOME the session (or DS_MODULES for a boot module), DS_INDEX the
 * record in that PD session's pool, or DS_INLINE for the one dataspace of
 * an IO_MEM or RM session. A thread id likewise: PD session, pool index. */
#define DS_READONLY (1u << 31) /* in a B_DS badge id: attach read-only only */
#define REC_ID(home, index) (((unsigned)(home) << 16) | (unsigned)(index))
#define REC_HOME(id) (((id) >> 16) & 0x7fffu)
#define REC_INDEX(id) ((id)&0xffffu)
#define DS_INLINE 0xffffu
#define DS_MODULES 0x7fffu

#define MAX_SESSIONS                                                                                         \
    1024 /* more than init's 32 children with 16 sessions each and their env sessions need                   \
          */
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
#define RM_NO_PARENT (~0u)
struct rm_state {
    uint64_t size;
    unsigned ds;     /* the dataspace that stands for this map */
    unsigned parent; /* the one map it is attached in, or RM_NO_PARENT */
    struct rm_region {
        bool used;
        uint64_t off, size;
        unsigned ds, flags;
    } region[RM_REGIONS];
};

/* One frame mapped into a PD through region maps (in the PD's pool). */
struct rm_mapping {
    bool used;
    unsigned att; /* the PD's attachment of the root map */
    cap_t frame;
};

/* Records paid by one PD session (records.c): at most POOL_PAGES pages. */
#define POOL_PAGES 32
struct pool {
    uint16_t size, per_page;      /* bytes per record, records per page */
    const char *what;             /* "dataspace records", for messages */
    uint16_t live[POOL_PAGES];    /* records in use on each page */
    struct kobj page[POOL_PAGES]; /* cap 0: no page in this place */
    void *va[POOL_PAGES];         /* where core sees it */
};

/* A PD session's state: in pages core makes for it and charges to the
 * session's own account (core_region_alloc), so the session table itself
 * stays small. */
struct pd_state {
    unsigned sid; /* the session it belongs to */
    struct kobj pd;
    struct account acct;
    struct kobj pts[MAX_PTS];
    unsigned pt_count;
    struct attachment att[MAX_ATTACH];
    struct kobj objs[32];
    unsigned obj_count;
    struct pool ds, threads, rm_maps; /* struct dataspace, thread_rec, rm_mapping */
    cap_t fault_note;
    uint64_t fault_kind, fault_addr, fault_ip, fault_count;
};

struct dataspace {
    bool used, writable;
    cap_t cap;         /* badged endpoint cap naming this dataspace */
    cap_t ro_cap;      /* the same, read-only (made on demand) */
    unsigned owner;    /* PD session that pays, DS_DEVICE, DS_MANAGED or ~0u (boot module) */
    unsigned managed;  /* owner DS_MANAGED: the RM session it stands for */
    struct kobj frame; /* for boot modules: frame cap of the module */
    uint64_t pages, size;
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
    /* ROM: the session as a reader of its boot module (rom_log.c) */
    struct rom_reader rom;
    cap_t io_cap;      /* IO_PORT, IRQ: the kernel capability */
    unsigned prio_max; /* CPU: highest priority of its threads */
    unsigned cpu;      /* CPU: the first CPU of its location, where its threads are made */
    uint32_t port_base, port_size;
    struct dataspace own_ds; /* IO_MEM: the device memory; RM: the map */
    struct pd_state *pd;     /* PD: in pd_mem, paid by the session */
    struct kobj pd_mem;
    struct rm_state rm; /* RM */
};

struct thread_rec {
    bool used;
    cap_t cap;   /* badged endpoint cap naming this thread */
    unsigned pd; /* PD session */
    struct kobj thread, utcb;
};

struct core {
    struct env env;
    cap_t ep;  /* the one endpoint */
    cap_t rcv; /* first receive-window slot */
    struct session sessions[MAX_SESSIONS];
    struct dataspace modules[BOOTINFO_MAX_MODULES]; /* ROM dataspaces, made on first use */
    unsigned init_pd, init_cpu;                     /* init's env sessions */
    /* ROM modules of the boot modules: constant, published once (rom_log.c) */
    struct boot_rom {
        struct rom_module module;
        struct rom_version version;
    } roms[BOOTINFO_MAX_MODULES];
    unsigned cpus;           /* CPUs the kernel runs: core's physical affinity space is cpus x 1 */
    bool screen_handed_over; /* the kernel's console left the screen (io_session.c) */
};

/* The object a call of PD, CPU, RM or IO is for (the ops' session). */
struct core_call {
    struct core *c;
    struct session *s;    /* the session called */
    struct thread_rec *t; /* a thread capability called */
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

/* records.c */
void pool_init(struct pool *p, unsigned record_size, const char *what);
/* A zeroed record (used set) in *out, its index in *id; a new page is
 * charged to payer's account (PAGE_SIZE, 1 cap). OUT_OF_RAM/OUT_OF_CAPS
 * (logged) if the account cannot pay or the pool is at POOL_PAGES. */
uint64_t pool_alloc(struct core *c, struct pool *p, struct session *payer, unsigned *id, void **out);
/* RAM the next pool_alloc will charge: PAGE_SIZE or 0. */
uint64_t pool_cost(const struct pool *p);
/* The record with index id if it is in use, else NULL. */
void *pool_get(const struct pool *p, unsigned id);
/* The first record in use from index *id on (updating *id), or NULL. */
void *pool_next(const struct pool *p, unsigned *id);
/* Free a record; an empty page goes back to payer's account. */
void pool_free(struct core *c, struct pool *p, struct session *payer, unsigned id);
/* pages of zeroed memory for core itself, mapped at *va in the records'
 * window (whose places are reused), held by *frame; whoever it is for
 * pays (the caller charges the account). */
uint64_t core_region_alloc(struct core *c, unsigned pages, struct kobj *frame, void **va);
void core_region_free(struct core *c, struct kobj *frame, void *va, unsigned pages);

/* session.c */
cap_t badged_cap(struct core *c, uint64_t badge);
void session_close(struct core *c, unsigned sid, uint64_t *ram, uint64_t *caps);
extern const struct parent_ops parent_at_core;
struct session *session_get(struct core *c, uint64_t badge, unsigned type);
void reply_status(struct request *r, uint64_t status, unsigned words);

/* pd_session.c */
uint64_t pd_session_create(struct core *c, struct session *s, unsigned payer);
void pd_session_destroy(struct core *c, struct session *s);
extern const struct pd_ops pd_session_ops;
uint64_t pd_map(struct core *c, struct pd_state *pd, cap_t frame, uint64_t va, unsigned rights);
uint64_t core_attach(struct core *c, cap_t frame, uint64_t pages, unsigned rights, void **out);
void ds_free(struct core *c, unsigned id);
/* The dataspace with that id (DS_READONLY ignored), or NULL. */
struct dataspace *ds_get(struct core *c, unsigned id);
uint64_t ds_alloc(struct core *c, unsigned owner, uint64_t bytes, unsigned *id);
uint64_t pd_attach_ds(struct core *c, unsigned pd_sid, unsigned ds, uint64_t addr, unsigned flags,
                      uint64_t *out);

/* cpu_session.c */
extern const struct cpu_ops cpu_session_ops;
/* A call to a thread capability, or a fault of the thread. */
void thread_serve(struct core *c, struct request *r, struct rt_call *call);
/* A CPU session's affinity argument (NULL: the whole space), scaled
 * onto the physical space: RPC_INVALID if malformed. */
uint64_t cpu_session_affinity(struct core *c, struct session *s, const char *affinity);
uint64_t thread_create(struct core *c, unsigned pd_sid, uint64_t utcb, unsigned prio, unsigned cpu,
                       unsigned *id);
/* The thread with that id, or NULL. */
struct thread_rec *thread_get(struct core *c, unsigned id);
void threads_destroy_of(struct core *c, unsigned pd_sid);

/* rm_session.c */
uint64_t rm_session_create(struct core *c, struct session *s, const struct args *args);
void rm_session_destroy(struct core *c, struct session *s);
extern const struct rm_ops rm_session_ops;
uint64_t rm_map_attachment(struct core *c, unsigned pd_sid, unsigned att);
void rm_unmap_attachment(struct core *c, unsigned pd_sid, unsigned att);
void rm_forget_ds(struct core *c, unsigned ds);

/* io_session.c */
uint64_t io_session_create(struct core *c, struct session *s, const struct args *args);
void io_session_destroy(struct core *c, struct session *s);
/* A CONSOLE session: the kernel's console capability (an S_IO_PORT
 * session over COM1's ports, one at a time). */
uint64_t io_console_create(struct core *c, struct session *s);
extern const struct io_ops io_session_ops;

/* rom_log.c */
uint64_t rom_session_create(struct core *c, struct session *s);
/* A ROM or LOG session's call, through the interface's dispatch. */
void rom_serve(struct core *c, struct session *s, struct request *r);
void log_serve(struct core *c, struct session *s, struct request *r);
void log_print(const char *label, const char *text);

#endif
