/*
 * The shell's commands: one line is a command name and at most one
 * argument. What a command says goes to the terminal; a start or kill
 * is only a change of the sub-init's config, and its outcome is told
 * when the sub-init's state (or its log) shows it (subinit.c).
 */
#include "shell.h"
#include <session/platform.h>
#include <session/rom.h>

struct command {
    const char *name, *usage, *help;
    bool arg; /* takes one argument */
    void (*run)(struct shell *sh, const char *arg);
};

static void list_offers(struct shell *sh)
{
    term_print(sh, "offers:");
    for (unsigned i = 0; i < sh->offers.count; i++) {
        term_print(sh, " %s", sh->offers.offer[i].name);
    }
    term_print(sh, sh->offers.count ? "\n" : " none\n");
}

static struct offer *offer_named(struct shell *sh, const char *cmd, const char *name)
{
    struct offer *f = offers_find(&sh->offers, name);
    if (!f) {
        term_print(sh, "%s: no offer named \"%s\"; ", cmd, name);
        list_offers(sh);
    }
    return f;
}

static void start(struct shell *sh, const char *name)
{
    struct offer *f = offer_named(sh, "start", name);
    if (!f) {
        return;
    }
    unsigned i = (unsigned)(f - sh->offers.offer);
    if (f->started || sh->again[i]) {
        term_print(sh, "start: %s is started already (kill it first)\n", name);
        return;
    }
    /* Its last run still listed (killed or exited, its <start> taken out
     * of the config, not yet gone): were it put back into the config now,
     * the sub-init might never see it out and would not run it again. */
    sh->ended[i] = false;
    struct child_state c;
    if (sh->state_valid && state_find(&sh->state, name, &c)) {
        sh->again[i] = true;
        if (sh->pending[i] == PENDING_NONE) {
            sh->pending[i] = PENDING_LEAVE;
        }
        term_print(sh, "%s: starting with %lu KiB RAM and %lu caps once its last run has left the sub-init\n",
                   name, f->ram >> 10, f->caps);
        return;
    }
    f->started = true;
    if (!subinit_publish(sh)) {
        f->started = false;
        return;
    }
    log_ring_clear(&sh->log[i]);
    sh->pending[i] = PENDING_START;
    sh->seen[i] = false;
    term_print(sh, "%s: starting with %lu KiB RAM and %lu caps\n", name, f->ram >> 10, f->caps);
}

static void kill(struct shell *sh, const char *name)
{
    struct offer *f = offer_named(sh, "kill", name);
    if (!f) {
        return;
    }
    unsigned i = (unsigned)(f - sh->offers.offer);
    if (!f->started && sh->again[i]) {
        sh->again[i] = false; /* not started yet: its last run is leaving */
        sh->pending[i] = PENDING_STOP;
        term_print(sh, "%s: stopping\n", name);
        return;
    }
    if (!f->started && sh->ended[i]) {
        sh->ended[i] = false; /* ps lists it no more */
        term_print(sh, "kill: %s is not running (it %s)\n", name,
                   sh->ended_by_fault[i] ? "faulted" : "exited");
        return;
    }
    if (!f->started) {
        term_print(sh, "kill: %s is not running\n", name);
        return;
    }
    f->started = false;
    if (!subinit_publish(sh)) {
        f->started = true;
        return;
    }
    struct child_state c;
    bool listed = sh->state_valid && state_find(&sh->state, name, &c);
    if (sh->state_valid && (!listed || c.ended)) {
        /* gone already, or ended and listed until the sub-init sees the
         * new config: nothing to say when that happens */
        sh->pending[i] = listed ? PENDING_LEAVE : PENDING_NONE;
        term_print(sh, "%s: stopped (it had ended already)\n", name);
        return;
    }
    sh->pending[i] = PENDING_STOP;
    term_print(sh, "%s: stopping\n", name);
}

static void print_quota(struct shell *sh, const char *what, const struct quota_use *q, bool bytes)
{
    if (!q->known) {
        return;
    }
    unsigned shift = bytes ? 10 : 0;
    const char *unit = bytes ? " KiB" : "";
    term_print(sh, ", %s %lu%s (used %lu%s, free %lu%s)", what, q->quota >> shift, unit, q->used >> shift,
               unit, q->avail >> shift, unit);
}

