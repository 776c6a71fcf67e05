/*
 * hostile_client: a generic hostile client, for run/hostile_servers.run.
 *
 *   <config mode="hostile" [done="done" ack="ack.rr"] [ready="ready.rr"]>
 *       <target service="Report" label="report" ops="2" ram="36864" caps="6"
 *               args="" requests="4000" [blocking="3 5"]/>
 *       <target service="parent" ops="9" requests="4000"/> ...
 *   </config>
 *       attacks each target in turn (opens.c, requests.c), keeping track
 *       of its quota (account.c), and prints one line per target:
 *       "hostile: Report: 12000 requests, 0 unexpected answers, quota exact".
 *       With `ready`, it first waits until that ROM (the honest client's
 *       work report) says "round 1", so the servers' use before the attack
 *       is the honest client's alone. With `done`, at the end it
 *       publishes the Report `done` and waits until the ROM `ack` has
 *       content (the honest clients saw it). It exits 0 if its quota was
 *       exact throughout. `blocking` lists opcodes that wait by design
 *       (deferred replies, e.g. Kv's watch): they are never sent.
 *   <config mode="honest"> (honest.c) uses the same servers correctly
 *       before, during and after the attack.
 */
#include "hostile.h"
#include <session/report.h>

static bool read_target(const struct xml_node *n, struct target *t)
{
    uint64_t ops = 0, requests = 1000;
    memset(t, 0, sizeof(*t));
    if (!xml_attr(n, "service", t->service, sizeof(t->service)) || !xml_attr_u64(n, "ops", &ops)) {
        return false;
    }
    xml_attr(n, "label", t->label, sizeof(t->label));
    xml_attr(n, "args", t->args, sizeof(t->args));
    if ((xml_has_attr(n, "ram") && !xml_attr_u64(n, "ram", &t->ram)) ||
        (xml_has_attr(n, "caps") && !xml_attr_u64(n, "caps", &t->caps)) ||
        (xml_has_attr(n, "requests") && !xml_attr_u64(n, "requests", &requests))) {
        return false;
    }
    t->ops = (unsigned)ops;
    t->requests = (unsigned)requests;
    char list[64] = "";
    xml_attr(n, "blocking", list, sizeof(list));
    for (const char *p = list; *p;) {
        uint64_t op = 0;
        while (*p >= '0' && *p <= '9') {
            op = op * 10 + (uint64_t)(*p++ - '0');
        }
        if ((*p && *p != ' ') || op < 1 || op > 63) {
            return false;
        }
        t->blocking |= 1ull << op;
        p += *p == ' ';
    }
    return true;
}

static void attack(const struct target *t, struct held **keep)
{
    struct tally tally = {0};
    uint64_t ram, caps;
    if (!strcmp(t->service, "parent")) {
        requests_close_all(NULL, &tally); /* hold nothing: no answer may give us anything */
        *keep = NULL;
    } else if (strncmp(t->service, "own ", 4)) {
        opens_attack(t, &tally);
    }
    requests_attack(t, &tally);
    struct held *next = NULL;
    for (unsigned i = 0; i < HELD_MAX && !next; i++) {
        struct held *h = account_held(i);
        next = h && !h->foreign ? h : NULL;
    }
    requests_close_all(next, &tally);
    if (next) {
        next->foreign = true;
    }
    *keep = next;
    bool exact = account_exact(&ram, &caps);
    printf("hostile: %s: %lu requests, %lu sessions granted, %lu unexpected answers, quota %s\n", t->service,
           tally.requests, tally.opened, tally.unexpected, exact ? "exact" : "NOT EXACT");
}

/* Wait until the honest client has published its second round (its
 * sessions are all open then, or about to be), so that the servers' use
 * before the attack is theirs alone. */
