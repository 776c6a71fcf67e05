/*
 * ROM sessions for boot modules and the LOG service.
 */
#include "core.h"

uint64_t rom_session_create(struct core *c, struct session *s)
{
    const char *name = s->label;
    for (const char *p = s->label; *p; p++) {
        if (!strncmp(p, " -> ", 4)) {
            name = p + 4;
        }
    }
    const struct bootinfo *bi = c->env.bi;
    for (unsigned i = 1; i < bi->module_count; i++) { /* module 0 is core */
        if (strcmp(bi->module[i].name, name)) {
            continue;
        }
        /* One read-only dataspace per module, made on first use. */
        struct dataspace *ds = &c->modules[i];
        if (!ds->used) {
            ds->cap = badged_cap(c, BADGE(B_DS, REC_ID(DS_MODULES, i)));
            if (!ds->cap) {
                return RPC_OUT_OF_CAPS;
            }
            ds->used = true;
            ds->writable = false;
            ds->owner = ~0u;
            ds->frame.cap = bi->module[i].frame;
            ds->size = bi->module[i].size;
            ds->pages = (ds->size + PAGE_SIZE - 1) / PAGE_SIZE;
        }
        s->rom = REC_ID(DS_MODULES, i);
        return RPC_OK;
    }
    return RPC_NOT_FOUND;
}

/* The operations of a ROM session at core (session/rom.h): a boot module
 * never changes, so its version stays 1 and a signal handler is never
 * needed (the capability stays in core's receive window, which the next
 * request empties). */
static status_t rom_ds(void *session, struct rt_call *call, cap_t *ds, uint64_t *size, uint64_t *version)
{
    struct rom_op_arg *a = session;
    *ds = ds_get(a->c, a->s->rom)->cap;
    *size = ds_get(a->c, a->s->rom)->size;
    *version = 1;
    return RPC_OK;
}

static status_t rom_sigh_op(void *session, struct rt_call *call, cap_t sigh)
{
    return RPC_OK;
}

static const struct rom_ops rom_ops = {.dataspace = rom_ds, .sigh = rom_sigh_op};

void rom_serve(struct core *c, struct session *s, struct request *r)
{
    struct rom_op_arg a = {c, s};
    struct rt_call call = {.m = r->m, .rcv = MSGINFO_CAPS(r->m->info) && r->u->rcv_caps ? c->rcv : CAP_NULL};
    rom_dispatch(&rom_ops, &a, &call);
}

/* One line of a client's text, printable ASCII only: no control byte or
 * escape sequence of a client reaches the console. */
static void print_line(const char *label, const char *text, unsigned len)
{
    char line[RPC_STRING_MAX + 1];
    for (unsigned i = 0; i < len; i++) {
        line[i] = (text[i] >= 0x20 && text[i] < 0x7f) || text[i] == '\t' ? text[i] : '?';
    }
    printf("[%s] %.*s\n", label, (int)len, line);
}

void log_print(const char *label, const char *text)
{
    while (*text) {
        const char *nl = text;
        while (*nl && *nl != '\n' && nl - text < RPC_STRING_MAX) {
            nl++;
        }
        print_line(label, text, (unsigned)(nl - text));
        text = *nl == '\n' ? nl + 1 : nl;
    }
}

static status_t log_write_op(void *session, struct rt_call *call, const char *text)
{
    log_print(session, text);
    return RPC_OK;
}

static const struct log_ops log_ops = {.write = log_write_op};

void log_serve(struct core *c, struct session *s, struct request *r)
{
    struct rt_call call = {.m = r->m};
    log_dispatch(&log_ops, s->label, &call);
}