static void ps(struct shell *sh, const char *arg)
{
    unsigned shown = 0;
    if (!sh->state_valid) {
        term_print(sh, "(no state report of the sub-init yet: quotas as assigned)\n");
    } else {
        struct quota_use ram = state_quota(&sh->state, "ram"), caps = state_quota(&sh->state, "caps");
        if (ram.known || caps.known) {
            term_print(sh, "sub-init");
            print_quota(sh, "RAM", &ram, true);
            print_quota(sh, "caps", &caps, false);
            term_print(sh, "\n");
        }
        struct xml_node n;
        for (bool more = xml_first_sub_of_type(&sh->state, "child", &n); more;
             more = xml_next_of_type(&n, "child", &n)) {
            struct child_state c;
            state_child(&n, &c);
            struct offer *f = offers_find(&sh->offers, c.name);
            term_print(sh, "%s (%s)", c.name, c.binary);
            print_quota(sh, "RAM", &c.ram, true);
            print_quota(sh, "caps", &c.caps, false);
            if (c.ended) {
                char how[48];
                state_end_text(&c, how, sizeof(how));
                term_print(sh, ": %s\n", how);
            } else {
                term_print(sh, f && !f->started ? ": stopping\n" : "\n");
            }
            shown++;
        }
    }
    for (unsigned i = 0; i < sh->offers.count; i++) {
        struct offer *f = &sh->offers.offer[i];
        struct child_state c;
        if (f->started && !(sh->state_valid && state_find(&sh->state, f->name, &c))) {
            term_print(sh, "%s (%s), RAM %lu KiB, caps %lu: %s\n", f->name, f->binary, f->ram >> 10, f->caps,
                       !sh->state_valid ? "started"
                       : sh->seen[i]    ? "gone ('log init' says why)"
                                        : "starting");
            shown++;
        } else if (!f->started && sh->ended[i] && !(sh->state_valid && state_find(&sh->state, f->name, &c))) {
            term_print(sh, "%s (%s): %s\n", f->name, f->binary, sh->end_text[i]);
            shown++;
        }
    }
    if (!shown) {
        term_print(sh, "no children\n");
    }
}

static void log_cmd(struct shell *sh, const char *name)
{
    const struct log_ring *r = &sh->init_log;
    if (strcmp(name, "init")) {
        struct offer *f = offer_named(sh, "log", name);
        if (!f) {
            return;
        }
        r = &sh->log[f - sh->offers.offer];
    }
    if (r->lost) {
        term_print(sh, "(%lu earlier lines dropped)\n", r->lost);
    }
    for (unsigned i = 0; log_ring_line(r, i); i++) {
        term_print(sh, "[%s] %s\n", name, log_ring_line(r, i));
    }
    if (!r->count) {
        term_print(sh, "no log lines of %s\n", name);
    }
}

static void print_device(struct shell *sh, const struct xml_node *d)
{
    char name[24] = "?", type[16] = "?", value[24];
    struct xml_node r;
    (void)xml_attr(d, "name", name, sizeof(name));
    (void)xml_attr(d, "type", type, sizeof(type));
    term_print(sh, "%s (%s)", name, type);
    if (xml_attr(d, "vendor", value, sizeof(value))) {
        term_print(sh, " vendor %s", value);
    }
    if (xml_attr(d, "device", value, sizeof(value))) {
        term_print(sh, " device %s", value);
    }
    if (xml_attr(d, "class", value, sizeof(value))) {
        term_print(sh, " class %s", value);
    }
    for (bool more = xml_first_sub(d, &r); more; more = xml_next_sibling(&r, &r)) {
        char kind[16] = "?", base[24] = "?", size[24] = "?";
        (void)xml_type(&r, kind, sizeof(kind));
        if (xml_type_is(&r, "irq")) {
            (void)xml_attr(&r, "number", base, sizeof(base));
            term_print(sh, ", irq %s", base);
        } else {
            (void)xml_attr(&r, "address", base, sizeof(base));
            (void)xml_attr(&r, "size", size, sizeof(size));
            term_print(sh, ", %s %s+%s", kind, base, size);
        }
    }
    term_print(sh, "\n");
}

