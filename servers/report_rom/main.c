/*
 * report_rom: components publish documents through Report sessions and
 * others read them as ROMs that change. A ROM session's label picks its
 * report by policy: <policy label="subsystem -> config"
 * report="configurator -> config"/>. A report is a ROM module
 * (rt/rom_module.h) and its ROM sessions are the module's readers: every
 * submit publishes a new read-only version, readers are signalled and
 * fetch it, and a version stays alive while a reader still holds it,
 * even after its report closed. A reader outlives its report: it is put
 * on the report's module again when a report of that name opens, whose
 * version numbers then go on past the one it holds.
 *
 * Each session's records and memory are paid by its donation: a Report
 * session its buffer and current version (REPORT_RAM_QUOTA), a ROM
 * session the version it holds (REPORT_ROM_RAM_QUOTA). So there is no
 * table that one client could fill for the others, and a reader that
 * keeps an old version keeps it on its own budget, never stopping the
 * writer.
 */
#include <rt/server.h>
#include <rt/route.h>
#include <rt/rom_module.h>
#include <session/report.h>
#include <session/rom.h>

/* A published copy (a ROM module's version) and its writable original. */
struct copy {
    struct rom_version v; /* v.ds: the read-only capability */
    cap_t ds;
};

struct report_rom;

struct report {
    struct report *next;
    char name[ROUTE_LABEL_MAX];
    cap_t buffer_ds;
    uint8_t *buffer;
    struct rom_module module;
};

/* A ROM session: the session object is its reader (first), which is on
 * its report's module while there is one. */
struct rom {
    struct rom_reader reader;
    struct rom *next;
    char report[ROUTE_LABEL_MAX];
};

struct report_rom {
    struct report *reports;
    struct rom *roms;
};

static struct report *report_named(struct report_rom *rr, const char *name)
{
    struct report *r = rr->reports;
    while (r && strcmp(r->name, name)) {
        r = r->next;
    }
    return r;
}

static void copy_free(struct rom_version *v)
{
    struct copy *c = (struct copy *)v;
    pd_free(ENV_PD, c->ds);
    rt_slot_free(c->ds);
    rt_slot_free(c->v.ds);
    free(c);
}

/* ---- Report sessions ---- */

static status_t report_create(void *state, const struct rt_session_info *info, void **session)
{
    struct report_rom *rr = state;
    uint64_t size;
    struct report *r = report_named(rr, info->label) ? NULL : calloc(1, sizeof(*r));
    if (!r) {
        return report_named(rr, info->label) ? RPC_BUSY : RPC_OUT_OF_RAM;
    }
    status_t st = pd_alloc(ENV_PD, REPORT_BUFFER_SIZE, &r->buffer_ds, &size, NULL);
    if (!st && (st = rt_attach(r->buffer_ds, PD_ATTACH_WRITE, (void **)&r->buffer))) {
        pd_free(ENV_PD, r->buffer_ds);
        rt_slot_free(r->buffer_ds);
    }
    if (st) {
        free(r);
        return st;
    }
    snprintf(r->name, sizeof(r->name), "%s", info->label);
    rom_module_init(&r->module, false);
    for (struct rom *rom = rr->roms; rom; rom = rom->next) {
        if (!rom->reader.module && !strcmp(rom->report, r->name)) {
            rom_reader_attach(&rom->reader, &r->module); /* waiting for it, or for its return */
        }
    }
    r->next = rr->reports;
    rr->reports = r;
    *session = r;
    return RPC_OK;
}

static void report_close(void *state, void *session)
{
    struct report_rom *rr = state;
    struct report *r = session;
    pd_detach(ENV_PD, (uint64_t)r->buffer);
    pd_free(ENV_PD, r->buffer_ds);
    rt_slot_free(r->buffer_ds);
    rom_module_retire(&r->module); /* readers keep what they hold */
    struct report **p = &rr->reports;
    while (*p != r) {
        p = &(*p)->next;
    }
    *p = r->next;
    free(r);
}

static status_t buffer(void *session, struct rt_call *call, cap_t *ds, uint64_t *size)
{
    struct report *r = session;
    *ds = r->buffer_ds;
    *size = REPORT_BUFFER_SIZE;
    return RPC_OK;
}

/* Publish a copy of the buffer, paid by the session's donation while it
 * is current and by each reader's while one holds it. */
static status_t submit(void *session, struct rt_call *call, uint64_t len)
{
    struct report *r = session;
    if (len > REPORT_BUFFER_SIZE || len == 0) {
        return RPC_INVALID;
    }
    struct copy *c = calloc(1, sizeof(*c));
    uint64_t size;
    status_t st = c ? pd_alloc(ENV_PD, len, &c->ds, &size, NULL) : RPC_OUT_OF_RAM;
    uint8_t *dst;
    if (!st && !(st = rt_attach(c->ds, PD_ATTACH_WRITE, (void **)&dst))) {
        memcpy(dst, r->buffer, len);
        pd_detach(ENV_PD, (uint64_t)dst);
        st = pd_ds_readonly(ENV_PD, c->ds, &c->v.ds);
    }
    if (st) {
        if (c && c->ds) {
            pd_free(ENV_PD, c->ds);
            rt_slot_free(c->ds);
        }
        free(c);
        return st;
    }
    c->v.size = len;
    c->v.free = copy_free;
    rom_module_publish(&r->module, &c->v);
    return RPC_OK;
}

/* ---- ROM sessions ---- */

static status_t rom_create(void *state, const struct rt_session_info *info, void **session)
{
    struct report_rom *rr = state;
    struct rom *rom = calloc(1, sizeof(*rom));
    if (!rom) {
        return RPC_OUT_OF_RAM;
    }
    if (!xml_attr(info->policy, "report", rom->report, sizeof(rom->report))) {
        printf("policy for ROM \"%s\" names no report: refused\n", info->label);
        free(rom);
        return RPC_DENIED;
    }
    struct report *r = report_named(rr, rom->report);
    if (r) {
        rom_reader_attach(&rom->reader, &r->module);
    }
    rom->next = rr->roms;
    rr->roms = rom;
    *session = rom;
    return RPC_OK;
}

static void rom_close(void *state, void *session)
{
    struct report_rom *rr = state;
    struct rom *rom = session;
    rom_reader_close(&rom->reader);
    struct rom **p = &rr->roms;
    while (*p != rom) {
        p = &(*p)->next;
    }
    *p = rom->next;
    free(rom);
}

static const struct report_ops report_ops = {.dataspace = buffer, .submit = submit};
static const struct rt_service report_service = {REPORT_SERVICE_INFO(&report_ops), .ram = REPORT_RAM_QUOTA,
                                                 .caps = REPORT_CAP_QUOTA, .create = report_create,
                                                 .close = report_close};
static const struct rt_service rom_service = {ROM_SERVICE_INFO(&rom_reader_ops),
                                              .ram = REPORT_ROM_RAM_QUOTA,
                                              .caps = REPORT_ROM_CAP_QUOTA,
                                              .policy = true,
                                              .create = rom_create,
                                              .close = rom_close};

int main(uint64_t arg)
{
    static struct report_rom report_rom;
    return rt_serve(&report_rom, &rom_service, &report_service, NULL);
}
