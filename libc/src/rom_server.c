/*
 * The ROM interface served from modules (rt/rom_module.h): the
 * operations of a ROM session, publication with change signals, and
 * closing a reader. Core, init and report_rom all serve ROM sessions
 * with rom_reader_ops through the generated rom_dispatch.
 */
#include <rt/component.h>
#include <rt/rom_module.h>

void rom_module_publish(struct rom_module *m, struct rom_version *v)
{
    rom_module_set_current(m, v);
    for (struct rom_reader *r = m->readers; r; r = r->next) {
        if (r->sigh) {
            sys_signal(r->sigh); /* a reader's notification: never blocks */
        }
    }
}

void rom_reader_close(struct rom_reader *r)
{
    rom_reader_detach(r);
    rt_call_drop_cap(r->sigh);
    r->sigh = CAP_NULL;
}

static status_t dataspace(void *session, struct rt_call *call, cap_t *ds, uint64_t *size, uint64_t *version)
{
    struct rom_version *v = rom_reader_fetch(session);
    if (!v) {
        return RPC_NOT_FOUND; /* nothing published (yet, or any more) */
    }
    *ds = v->ds; /* sent as a copy: the version keeps its own */
    *size = v->size;
    *version = v->number;
    return RPC_OK;
}

/* A constant module never signals, so its reader keeps no notification:
 * the capability goes back into the call, and whoever received it
 * disposes of it the way it disposes of any capability no operation
 * took. libc's entrypoint deletes it and keeps the slot for the next
 * request; core empties its receive window before its next request.
 * That is what lets core, which does not use libc's slot allocator
 * (rt_slot_alloc), serve ROM with these operations: for its boot
 * modules nothing here ever frees a slot. */
static status_t sigh(void *session, struct rt_call *call, cap_t note)
{
    struct rom_reader *r = session;
    if (r->module && r->module->constant) {
        call->rcv = note;
        return RPC_OK;
    }
    rt_call_drop_cap(r->sigh);
    r->sigh = note;
    return RPC_OK;
}

const struct rom_ops rom_reader_ops = {.dataspace = dataspace, .sigh = sigh};
