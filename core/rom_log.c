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

void rom_dispatch(struct core *c, struct session *s, struct request *r)
{
    if (MSGINFO_LABEL(r->m->info) == ROM_SIGH) {
        reply_status(r, RPC_OK, 0); /* boot modules never change */
        return;
    }
    if (MSGINFO_LABEL(r->m->info) != ROM_DATASPACE) {
        reply_status(r, RPC_INVALID, 0);
        return;
    }
    r->u->send_caps[0] = ds_get(c, s->rom)->cap;
    r->m->w[0] = ds_get(c, s->rom)->size;
    r->m->w[1] = 1;
    r->m->info = MSGINFO(RPC_OK, 2, 1);
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

void log_dispatch(struct core *c, struct session *s, struct request *r)
{
    char text[RPC_STRING_MAX + 1];
    if (MSGINFO_LABEL(r->m->info) != LOG_WRITE ||
        !rpc_get_string(r->u, 8, MSGINFO_LEN(r->m->info), text, sizeof(text))) {
        reply_status(r, RPC_INVALID, 0);
        return;
    }
    log_print(s->label, text);
    reply_status(r, RPC_OK, 0);
}
