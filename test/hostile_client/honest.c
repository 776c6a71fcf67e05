/*
 * The honest client (<config mode="honest" after="N" done=".." ack="..">):
 * uses Echo, Report and ROM (report_rom) and PD (core) correctly, round
 * after round, while the hostile client attacks the same servers; when
 * the hostile client's `done` report appears it answers with the report
 * `ack`, works N more rounds, closes everything and exits. Every answer
 * is checked: the echo of round r is r + 1, the ROM shows what was
 * submitted in that round, RAM can be had and freed.
 */
#include "hostile.h"
#include <session/report.h>
#include <session/echo.h>

struct honest {
    cap_t echo, report, work, done;
    uint64_t ids[4];
    char *buffer;
};

static const char *round_of_work(struct honest *h, uint64_t r);

/* The sessions, and three rounds before the last one opens: report_rom
 * then holds as many versions of our report as it ever will, and its
 * line for that open (verbose) shows the RAM of the steady state. */
static uint64_t open_all(struct honest *h, const char *done)
{
    char args[128];
    cap_t ds;
    uint64_t st = parent_session("Echo", "label=\"echo\", ram_quota=8192, cap_quota=2", &h->echo, &h->ids[0]);
    snprintf(args, sizeof(args), "label=\"work\", ram_quota=%u, cap_quota=%u", REPORT_RAM_QUOTA,
             REPORT_CAP_QUOTA);
    if (!st) {
        st = parent_session(REPORT_SERVICE, args, &h->report, &h->ids[1]);
    }
    if (!st) {
        snprintf(args, sizeof(args), "label=\"work.rr\", ram_quota=%u, cap_quota=%u", REPORT_ROM_RAM_QUOTA,
                 REPORT_ROM_CAP_QUOTA);
        st = parent_session(ROM_SERVICE, args, &h->work, &h->ids[2]);
    }
    uint64_t size;
    if (!st && !(st = report_dataspace(h->report, &ds, &size))) {
        st = rt_attach(ds, PD_ATTACH_WRITE, (void **)&h->buffer);
    }
    for (uint64_t r = 0; !st && r < 2; r++) { /* a current copy and one held */
        st = round_of_work(h, r) ? RPC_INVALID : RPC_OK;
    }
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%u, cap_quota=%u", done, REPORT_ROM_RAM_QUOTA,
             REPORT_ROM_CAP_QUOTA);
    return st ? st : parent_session(ROM_SERVICE, args, &h->done, &h->ids[3]);
}

/* One round of work; a text saying what went wrong, or NULL. */
static const char *round_of_work(struct honest *h, uint64_t r)
{
    uint64_t answer;
    if (echo_echo(h->echo, r, &answer) || answer != r + 1) {
        return "Echo";
    }
    int len = snprintf(h->buffer, 64, "round %lu", r);
    if (report_submit(h->report, (uint64_t)len)) {
        return "Report submit";
    }
    cap_t ds;
    uint64_t size, version;
    const char *text;
    if (rom_dataspace(h->work, &ds, &size, &version) || rt_attach(ds, 0, (void **)&text)) {
        return "ROM";
    }
    bool same = size == (uint64_t)len && !memcmp(text, h->buffer, size);
    pd_detach(ENV_PD, (uint64_t)text);
    rt_slot_free(ds);
    if (!same) {
        return "ROM content";
    }
    status_t st = pd_alloc(ENV_PD, 4096, &ds, &size, NULL);
    if (st == RPC_OK) {
        st = pd_free(ENV_PD, ds);
        rt_slot_free(ds);
    }
    if (st) {
        return "PD";
    }
    return NULL;
}

static bool attack_over(struct honest *h)
{
    cap_t ds;
    uint64_t size, version;
    if (rom_dataspace(h->done, &ds, &size, &version)) {
        return false;
    }
    rt_slot_free(ds);
    return true;
}

static uint64_t acknowledge(const char *ack)
{
    char args[128];
    cap_t report, ds;
    uint64_t id, size;
    char *text;
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%u, cap_quota=%u", ack, REPORT_RAM_QUOTA,
             REPORT_CAP_QUOTA);
    uint64_t st = parent_session(REPORT_SERVICE, args, &report, &id);
    if (!st && !(st = report_dataspace(report, &ds, &size)) &&
        !(st = rt_attach(ds, PD_ATTACH_WRITE, (void **)&text))) {
        memcpy(text, "ack", 3);
        st = report_submit(report, 3);
    }
    return st;
}

int honest_main(const struct xml_node *config)
{
    struct honest h = {0};
    char done[32] = "done", ack[32] = "ack";
    uint64_t after = 20, during = 0;
    xml_attr(config, "done", done, sizeof(done));
    xml_attr(config, "ack", ack, sizeof(ack));
    if (xml_has_attr(config, "after") && !xml_attr_u64(config, "after", &after)) {
        printf("honest: after must be a number\n");
        return 1;
    }
    uint64_t st = open_all(&h, done);
    if (st) {
        printf("honest: cannot open the sessions: %s\n", status_text(st));
        return 1;
    }
    const char *failed = NULL;
    for (; !failed && !attack_over(&h); during++) {
        failed = round_of_work(&h, during);
        sys_yield();
    }
    if (failed) {
        printf("honest: round %lu during the attack: %s FAILED\n", during, failed);
        return 1;
    }
    printf("honest: %lu rounds during the attack, all answered correctly\n", during);
    st = acknowledge(ack);
    for (uint64_t r = 0; !st && !failed && r < after; r++) {
        failed = round_of_work(&h, during + r);
        sys_yield();
    }
    if (st || failed) {
        printf("honest: after the attack: %s FAILED\n", failed ? failed : status_text(st));
        return 1;
    }
    for (unsigned i = 0; i < 4; i++) {
        parent_close(ENV_PARENT, h.ids[i], NULL, NULL);
    }
    printf("honest: %lu rounds after the attack, all answered correctly\n", after);
    return 0;
}
