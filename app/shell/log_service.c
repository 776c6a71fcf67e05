/*
 * LOG for the sub-init and its children. The parent routes their LOG
 * sessions here, so a session's label is "SUBINIT" (the sub-init's own)
 * or "SUBINIT -> CHILD[ -> ...]". Each line is kept in the ring of its
 * child (the sub-init's own in init_log) for `log NAME` and passed on to
 * our LOG as "[CHILD] text"; the sub-init's own lines also appear on the
 * terminal, since they say what became of a start or kill. A label that
 * names no offer is refused. A session costs the client LOG_RAM_QUOTA;
 * the rings are the shell's own, one per offer, fixed in size.
 */
#include "shell.h"
#include <session/log.h>

struct log_session {
    struct log_ring *ring;
    const char *name; /* the offer's name, or "init" */
};

static const char *after_separator(const char *label)
{
    for (const char *p = label; *p; p++) {
        if (!strncmp(p, " -> ", 4)) {
            return p + 4;
        }
    }
    return NULL;
}

static status_t write(void *session, struct rt_call *call, const char *text)
{
    struct shell *sh = call->state;
    struct log_session *s = session;
    unsigned added = log_ring_add(s->ring, text, strlen(text));
    added = added < s->ring->count ? added : s->ring->count;
    /* the lines as the ring keeps them: cut, control bytes replaced */
    for (unsigned i = s->ring->count - added; i < s->ring->count; i++) {
        const char *line = log_ring_line(s->ring, i);
        printf("[%s] %s\n", s->name, line);
        if (s->ring == &sh->init_log) {
            term_notice(sh, "[init] %s\n", line);
        }
    }
    return RPC_OK;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct shell *sh = state;
    const char *child = after_separator(info->label);
    char name[OFFER_NAME_MAX + 1];
    struct log_ring *ring = &sh->init_log;
    const char *ring_name = "init";
    if (child) {
        const char *end = after_separator(child);
        size_t n = end ? (size_t)(end - 4 - child) : strlen(child);
        struct offer *f = NULL;
        if (n <= OFFER_NAME_MAX) {
            memcpy(name, child, n);
            name[n] = 0;
            f = offers_find(&sh->offers, name);
        }
        if (!f) {
            printf("LOG session for \"%s\" refused: no offer of that name\n", info->label);
            return RPC_DENIED;
        }
        ring = &sh->log[f - sh->offers.offer];
        ring_name = f->name;
    }
    struct log_session *s = malloc(sizeof(*s));
    if (!s) {
        return RPC_OUT_OF_RAM;
    }
    s->ring = ring;
    s->name = ring_name;
    *session = s;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    free(session);
}

static const struct log_ops ops = {.write = write};
static const struct rt_service log_service = {LOG_SERVICE_INFO(&ops), .ram = LOG_RAM_QUOTA,
                                              .caps = LOG_CAP_QUOTA, .create = create, .close = destroy};

status_t log_service_announce(struct shell *sh)
{
    return rt_server_announce(&sh->server, &log_service);
}
