/*
 * report_rom: components publish documents through Report sessions and
 * others read them as ROMs that change. A ROM session's label picks its
 * report by policy: <policy label="subsystem -> config"
 * report="configurator -> config"/>. Every submit makes a new read-only
 * version; ROM clients are signalled and fetch it; a version stays alive
 * while a client still holds it, even after its report closed.
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
#include <session/report.h>
#include <session/rom.h>

/* A published copy: alive while it is its report's current one or a
 * reader holds it. */
struct version {
    cap_t ds, ro;
    uint64_t len;
    unsigned users;
    bool current;
};

struct report_rom;

struct report {
    struct report *next;
    struct report_rom *rr;
    char name[ROUTE_LABEL_MAX];
    cap_t buffer_ds;
    uint8_t *buffer;
    struct version *cur;
    uint64_t version;
};

struct rom {
    struct rom *next;
    struct report_rom *rr;
    char report[ROUTE_LABEL_MAX];
    cap_t sigh;
    struct version *held;
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

/* Free v if nobody needs it any more. */
static void version_put(struct version *v)
{
    if (v && !v->current && !v->users) {
        pd_free(ENV_PD, v->ds);
        rt_slot_free(v->ds);
        rt_slot_free(v->ro);
        free(v);
    }
}

static void release(struct rom *rom)
{
    if (rom->held) {
        rom->held->users--;
        version_put(rom->held);
    }
    rom->held = NULL;
}

/* Unlink item from the list at head (both of a type whose first field is next). */
static void unlink(void *head, void *item)
{
    void **p = head;
    while (*p != item) {
        p = *p;
    }
    *p = *(void **)item;
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
    r->rr = rr;
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
    if (r->cur) { /* readers may keep it */
        r->cur->current = false;
        version_put(r->cur);
    }
    unlink(&rr->reports, r);
    free(r);
}

static status_t buffer(void *session, struct rt_call *call, cap_t *ds, uint64_t *size)
{
    struct report *r = session;
    *ds = r->buffer_ds;
    *size = REPORT_BUFFER_SIZE;
    return RPC_OK;
}

static status_t submit(void *session, struct rt_call *call, uint64_t len)
{
    struct report *r = session;
    if (len > REPORT_BUFFER_SIZE || len == 0) {
        return RPC_INVALID;
    }
    struct version *v = calloc(1, sizeof(*v));
    uint64_t size;
    status_t st = v ? pd_alloc(ENV_PD, len, &v->ds, &size, NULL) : RPC_OUT_OF_RAM;
    uint8_t *dst;
    if (!st && !(st = rt_attach(v->ds, PD_ATTACH_WRITE, (void **)&dst))) {
        memcpy(dst, r->buffer, len);
        pd_detach(ENV_PD, (uint64_t)dst);
        st = pd_ds_readonly(ENV_PD, v->ds, &v->ro);
    }
    if (st) {
        if (v && v->ds) {
            pd_free(ENV_PD, v->ds);
            rt_slot_free(v->ds);
        }
        free(v);
        return st;
    }
    v->len = len;
    v->current = true;
    if (r->cur) {
        r->cur->current = false;
        version_put(r->cur);
    }
    r->cur = v;
    r->version++;
    for (struct rom *rom = r->rr->roms; rom; rom = rom->next) {
        if (rom->sigh && !strcmp(rom->report, r->name)) {
            sys_signal(rom->sigh);
        }
    }
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
    rom->rr = rr;
    rom->next = rr->roms;
    rr->roms = rom;
    *session = rom;
    return RPC_OK;
}

static void rom_close(void *state, void *session)
{
    struct report_rom *rr = state;
    struct rom *rom = session;
    release(rom);
    if (rom->sigh) {
        rt_slot_free(rom->sigh);
    }
    unlink(&rr->roms, rom);
    free(rom);
}

static status_t content(void *session, struct rt_call *call, cap_t *ds, uint64_t *size, uint64_t *version)
{
    struct rom *rom = session;
    struct report *r = report_named(rom->rr, rom->report);
    if (!r || !r->cur) {
        return RPC_NOT_FOUND; /* nothing reported yet */
    }
    r->cur->users++; /* before release: it may be the one held */
    release(rom);
    rom->held = r->cur;
    *ds = r->cur->ro;
    *size = r->cur->len;
    *version = r->version;
    return RPC_OK;
}

static status_t sigh(void *session, struct rt_call *call, cap_t note)
{
    struct rom *rom = session;
    if (rom->sigh) {
        rt_slot_free(rom->sigh);
    }
    rom->sigh = note;
    return RPC_OK;
}

static const struct report_ops report_ops = {.dataspace = buffer, .submit = submit};
static const struct rom_ops rom_ops = {.dataspace = content, .sigh = sigh};
static const struct rt_service report_service = {REPORT_SERVICE_INFO(&report_ops), .ram = REPORT_RAM_QUOTA,
                                                 .caps = REPORT_CAP_QUOTA, .create = report_create,
                                                 .close = report_close};
static const struct rt_service rom_service = {ROM_SERVICE_INFO(&rom_ops),   .ram = REPORT_ROM_RAM_QUOTA,
                                              .caps = REPORT_ROM_CAP_QUOTA, .policy = true,
                                              .create = rom_create,         .close = rom_close};

int main(uint64_t arg)
{
    static struct report_rom report_rom;
    return rt_serve(&report_rom, &rom_service, &report_service, NULL);
}
