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
#include <rt/xml.h>
#include <rt/route.h>
#include <rt/args.h>
#include <rt/heap.h>
#include <session/report.h>
#include <rt/entrypoint.h>

#define BADGE_ROM (1ull << 40) /* ROM badges have it, Report badges not */

/* A published copy: alive while it is its report's current one or a
 * reader holds it. */
struct version {
    cap_t ds, ro;
    uint64_t len;
    unsigned users;
    bool current;
};

struct report {
    struct report *next;
    uint64_t id;
    char name[ROUTE_LABEL_MAX];
    cap_t cap, buffer_ds;
    uint8_t *buffer;
    struct version *cur;
    uint64_t version;
};

struct rom {
    struct rom *next;
    uint64_t id;
    char report[ROUTE_LABEL_MAX];
    cap_t cap, sigh;
    struct version *held;
};

static struct {
    struct xml_node config;
    struct rt_entrypoint entry;
    cap_t ep;
    uint64_t next_id;
    struct report *reports;
    struct rom *roms;
    bool verbose; /* <config verbose="yes">: log sessions and RAM use */
} rr;

/* After each open and close: how many sessions, how much of our RAM is
 * used (a server under attack must come back to where it was). */
static void show_use(void)
{
    uint64_t q[4] = {0};
    unsigned open = 0;
    for (struct report *r = rr.reports; r; r = r->next) {
        open++;
    }
    for (struct rom *rom = rr.roms; rom; rom = rom->next) {
        open++;
    }
    if (rr.verbose && !pd_client_quota(ENV_PD, q)) {
        printf("%u sessions, %lu KiB RAM used\n", open, q[1] >> 10);
    }
}

static struct report *report_named(const char *name)
{
    for (struct report *r = rr.reports; r; r = r->next) {
        if (!strcmp(r->name, name)) {
            return r;
        }
    }
    return NULL;
}

