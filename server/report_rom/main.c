/*
 * report_rom: components publish documents through Report sessions and
 * others read them as ROMs that change. A ROM session's label picks its
 * report by policy: <policy label="subsystem -> config"
 * report="configurator -> config"/>. Every submit makes a new read-only
 * version; ROM clients are signalled and fetch it; a version stays alive
 * while a client still holds it.
 */
#include <rt/server.h>
#include <rt/xml.h>
#include <rt/route.h>
#include <rt/args.h>
#include <session/report.h>
#include <rt/entrypoint.h>

#define MAX_REPORTS 8
#define MAX_ROMS 16
#define VERSIONS 4
#define BADGE_REPORT 0x100
#define BADGE_ROM 0x200

struct version {
    cap_t ds, ro;
    uint64_t len;
    unsigned users;
};

struct report {
    bool used;
    char name[ROUTE_LABEL_MAX];
    cap_t cap, buffer_ds;
    uint8_t *buffer;
    struct version v[VERSIONS];
    int cur;
    uint64_t version;
};

struct rom {
    bool used;
    char report[ROUTE_LABEL_MAX];
    cap_t cap, sigh;
    int held_report, held;
};

static struct {
    struct xml_node config;
    struct rt_entrypoint entry;
    cap_t ep;
    struct report reports[MAX_REPORTS];
    struct rom roms[MAX_ROMS];
} rr;

static struct report *report_named(const char *name)
{
    for (unsigned i = 0; i < MAX_REPORTS; i++) {
        if (rr.reports[i].used && !strcmp(rr.reports[i].name, name)) {
            return &rr.reports[i];
        }
    }
    return NULL;
}

static void release(struct rom *rom)
{
    if (rom->held >= 0 && rr.reports[rom->held_report].used) {
        rr.reports[rom->held_report].v[rom->held].users--;
    }
    rom->held = -1;
}

static uint64_t open_report(const char *label, unsigned *id)
{
    unsigned i = 0;
    uint64_t size;
    while (i < MAX_REPORTS && rr.reports[i].used) {
        i++;
    }
    if (i == MAX_REPORTS || report_named(label)) {
        return i == MAX_REPORTS ? RPC_OUT_OF_CAPS : RPC_BUSY;
    }
    struct report *r = &rr.reports[i];
    memset(r, 0, sizeof(*r));
    r->cur = -1;
    uint64_t st = pd_client_alloc(ENV_PD, REPORT_BUFFER_SIZE, &r->buffer_ds, &size);
    if (!st) {
        st = rt_attach(r->buffer_ds, PD_ATTACH_WRITE, (void **)&r->buffer);
    }
    r->cap = st ? CAP_NULL : rt_slot_alloc();
    if (!st && sys_cap_mint(rr.ep, CAP_NULL, r->cap, RIGHT_WRITE | RIGHT_GRANT, BADGE_REPORT + i)) {
        st = RPC_OUT_OF_CAPS;
    }
    if (st) {
        return st;
    }
    snprintf(r->name, sizeof(r->name), "%s", label);
    r->used = true;
    *id = i;
    return RPC_OK;
}

static uint64_t open_rom(const char *label, unsigned *id)
{
    struct xml_node policy;
    unsigned i = 0;
    while (i < MAX_ROMS && rr.roms[i].used) {
        i++;
    }
    struct rom *rom = &rr.roms[i];
    if (i == MAX_ROMS) {
        return RPC_OUT_OF_CAPS;
    }
    memset(rom, 0, sizeof(*rom));
    if (!policy_select(&rr.config, label, &policy) ||
        !xml_attr(&policy, "report", rom->report, sizeof(rom->report))) {
        printf("no policy for ROM \"%s\": refused\n", label);
        return RPC_DENIED;
    }
    rom->cap = rt_slot_alloc();
    if (!rom->cap || sys_cap_mint(rr.ep, CAP_NULL, rom->cap, RIGHT_WRITE | RIGHT_GRANT, BADGE_ROM + i)) {
        return RPC_OUT_OF_CAPS;
    }
    rom->held = -1;
    rom->used = true;
    *id = i;
    return RPC_OK;
}

static void close_session(uint64_t session)
{
    if (session >= BADGE_ROM && session < BADGE_ROM + MAX_ROMS && rr.roms[session - BADGE_ROM].used) {
        struct rom *rom = &rr.roms[session - BADGE_ROM];
        release(rom);
        sys_cap_revoke(rom->cap);
        rt_slot_free(rom->cap);
        if (rom->sigh) {
            rt_slot_free(rom->sigh);
        }
        rom->used = false;
    } else if (session >= BADGE_REPORT && session < BADGE_REPORT + MAX_REPORTS &&
               rr.reports[session - BADGE_REPORT].used) {
        struct report *r = &rr.reports[session - BADGE_REPORT];
        sys_cap_revoke(r->cap);
        rt_slot_free(r->cap);
        pd_client_detach(ENV_PD, (uint64_t)r->buffer);
        pd_client_free(ENV_PD, r->buffer_ds);
        /* Published versions stay for readers until they move on. */
        r->used = false;
    }
}

