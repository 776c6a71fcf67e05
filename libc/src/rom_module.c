/*
 * ROM modules, their versions and readers (rt/rom_module.h): which
 * version is current, what number it has, who holds which, and when a
 * version may go. Pure bookkeeping without capabilities, so the host
 * builds it for unit/rom_module.c; rom_server.c adds signals and the
 * ROM operations.
 */
#include <rt/rom_module.h>
#include <stddef.h>

/* v goes once it is neither current nor held. */
static void version_put(struct rom_version *v)
{
    if (v && !v->current && !v->holders) {
        v->free(v);
    }
}

void rom_module_init(struct rom_module *m, bool constant)
{
    *m = (struct rom_module){.constant = constant};
}

void rom_module_set_current(struct rom_module *m, struct rom_version *v)
{
    struct rom_version *old = m->current;
    v->number = ++m->number;
    v->holders = 0;
    v->current = true;
    m->current = v;
    if (old) {
        old->current = false;
        version_put(old);
    }
}

void rom_module_retire(struct rom_module *m)
{
    while (m->readers) {
        struct rom_reader *r = m->readers;
        m->readers = r->next;
        r->next = NULL;
        r->module = NULL; /* keeps what it holds */
    }
    if (m->current) {
        m->current->current = false;
        version_put(m->current);
        m->current = NULL;
    }
}

void rom_reader_attach(struct rom_reader *r, struct rom_module *m)
{
    r->module = m;
    if (m->constant) {
        return; /* nothing to signal, ever */
    }
    if (r->held && r->held->number > m->number) {
        m->number = r->held->number; /* never a number it has seen */
    }
    r->next = m->readers;
    m->readers = r;
}

void rom_reader_detach(struct rom_reader *r)
{
    struct rom_module *m = r->module;
    if (m && !m->constant) {
        struct rom_reader **p = &m->readers;
        while (*p != r) {
            p = &(*p)->next;
        }
        *p = r->next;
    }
    if (r->held && !(m && m->constant)) {
        r->held->holders--;
        version_put(r->held);
    }
    r->next = NULL;
    r->module = NULL;
    r->held = NULL;
}

struct rom_version *rom_reader_fetch(struct rom_reader *r)
{
    struct rom_module *m = r->module;
    struct rom_version *v = m ? m->current : NULL;
    if (!v || r->held == v) {
        return v; /* nothing new: it keeps what it holds */
    }
    if (!m->constant) {
        v->holders++;
        if (r->held) {
            r->held->holders--;
            version_put(r->held);
        }
    }
    r->held = v;
    return v;
}