/* Free v if nobody needs it any more. */
static void version_put(struct version *v)
{
    if (v && !v->current && !v->users) {
        pd_client_free(ENV_PD, v->ds);
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

static uint64_t mint(uint64_t badge, cap_t *cap)
{
    *cap = rt_slot_alloc();
    if (*cap && !sys_cap_mint(rr.ep, CAP_NULL, *cap, RIGHT_WRITE | RIGHT_GRANT, badge)) {
        return RPC_OK;
    }
    if (*cap) {
        rt_slot_free(*cap);
    }
    *cap = CAP_NULL;
    return RPC_OUT_OF_CAPS;
}

static uint64_t open_report(const char *label, uint64_t *id, cap_t *cap)
{
    uint64_t size, st = report_named(label) ? RPC_BUSY : RPC_OK;
    struct report *r = st ? NULL : calloc(1, sizeof(*r));
    if (!r) {
        return st ? st : RPC_OUT_OF_RAM;
    }
    st = pd_client_alloc(ENV_PD, REPORT_BUFFER_SIZE, &r->buffer_ds, &size);
    if (!st) {
        st = rt_attach(r->buffer_ds, PD_ATTACH_WRITE, (void **)&r->buffer);
        if (st) {
            pd_client_free(ENV_PD, r->buffer_ds);
        }
    }
    r->id = ++rr.next_id;
    if (!st && (st = mint(r->id, &r->cap))) {
        pd_client_detach(ENV_PD, (uint64_t)r->buffer);
        pd_client_free(ENV_PD, r->buffer_ds);
    }
    if (st) {
        free(r);
        return st;
    }
    snprintf(r->name, sizeof(r->name), "%s", label);
    r->next = rr.reports;
    rr.reports = r;
    *id = r->id;
    *cap = r->cap;
    return RPC_OK;
}

static uint64_t open_rom(const char *label, uint64_t *id, cap_t *cap)
{
    struct xml_node policy;
    struct rom *rom = calloc(1, sizeof(*rom));
    if (!rom) {
        return RPC_OUT_OF_RAM;
    }
    if (!policy_select(&rr.config, label, &policy) ||
        !xml_attr(&policy, "report", rom->report, sizeof(rom->report))) {
        printf("no policy for ROM \"%s\": refused\n", label);
        free(rom);
        return RPC_DENIED;
    }
    rom->id = BADGE_ROM | ++rr.next_id;
    if (mint(rom->id, &rom->cap)) {
        free(rom);
        return RPC_OUT_OF_CAPS;
    }
    rom->next = rr.roms;
    rr.roms = rom;
    *id = rom->id;
    *cap = rom->cap;
    return RPC_OK;
}

static struct rom *rom_of(uint64_t id, struct rom ***link)
{
    static struct rom *none;
    struct rom **p = &rr.roms;
    while (*p && (*p)->id != id) {
        p = &(*p)->next;
    }
    *link = *p ? p : &none;
    return *p;
}

static struct report *report_of(uint64_t id)
{
    struct report *r = rr.reports;
    while (r && r->id != id) {
        r = r->next;
    }
    return r;
}

static void close_session(uint64_t id)
{
    struct rom **link, *rom = rom_of(id, &link);
    struct report *r = report_of(id);
    if (rom) {
        release(rom);
        sys_cap_revoke(rom->cap);
        rt_slot_free(rom->cap);
        if (rom->sigh) {
            rt_slot_free(rom->sigh);
        }
        *link = rom->next;
        free(rom);
    } else if (r) {
        sys_cap_revoke(r->cap);
        rt_slot_free(r->cap);
        pd_client_detach(ENV_PD, (uint64_t)r->buffer);
        pd_client_free(ENV_PD, r->buffer_ds);
        if (r->cur) { /* readers may keep it */
            r->cur->current = false;
            version_put(r->cur);
        }
        struct report **p = &rr.reports;
        while (*p != r) {
            p = &(*p)->next;
        }
        *p = r->next;
        free(r);
    }
}

static void handle_requests(void)
{
    struct server_request req;
    while (server_next_request(&req) == RPC_OK) {
        if (req.kind == REQUEST_CLOSE) {
            close_session(req.session);
            show_use();
            continue;
        }
        const char *label = args_get(&req.args, "label");
        bool is_report = !strcmp(req.service, REPORT_SERVICE);
        uint64_t id = 0, need = is_report ? REPORT_RAM_QUOTA : REPORT_ROM_RAM_QUOTA;
        uint64_t need_caps = is_report ? REPORT_CAP_QUOTA : REPORT_ROM_CAP_QUOTA;
        cap_t cap = CAP_NULL;
        uint64_t st = req.ram < need         ? RPC_INSUFFICIENT_RAM
                      : req.caps < need_caps ? RPC_INSUFFICIENT_CAPS
                      : is_report            ? open_report(label ? label : "", &id, &cap)
                                             : open_rom(label ? label : "", &id, &cap);
        server_respond(req.id, st,
                       st == RPC_INSUFFICIENT_RAM    ? need
                       : st == RPC_INSUFFICIENT_CAPS ? need_caps
                                                     : id,
                       cap);
        if (!st) {
            show_use();
        }
    }
}

static void notify(const char *report)
{
    for (struct rom *rom = rr.roms; rom; rom = rom->next) {
        if (rom->sigh && !strcmp(rom->report, report)) {
            sys_signal(rom->sigh);
        }
    }
}

static uint64_t submit(struct report *r, uint64_t len)
{
    if (len > REPORT_BUFFER_SIZE || len == 0) {
        return RPC_INVALID;
    }
    struct version *v = calloc(1, sizeof(*v));
    uint64_t size, st = v ? pd_client_alloc(ENV_PD, len, &v->ds, &size) : RPC_OUT_OF_RAM;
    uint8_t *dst;
    if (!st && !(st = rt_attach(v->ds, PD_ATTACH_WRITE, (void **)&dst))) {
        memcpy(dst, r->buffer, len);
        pd_client_detach(ENV_PD, (uint64_t)dst);
        st = pd_client_ds_readonly(ENV_PD, v->ds, &v->ro);
    }
    if (st) {
        if (v && v->ds) {
            pd_client_free(ENV_PD, v->ds);
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
    notify(r->name);
    return RPC_OK;
}

static void rom_op(struct rom *rom, struct msg *m)
{
    struct report *r = report_named(rom->report);
    if (MSGINFO_LABEL(m->info) == ROM_SIGH && MSGINFO_CAPS(m->info) == 1) {
        if (rom->sigh) {
            rt_slot_free(rom->sigh);
        }
        rom->sigh = rt_entrypoint_take_rcv(&rr.entry);
        m->info = MSGINFO(RPC_OK, 0, 0);
        return;
    }
    if (MSGINFO_LABEL(m->info) != ROM_DATASPACE) {
        m->info = MSGINFO(RPC_INVALID, 0, 0);
        return;
    }
    if (!r || !r->cur) {
        m->info = MSGINFO(RPC_NOT_FOUND, 0, 0); /* nothing reported yet */
        return;
    }
    r->cur->users++; /* before release: it may be the one held */
    release(rom);
    rom->held = r->cur;
    rt_utcb()->send_caps[0] = r->cur->ro;
    m->w[0] = r->cur->len;
    m->w[1] = r->version;
    m->info = MSGINFO(RPC_OK, 2, 1);
}

static void report_op(struct report *r, struct msg *m)
{
    if (MSGINFO_LABEL(m->info) == REPORT_DATASPACE) {
        rt_utcb()->send_caps[0] = r->buffer_ds;
        m->w[0] = REPORT_BUFFER_SIZE;
        m->info = MSGINFO(RPC_OK, 1, 1);
        return;
    }
    bool submit_op = MSGINFO_LABEL(m->info) == REPORT_SUBMIT && MSGINFO_LEN(m->info) >= 1;
    m->info = MSGINFO(submit_op ? submit(r, m->w[0]) : RPC_INVALID, 0, 0);
}

static void dispatch(void *arg, struct msg *m)
{
    struct rom **link, *rom = rom_of(m->badge, &link);
    struct report *r = rom ? NULL : report_of(m->badge);
    if (rom) {
        rom_op(rom, m);
    } else if (r) {
        report_op(r, m);
    } else {
        m->info = MSGINFO(RPC_INVALID, 0, 0);
    }
}

static void requests_signal(void *arg)
{
    handle_requests();
}

int main(uint64_t arg)
{
    struct xml_error err;
    cap_t note;
    if (rt_config(&rr.config, &err) || rt_entrypoint_init(&rr.entry, dispatch, NULL) ||
        !(note = rt_signal_handler(&rr.entry, 0, requests_signal, NULL)) ||
        server_announce(ROM_SERVICE, note) || server_announce(REPORT_SERVICE, note)) {
        printf("cannot start: config or announcement failed\n");
        return 1;
    }
    rr.ep = rr.entry.ep;
    xml_attr_bool(&rr.config, "verbose", &rr.verbose);
    show_use();
    rt_entrypoint_run(&rr.entry);
}
