/*
 * The sub-init, driven by reports (Genode's dynamic-init pattern): the
 * shell publishes the sub-init's config through a Report session
 * labelled "config", which report_rom hands to the sub-init as its
 * config ROM (init applies each new version: starts what is new, kills
 * what is gone); the sub-init publishes its state, which report_rom
 * hands to the shell as the ROM "state". Each new state is kept for
 * `ps` and compared with what the user asked for, to say when a child
 * came up or went away.
 */
#include "shell.h"
#include <session/report.h>
#include <session/rom.h>

#define STATE_BIT 2

static bool publish(struct shell *sh, void (*say)(struct shell *, const char *, ...))
{
    size_t len = offers_config(&sh->offers, sh->report_buf, sh->report_size);
    if (len == 0) {
        say(sh, "the sub-init's config would be longer than %lu bytes: not changed\n", sh->report_size);
        return false;
    }
    status_t st = report_submit(sh->report, len);
    if (st) {
        say(sh, "publishing the sub-init's config: %s\n", status_text(st));
        return false;
    }
    return true;
}

bool subinit_publish(struct shell *sh)
{
    return publish(sh, term_print);
}

/* Start offer i (already marked started) once more: its last run is
 * gone from the sub-init. */
static void start_again(struct shell *sh, unsigned i)
{
    sh->again[i] = false;
    log_ring_clear(&sh->log[i]);
    sh->pending[i] = PENDING_START;
    sh->seen[i] = false;
}

/* Say what changed for the children the user started or killed. A child
 * that exited or faulted is taken out of the config, so that the
 * sub-init lets go of it and a new `start` runs it again. */
static void compare(struct shell *sh)
{
    bool republish = false;
    for (unsigned i = 0; i < sh->offers.count; i++) {
        struct offer *f = &sh->offers.offer[i];
        struct child_state c;
        bool listed = state_find(&sh->state, f->name, &c);
        if (f->started && listed && c.ended && sh->pending[i] != PENDING_LEAVE) {
            state_end_text(&c, sh->end_text[i], sizeof(sh->end_text[i]));
            term_notice(sh, "%s %s%s\n", f->name, sh->end_text[i],
                        c.faulted ? " ('log init' says where)" : "");
            f->started = false;
            sh->pending[i] = PENDING_LEAVE;
            sh->ended[i] = true;
            sh->ended_by_fault[i] = c.faulted;
            republish = true;
        } else if (sh->pending[i] == PENDING_START && listed) {
            sh->pending[i] = PENDING_NONE;
            term_notice(sh, "%s: started, %lu KiB RAM and %lu caps\n", f->name, c.ram.quota >> 10,
                        c.caps.quota);
        } else if ((sh->pending[i] == PENDING_STOP || sh->pending[i] == PENDING_LEAVE) && !listed) {
            if (sh->pending[i] == PENDING_STOP) {
                term_notice(sh, "%s: stopped\n", f->name);
            }
            sh->pending[i] = PENDING_NONE;
            if (sh->again[i]) {
                f->started = true;
                start_again(sh, i);
                republish = true;
            }
        } else if (sh->pending[i] == PENDING_NONE && f->started && sh->seen[i] && !listed) {
            term_notice(sh, "%s: gone from the sub-init ('log init' says why)\n", f->name);
        }
        sh->seen[i] = f->started && listed;
    }
    if (republish) {
        publish(sh, term_notice); /* what fails is said; the next publish carries it */
    }
}

static void state_signalled(void *arg)
{
    struct shell *sh = arg;
    uint64_t size, version;
    /* Fetching the new version ends the old one (report_rom frees what no
     * reader holds, and its address may come back for the new one): let
     * go of it first. */
    if (sh->state_text) {
        pd_detach(ENV_PD, (uint64_t)sh->state_text);
        rt_slot_free(sh->state_ds);
        sh->state_text = NULL;
    }
    sh->state_valid = false;
    status_t st = rom_dataspace(sh->state_rom, &sh->state_ds, &size, &version);
    if (!st && (st = rt_attach(sh->state_ds, 0, (void **)&sh->state_text))) {
        printf("cannot attach the sub-init's state report: %s\n", status_text(st));
        sh->state_text = NULL;
    }
    if (st) {
        rt_slot_free(sh->state_ds);
        return; /* none yet */
    }
    struct xml_error err = {.msg = "its top node is not <state>"};
    sh->state_valid = xml_parse(sh->state_text, size, &sh->state, &err) && xml_type_is(&sh->state, "state");
    if (!sh->state_valid) {
        printf("the sub-init's state report (version %lu) is no <state>: %s\n", version, err.msg);
        return;
    }
    compare(sh);
}

status_t subinit_open(struct shell *sh)
{
    cap_t ds;
    uint64_t id;
    status_t st = report_session("config", &sh->report, &id);
    if (!st) {
        st = report_dataspace(sh->report, &ds, &sh->report_size);
    }
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, (void **)&sh->report_buf);
    }
    if (st) {
        printf("no Report session for the sub-init's config: %s\n", status_text(st));
        return st;
    }
    sh->report_size = sh->report_size < REPORT_BUFFER_SIZE ? sh->report_size : REPORT_BUFFER_SIZE;
    st = rom_session("state", &sh->state_rom, &id);
    cap_t note = st ? CAP_NULL : rt_signal_handler(&sh->server.entry, STATE_BIT, state_signalled, sh);
    if (st || !note || (st = rom_sigh(sh->state_rom, note))) {
        printf("no ROM \"state\" of the sub-init (ps shows what was started, not its use): %s\n",
               status_text(st ? st : RPC_OUT_OF_CAPS));
        sh->state_rom = CAP_NULL;
    } else {
        sys_signal(note); /* a state published before we asked */
    }
    return RPC_OK;
}
