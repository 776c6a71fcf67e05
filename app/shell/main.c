/*
 * shell: the command line of app/shell (shell.h is the map). Setup in
 * the order the others need it: our config and offers, the terminal,
 * the sub-init's first config (no children) and its state, then LOG for
 * the sub-init; from then on everything happens in signal handlers and
 * LOG calls on one entrypoint.
 */
#include "shell.h"

static void warn(void *arg, const char *msg)
{
    printf("%s\n", msg);
}

int main(uint64_t arg)
{
    struct shell *sh = calloc(1, sizeof(*sh));
    if (!sh) {
        printf("no RAM for the shell's state (%lu bytes)\n", sizeof(*sh));
        return 1;
    }
    if (rt_server_init(&sh->server, sh)) {
        printf("cannot set up the entrypoint\n");
        return 1;
    }
    if (sh->server.has_config) {
        offers_read(&sh->server.config, &sh->offers, warn, sh);
    }
    if (terminal_open(sh) || subinit_open(sh)) {
        return 1;
    }
    status_t st = log_service_announce(sh);
    if (st) {
        printf("cannot offer LOG to the sub-init: %s\n", status_text(st));
        return 1;
    }
    (void)subinit_publish(sh);
    printf("ready, %u offers\n", sh->offers.count);
    term_print(sh, "Arbor shell: 'help' lists the commands\n");
    editor_show(&sh->editor);
    term_flush(sh);
    rt_server_run(&sh->server);
}