static void handle_requests(void)
{
    struct server_request req;
    while (server_next_request(&req) == RPC_OK) {
        if (req.kind == REQUEST_CLOSE) {
            close_session(req.session);
            continue;
        }
        const char *label = args_get(&req.args, "label");
        unsigned id = 0;
        label = label ? label : "";
        bool is_report = !strcmp(req.service, REPORT_SERVICE);
        uint64_t st = is_report ? open_report(label, &id) : open_rom(label, &id);
        cap_t cap = st ? CAP_NULL : is_report ? rr.reports[id].cap : rr.roms[id].cap;
        server_respond(req.id, st, st ? 0 : (is_report ? BADGE_REPORT : BADGE_ROM) + id, cap);
    }
}

static void notify(const char *report)
{
    for (unsigned i = 0; i < MAX_ROMS; i++) {
        if (rr.roms[i].used && rr.roms[i].sigh && !strcmp(rr.roms[i].report, report)) {
            sys_signal(rr.roms[i].sigh);
        }
    }
}

static uint64_t submit(struct report *r, uint64_t len)
{
    int slot = -1;
    for (int i = 0; i < VERSIONS && slot < 0; i++) {
        if (i != r->cur && r->v[i].users == 0) {
            slot = i;
        }
    }
    if (len > REPORT_BUFFER_SIZE || len == 0 || slot < 0) {
        return slot < 0 ? RPC_BUSY : RPC_INVALID;
    }
    struct version *v = &r->v[slot];
    if (v->ds) {
        pd_client_free(ENV_PD, v->ds); /* nobody holds it any more */
        rt_slot_free(v->ro);
    }
    uint64_t size, st = pd_client_alloc(ENV_PD, len, &v->ds, &size);
    uint8_t *dst;
    if (!st) {
        st = rt_attach(v->ds, PD_ATTACH_WRITE, (void **)&dst);
    }
    if (!st) {
        memcpy(dst, r->buffer, len);
        pd_client_detach(ENV_PD, (uint64_t)dst);
        st = pd_client_ds_readonly(ENV_PD, v->ds, &v->ro);
    }
    if (st) {
        v->ds = CAP_NULL;
        return st;
    }
    v->len = len;
    r->cur = slot;
    r->version++;
    notify(r->name);
    return RPC_OK;
}

static void rom_op(struct rom *rom, struct msg *m)
{
    struct report *r = report_named(rom->report);
    if (MSGINFO_LABEL(m->info) == ROM_SIGH) {
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
    if (!r || r->cur < 0) {
        m->info = MSGINFO(RPC_NOT_FOUND, 0, 0); /* nothing reported yet */
        return;
    }
    release(rom);
    rom->held_report = (int)(r - rr.reports);
    rom->held = r->cur;
    r->v[r->cur].users++;
    rt_utcb()->send_caps[0] = r->v[r->cur].ro;
    m->w[0] = r->v[r->cur].len;
    m->w[1] = r->version;
    m->info = MSGINFO(RPC_OK, 2, 1);
}

static void dispatch(void *arg, struct msg *m)
{
    uint64_t b = m->badge;
    if (b >= BADGE_ROM && b < BADGE_ROM + MAX_ROMS && rr.roms[b - BADGE_ROM].used) {
        rom_op(&rr.roms[b - BADGE_ROM], m);
    } else if (b >= BADGE_REPORT && b < BADGE_REPORT + MAX_REPORTS && rr.reports[b - BADGE_REPORT].used) {
        struct report *r = &rr.reports[b - BADGE_REPORT];
        if (MSGINFO_LABEL(m->info) == REPORT_DATASPACE) {
            rt_utcb()->send_caps[0] = r->buffer_ds;
            m->w[0] = REPORT_BUFFER_SIZE;
            m->info = MSGINFO(RPC_OK, 1, 1);
        } else {
            uint64_t st = MSGINFO_LABEL(m->info) == REPORT_SUBMIT ? submit(r, m->w[0]) : RPC_INVALID;
            m->info = MSGINFO(st, 0, 0);
        }
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
    const char *text;
    uint64_t len;
    cap_t note;
    if (rt_config(&text, &len) || !xml_parse(text, len, &rr.config, NULL) ||
        rt_entrypoint_init(&rr.entry, dispatch, NULL) ||
        !(note = rt_signal_handler(&rr.entry, 0, requests_signal, NULL)) ||
        server_announce(ROM_SERVICE, note) || server_announce(REPORT_SERVICE, note)) {
        printf("cannot start: config or announcement failed\n");
        return 1;
    }
    rr.ep = rr.entry.ep;
    rt_entrypoint_run(&rr.entry);
}