static void devices(struct shell *sh, const char *arg)
{
    uint64_t id, size, version;
    cap_t ds;
    char *text;
    struct xml_node root, d;
    struct xml_error err;
    status_t st = RPC_OK;
    if (!sh->devices_rom && (st = rom_session("devices", &sh->devices_rom, &id))) {
        sh->devices_rom = CAP_NULL;
    }
    if (!st) {
        st = rom_dataspace(sh->devices_rom, &ds, &size, &version);
    }
    if (st || rt_attach(ds, 0, (void **)&text)) {
        term_print(sh, "devices: no device report (ROM \"devices\": %s)\n",
                   st ? status_text(st) : "cannot attach");
        return;
    }
    if (!xml_parse(text, size, &root, &err) || !xml_type_is(&root, "devices")) {
        term_print(sh, "devices: the report is no <devices> list\n");
    } else if (!xml_first_sub_of_type(&root, "device", &d)) {
        term_print(sh, "no devices\n");
    } else {
        for (bool more = true; more; more = xml_next_of_type(&d, "device", &d)) {
            print_device(sh, &d);
        }
    }
    pd_detach(ENV_PD, (uint64_t)text);
    rt_slot_free(ds);
}

/* Through the platform driver, which tries the ways a PC restarts
 * (docs/drivers.md); our policy there must say reboot="yes". The session
 * is opened on first use and kept. When the machine restarts, the call
 * does not return. */
static void reboot(struct shell *sh, const char *arg)
{
    uint64_t id;
    status_t st = RPC_OK;
    if (!sh->platform && (st = platform_session("", &sh->platform, &id))) {
        sh->platform = CAP_NULL;
        term_print(sh, "reboot: no Platform session: %s\n", status_text(st));
        return;
    }
    term_print(sh, "reboot: restarting the machine\n");
    term_flush(sh);
    st = platform_reboot(sh->platform);
    term_print(sh, "reboot: the platform driver could not restart the machine: %s\n", status_text(st));
}

static void help(struct shell *sh, const char *arg);

static const struct command commands[] = {
    {"help", "help", "this list", false, help},
    {"ps", "ps", "the running children, their RAM and caps: quota, used, free", false, ps},
    {"list", "list", "the same as ps", false, ps},
    {"start", "start NAME", "start an offer in the sub-init", true, start},
    {"kill", "kill NAME", "stop a child: its quota goes back to the sub-init", true, kill},
    {"log", "log NAME", "the recent log lines of a child (or of the sub-init: log init)", true, log_cmd},
    {"devices", "devices", "the devices the platform driver found", false, devices},
    {"reboot", "reboot", "restart the machine", false, reboot},
};

static void help(struct shell *sh, const char *arg)
{
    for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        term_print(sh, "%s: %s\n", commands[i].usage, commands[i].help);
    }
    list_offers(sh);
}

/* The next word of *p (spaces skipped) into word[cap]: its length, 0 at
 * the end of the line. A longer word is cut (and so matches nothing). */
static size_t next_word(const char **p, char *word, size_t cap)
{
    size_t n = 0;
    while (**p == ' ') {
        (*p)++;
    }
    for (; **p && **p != ' '; (*p)++) {
        if (n + 1 < cap) {
            word[n++] = **p;
        }
    }
    word[n] = 0;
    return n;
}

void command_run(struct shell *sh, const char *line)
{
    char name[EDITOR_LINE_MAX + 1], arg[EDITOR_LINE_MAX + 1], extra[2];
    if (!next_word(&line, name, sizeof(name))) {
        return;
    }
    bool has_arg = next_word(&line, arg, sizeof(arg)) > 0;
    bool has_extra = next_word(&line, extra, sizeof(extra)) > 0;
    for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        const struct command *c = &commands[i];
        if (strcmp(c->name, name)) {
            continue;
        }
        if (has_arg != c->arg || has_extra) {
            term_print(sh, "usage: %s\n", c->usage);
        } else {
            c->run(sh, arg);
        }
        return;
    }
    term_print(sh, "unknown command \"%s\": 'help' lists the commands\n", name);
}
