/*
 * The server side of the ROM interface (include/session/rom.def), one
 * implementation for core (boot modules), init (each child's config) and
 * report_rom (reports).
 *
 * A module is named content that may change. Each publication is a
 * version: a read-only dataspace, its size and a number. A reader is a
 * ROM session: the version it fetched last (it holds it, so the server
 * must not free it under the client) and the notification to signal when
 * there is a newer one. A version lives while it is its module's current
 * one or a reader holds it; then the module's owner lets go of it
 * (struct rom_version's free).
 *
 * Version numbers (the one meaning everywhere): the first publication
 * of a module is 1, each further one is the number before plus one, so
 * a number never stands for two contents of a module. A reader that
 * moves to a new module of the same name (report_rom: a report closed
 * and opened again) pushes the new module's numbering past the version
 * it holds, so it never sees a number twice either.
 *
 * Nothing here allocates: the owner embeds modules, versions and readers
 * in its own records (core in its static tables, init in its child
 * records, report_rom in memory paid by the sessions' donations) and
 * frees them itself. rom_module.c is the pure bookkeeping (built on the
 * host in unit/rom_module.c); rom_server.c adds the capabilities:
 * signals, the readers' notification slots, the ROM operations.
 */
#ifndef RT_ROM_MODULE_H
#define RT_ROM_MODULE_H

#include <arbor/abi.h>
#include <stdbool.h>

struct rom_version {
    cap_t ds;        /* read-only dataspace; readers get copies */
    uint64_t size;   /* bytes of content */
    uint64_t number; /* set by publication */
    /* the module's bookkeeping: */
    unsigned holders; /* readers holding it */
    bool current;
    /* Called once the version is neither current nor held: the owner
     * lets go of the dataspace and the record. */
    void (*free)(struct rom_version *v);
};

struct rom_reader;

struct rom_module {
    struct rom_version *current; /* NULL: nothing published (NOT_FOUND) */
    uint64_t number;             /* of the last publication, 0: none */
    /* Never changes after its one publication (core's boot modules): its
     * readers are not listed, hold nothing the module counts and keep no
     * notification (see rom_server.c), so they need no closing. */
    bool constant;
    struct rom_reader *readers; /* the readers to signal */
};

struct rom_reader {
    struct rom_reader *next;   /* among the module's readers */
    struct rom_module *module; /* NULL: none (yet, or no more) */
    struct rom_version *held;  /* what it fetched last, or NULL */
    cap_t sigh;                /* signalled on publication, or CAP_NULL */
};

/* ---- rom_module.c: bookkeeping, no capabilities ---- */

void rom_module_init(struct rom_module *m, bool constant);

/* Make v (ds, size, free filled in by the caller) the current version
 * with the next number; the version before goes unless a reader holds
 * it. Signals nobody (rom_module_publish does). */
void rom_module_set_current(struct rom_module *m, struct rom_version *v);

/* The module goes away (its owner closes): its current version stays
 * alive only while readers hold it; its readers remain open, detached
 * (rom_reader_attach puts them on a new module of the same name). Never
 * for a constant module, whose readers it does not list. */
void rom_module_retire(struct rom_module *m);

/* Connect a reader (zeroed, or detached) to m. */
void rom_reader_attach(struct rom_reader *r, struct rom_module *m);

/* Let go of the version r held and of its place among the module's
 * readers (r->sigh is the caller's to free: rom_reader_close). */
void rom_reader_detach(struct rom_reader *r);

/* r now holds its module's current version (NULL if there is none). */
struct rom_version *rom_reader_fetch(struct rom_reader *r);

/* ---- rom_server.c: the ROM interface on top ---- */

/* rom_module_set_current, then signal every reader that asked for it. */
void rom_module_publish(struct rom_module *m, struct rom_version *v);

/* The session is gone: detach it and free its notification slot. */
void rom_reader_close(struct rom_reader *r);

/* The ROM operations (struct rom_ops of <session/rom.h>), the session
 * object being a struct rom_reader: rom_dispatch(&rom_reader_ops, r,
 * call). dataspace: the current version (NOT_FOUND if none), which the
 * reader holds from then on; sigh: the notification for publications,
 * replacing the one before (a constant module's reader keeps none). */
struct rom_ops;
extern const struct rom_ops rom_reader_ops;

#endif
