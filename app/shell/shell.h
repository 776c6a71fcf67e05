/*
 * app/shell: a command line on a Terminal session that composes a
 * running system by hand. It starts and kills the components its config
 * offers inside a sub-init, whose config it generates and publishes as a
 * report (report_rom serves it to the sub-init as its config ROM, the
 * dynamic-init pattern), reads the sub-init's state report for `ps`, and
 * serves LOG to the sub-init and its children, keeping each one's recent
 * lines for `log`. docs/shell.md tells the whole of it.
 *
 * Files: main.c (setup), terminal.c (the Terminal session: input to the
 * line editor, output), commands.c (the commands), subinit.c (the
 * generated config and the state report), log_service.c (LOG),
 * line_editor.c, offers.c, state_report.c, log_ring.c (pure logic).
 */
#ifndef SHELL_H
#define SHELL_H

#include <rt/server.h>
#include "line_editor.h"
#include "log_ring.h"
#include "offers.h"
#include "state_report.h"

#define SHELL_OUT_MAX 2048 /* terminal output collected before a write */

/* What the shell waits to see in the sub-init's state: a started offer
 * listed (START), a killed one gone (STOP), an ended one, which the
 * shell took out of the config, gone (LEAVE: the sub-init lists a child
 * that exited or faulted, exited="N" or faulted="..", until its <start>
 * goes, and a start of the same name before that would not run it
 * again). */
enum pending { PENDING_NONE, PENDING_START, PENDING_STOP, PENDING_LEAVE };

struct shell {
    struct rt_server server; /* entrypoint, our config, the LOG service */
    struct offers offers;

    /* the Terminal session */
    cap_t term;
    char *io; /* its I/O buffer, io_size bytes */
    uint64_t io_size;
    cap_t input_note; /* signals our input handler (also from ourselves) */
    char out[SHELL_OUT_MAX];
    size_t out_len;
    struct line_editor editor;
    char prompt[24]; /* <config prompt=".."/> and a space, "> " by default */

    /* the sub-init: its config as our report, its state as a ROM */
    cap_t report;
    char *report_buf;
    uint64_t report_size;
    cap_t state_rom, state_ds;
    char *state_text; /* attached, or NULL */
    bool state_valid;
    struct xml_node state; /* <state>, when state_valid */
    enum pending pending[OFFERS_MAX];
    bool seen[OFFERS_MAX];  /* listed in the state since it was started */
    bool again[OFFERS_MAX]; /* started while its last run was leaving: start once gone */
    /* its last run ended so (state_end_text); `ps` shows it until the
     * next start or kill */
    bool ended[OFFERS_MAX];
    bool ended_by_fault[OFFERS_MAX];
    char end_text[OFFERS_MAX][48];

    /* on demand: the device report, the platform driver */
    cap_t devices_rom;
    cap_t platform;

    /* recent log lines: the sub-init's own and each offer's */
    struct log_ring init_log;
    struct log_ring log[OFFERS_MAX];
};

/* terminal.c */
status_t terminal_open(struct shell *sh);
/* Text for the terminal ('\n' becomes CR LF), written at the next flush. */
void term_print(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void term_flush(struct shell *sh);
/* A line that did not come from a command: the editor's line is taken
 * away, the text printed and the line shown again. */
void term_notice(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* commands.c: run one line the user entered. */
void command_run(struct shell *sh, const char *line);

/* subinit.c */
status_t subinit_open(struct shell *sh);
/* Publish the config of the started offers; false (and said why) if it
 * could not be. */
bool subinit_publish(struct shell *sh);

/* log_service.c */
status_t log_service_announce(struct shell *sh);

#endif