static void await_ready(const char *ready)
{
    char args[96];
    cap_t rom, ds;
    uint64_t id, size, version;
    const char *text;
    bool seen = false;
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%u, cap_quota=%u", ready, REPORT_ROM_RAM_QUOTA,
             REPORT_ROM_CAP_QUOTA);
    if (parent_session(ROM_SERVICE, args, &rom, &id)) {
        return;
    }
    while (!seen) {
        if (rom_dataspace(rom, &ds, &size, &version) == RPC_OK &&
            rt_attach(ds, 0, (void **)&text) == RPC_OK) {
            seen = size >= 7 && !memcmp(text, "round 1", 7);
            pd_detach(ENV_PD, (uint64_t)text);
            rt_slot_free(ds);
        }
        sys_yield();
    }
    parent_close(ENV_PARENT, id, NULL, NULL);
    rt_slot_free(rom);
}

/* Tell the honest clients we are done, and wait until they saw it. */
static uint64_t announce_done(const char *done, const char *ack)
{
    char args[128];
    cap_t report, buffer, rom, ds;
    uint64_t id, rom_id, size, version;
    char *text;
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%u, cap_quota=%u", done, REPORT_RAM_QUOTA,
             REPORT_CAP_QUOTA);
    uint64_t st = parent_session(REPORT_SERVICE, args, &report, &id);
    if (!st && !(st = report_dataspace(report, &buffer, &size)) &&
        !(st = rt_attach(buffer, PD_ATTACH_WRITE, (void **)&text))) {
        memcpy(text, "done", 4);
        st = report_submit(report, 4);
    }
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%u, cap_quota=%u", ack, REPORT_ROM_RAM_QUOTA,
             REPORT_ROM_CAP_QUOTA);
    if (!st) {
        st = parent_session(ROM_SERVICE, args, &rom, &rom_id);
    }
    while (!st && (st = rom_dataspace(rom, &ds, &size, &version)) == RPC_NOT_FOUND) {
        st = RPC_OK;
        sys_yield();
    }
    return st;
}

static int hostile(const struct xml_node *config)
{
    struct xml_node n;
    struct target t;
    struct held *keep = NULL;
    char done[32], ack[32] = "ack", ready[32];
    bool tell = xml_attr(config, "done", done, sizeof(done));
    xml_attr(config, "ack", ack, sizeof(ack));
    if (xml_attr(config, "ready", ready, sizeof(ready))) {
        await_ready(ready);
    }
    printf("hostile: attacking\n"); /* opens our LOG session before the account starts */
    account_init();
    for (bool more = xml_first_sub_of_type(config, "target", &n); more;
         more = xml_next_of_type(&n, "target", &n)) {
        if (!read_target(&n, &t)) {
            printf("config line %u: <target> needs service and ops, numbers for ram, caps, requests\n",
                   xml_line(&n));
            return 1;
        }
        attack(&t, &keep);
    }
    struct tally tally = {0};
    requests_close_all(NULL, &tally);
    uint64_t ram, caps, given_ram, given_caps;
    bool exact = account_exact(&ram, &caps);
    account_given(&given_ram, &given_caps);
    printf("hostile: all targets done, %lu requests refused by the kernel; quota %lu of %lu KiB, %lu of %lu "
           "caps: %s\n",
           requests_kernel_refusals(), ram >> 10, given_ram >> 10, caps, given_caps,
           exact ? "exact" : "NOT EXACT");
    uint64_t st = tell ? announce_done(done, ack) : RPC_OK;
    if (tell) {
        printf("hostile: the honest clients saw that we are done: %s\n", status_text(st));
    }
    return exact && !st ? 0 : 1;
}

int main(uint64_t arg)
{
    struct xml_node config;
    char mode[16] = "";
    if (rt_config(&config, NULL) || !xml_attr(&config, "mode", mode, sizeof(mode))) {
        printf("no mode in config\n");
        return 1;
    }
    if (!strcmp(mode, "hostile")) {
        return hostile(&config);
    }
    if (!strcmp(mode, "honest")) {
        return honest_main(&config);
    }
    printf("unknown mode \"%s\"\n", mode);
    return 1;
}
