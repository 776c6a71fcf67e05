/*
 * init: starts children from its configuration, gives each its RAM and
 * capability quota, and routes their session requests by the config's
 * routes, prefixing labels with the child's name.
 *
 *   main.c   config, the request loop, routing, child exit and faults
 *   child.c  making a child: PD, CPU, binary, stack, thread, environment
 */
#ifndef INIT_INIT_H
#define INIT_INIT_H

#include <rt/component.h>
#include <rt/xml.h>
#include <rt/hid.h>
#include <rt/route.h>
#include <rt/args.h>
#include <rt/entrypoint.h>
#include <rt/rom_module.h>

#define MAX_CHILDREN 32
#define MAX_CHILD_SESSIONS 16
#define MAX_PENDING 4 /* open requests a child may have waiting at server children */
#define MAX_SERVED 64 /* sessions one server child may hold, open or closing */
#define MAX_ANNOUNCED 4
/* Config ROM sessions of one child; each holds at most one version, so
 * with the current one and the one being published no more versions
 * than these are ever alive. */
#define CONFIG_ROM_SESSIONS 4
#define CONFIG_ROM_VERSIONS (CONFIG_ROM_SESSIONS + 2)
#define SERVER_GONE (-2)
#define CHILD_STACK_PAGES 16 /* below the UTCB of the first stack area */

struct child_session {
    bool used;
    bool local;              /* served by init itself (the config ROM) */
    int server;              /* child index of the server, -1: our parent,
                                SERVER_GONE: a server child that is gone */
    uint64_t server_session; /* the server's id for it */
    uint64_t id;             /* at the parent (core) */
    cap_t cap;               /* our copy */
    uint64_t ram, caps;      /* quota taken from the child for it */
    cap_t gone_note;         /* signalled when its server is gone (session_sigh) */
    /* local: the config ROM session, a reader of the child's config_rom */
    struct rom_reader config_reader;
    /* for the state report: the service and the label its server sees
     * (without our own parent's prefixes), set when the request is sent */
    char service[32];
    char label[ROUTE_LABEL_MAX];
};

/* QUEUED, FETCHED: at a server child; RELAYED: at our parent, which
 * answered "pending" (a server among our siblings); DONE: answered. */
enum request_state { REQ_FREE, REQ_QUEUED, REQ_FETCHED, REQ_RELAYED, REQ_DONE };

/* A child's request to open a session that is answered later: at a
 * server child, or at our parent. It lives with the client, so no child
 * can use up what the others need. */
struct request {
    unsigned state;
    int server;              /* child index; -1: relayed to our parent */
    uint64_t parent_request; /* RELAYED: our parent's id for it */
    unsigned slot;           /* the client's session slot it will fill */
    uint64_t id;             /* what client and server call it (server.c) */
    char service[32];
    char args[RPC_STRING_MAX + 1];
    uint64_t ram, caps; /* the donation, held by init until answered */
    uint64_t status, server_session;
    cap_t client_note, session_cap;
};

struct child {
    bool used;
    /* A child that exited or faulted (used false, its PD gone) keeps its
     * slot, name, binary and id, and is reported with exited="value" or
     * faulted="kind", until its <start> leaves the config; it is not
     * started again meanwhile (Genode's init keeps an exited child so). */
    bool exited;
    int64_t exit_value;
    const char *fault; /* exited: NULL; faulted: what, e.g. "page fault" */
    uint64_t id;       /* in the state report: 1, 2, .. in the order of starting */
    char name[64], binary[64];
    uint64_t ram, caps;         /* quota given so far */
    uint64_t ram_max, caps_max; /* what resource requests may reach */
    /* scheduling (start_attrs.c): <start priority> after clamping, the
     * first of its virtual priorities and the shift that fits the
     * child's own into its range; <affinity> in the affinity space */
    int priority;
    uint64_t vprio;
    unsigned prio_log2;
    unsigned aff_x, aff_y, aff_w, aff_h, aff_space_w, aff_space_h;
    bool managing_system; /* accepted and reported: core grants nothing more */
    unsigned restarts;    /* times <restart> started it again (restart.c) */
    struct xml_node start;
    cap_t pd, cpu, thread, parent;
    uint64_t pd_id, cpu_id;
    struct child_session sessions[MAX_CHILD_SESSIONS];
    /* its <config> as a ROM module (config.c), the records of its
     * versions, and a hash of the text published last */
    struct rom_module config_rom;
    struct config_version {
        struct rom_version v;
        bool used;
        cap_t ds, pd; /* in the child's RAM */
    } config_versions[CONFIG_ROM_VERSIONS];
    uint64_t config_hash;
    /* as a client of server children */
    struct request requests[MAX_PENDING];
    /* as a server */
    char announced[MAX_ANNOUNCED][32]; /* services it serves */
    cap_t request_note;                /* signalled when requests wait for it */
    unsigned served;                   /* sessions it holds, open or closing */
    unsigned close_count;              /* sessions it has yet to close: */
    uint64_t closes[MAX_SERVED];       /* their server-side ids */
};

/* Badges on init's endpoint: children's parent capabilities carry the
 * child index + 1; config ROM sessions init serves carry ROM_BADGE of
 * the child and the session's slot. */
#define ROM_BADGE(child, slot) (0x10000u | (slot) << 8 | (child))
#define IS_ROM_BADGE(b) (((b) & ~0xffffull) == 0x10000u)
#define ROM_BADGE_CHILD(b) ((unsigned)((b)&0xff))
#define ROM_BADGE_SESSION(b) ((unsigned)(((b) >> 8) & 0xff))
/* Signal bits of our entrypoint: child i faulted (bit i), config changed,
 * our parent answered a request we relayed. */
#define CONFIG_BIT 63
#define RELAY_BIT 62
#define REPORT_BIT 61

/* init's state report (<report> in the config, state_report.c): a
 * Report session "state" at our parent, written by a thread of its own
 * so that a slow or hung report server never holds up init. The main
 * thread owns everything here but the fields marked "thread", which
 * the reporter thread reads and writes; they are handed over by
 * signals (REPORT_BIT to us, thread_note to the thread). */
struct state_report {
    bool wanted; /* the config has <report> */
    bool ids, requested, provided, child_ram, child_caps, init_ram, init_caps;
    uint64_t delay_ms, buffer;
    char version[64];                       /* <config version>, copied into the report */
    unsigned phase;                         /* REPORT_OFF .. REPORT_READY, state_report.c */
    bool dirty;                             /* changed since the text the thread has */
    bool told_broken;                       /* said once why there is no report */
    uint64_t report_request, timer_request; /* pending at our parent */
    cap_t session, timer, ds, thread_note, main_note, rcv_slot;
    uint64_t session_id, timer_id;
    char *text; /* the session's buffer, attached */
    uint64_t size;
    cap_t thread, stack; /* the reporter thread and its stack */
    /* thread: what it is asked to do and what it answers */
    volatile unsigned job, done;
    volatile uint64_t len, result;
};

struct init {
    struct rt_entrypoint entry;     /* children's requests, their faults, config changes */
    cap_t fault_note[MAX_CHILDREN]; /* signals child i's fault (bit i) */
    cap_t config_note;              /* signals a config change (CONFIG_BIT) */
    cap_t relay_note;               /* our parent answered (RELAY_BIT) */
    uint64_t orphans[MAX_PENDING];  /* relayed requests whose child is gone */
    unsigned orphan_count;
    char *config_copy, *prev_copy; /* our copies of the config (and the last) */
    cap_t config_copy_ds, prev_copy_ds;
    struct xml_node root, default_route;
    bool has_default_route;
    struct child children[MAX_CHILDREN];
    uint64_t request_generation; /* makes request ids unique (server.c) */
    uint64_t child_count;        /* children started so far: their ids */
    struct state_report report;
    uint64_t start_ram, start_caps; /* our available quota before children */
    /* from the config's top level (start_attrs.c, config.c) */
    bool verbose;
    unsigned prio_levels, prio_log2; /* 0: priorities off */
    unsigned space_w, space_h;       /* <affinity-space> */
    bool told_single_cpu;
    uint64_t preserve_ram, preserve_caps; /* <resource name="RAM|CAP" preserve> */
};

/* server.c: sessions served by children */
/* Whether target t (a child, any child) can serve service: a child whose
 * <provides> lists it (announced or not yet). */
bool server_can_take(struct init *in, const struct route_target *t, const char *service);
/* The parent interface's operations for servers (session = the child,
 * include/session/parent.def): a session request routed to a server
 * child answers RPC_PENDING with *request, and note is signalled when
 * the server has answered. */
status_t server_route(struct init *in, struct child *ch, const char *service, const struct args *args,
                      uint64_t ram, uint64_t caps, const struct route_target *t, cap_t note,
                      uint64_t *request);
status_t server_announce_op(void *child, struct rt_call *call, const char *service, cap_t note);
status_t server_requests_op(void *child, struct rt_call *call, uint64_t *request, uint64_t *kind,
                            uint64_t *ram, uint64_t *caps, uint64_t *sid, char *service, char *args);
status_t server_response_op(void *child, struct rt_call *call, uint64_t request, uint64_t result,
                            uint64_t sid, cap_t session_cap);
status_t server_result_op(void *child, struct rt_call *call, uint64_t request, cap_t *session_cap,
                          uint64_t *id, uint64_t *detail);
void server_close(struct init *in, struct child *ch, struct child_session *s, uint64_t *ram, uint64_t *caps);
void server_child_gone(struct init *in, struct child *ch);
status_t server_session_sigh_op(void *child, struct rt_call *call, uint64_t id, cap_t note);
/* Free the session's gone_note (the session is closed). */
void server_session_forget(struct child_session *s);
/* A request our parent answered "pending": keep it with the client; its
 * outcome comes with relay_collect. Returns our request id. */
uint64_t server_relay(struct init *in, struct child *ch, unsigned slot, unsigned k, uint64_t parent_request,
                      uint64_t ram, uint64_t caps, cap_t note);
bool server_client_room(struct child *ch, unsigned *slot, unsigned *k);
void relay_collect(struct init *in);

/* session_args.c: a child's session arguments, checked and forwarded */
bool child_args_parse(const struct child *ch, const char *service, const char *text, struct args *a,
                      uint64_t *ram, uint64_t *caps) __attribute__((warn_unused_result));
/* Also records service and label in the session slot s for the state
 * report. */
bool child_args_forward(const struct child *ch, const char *service, const struct args *a,
                        const struct route_target *t, char *out, unsigned cap, struct child_session *s)
    __attribute__((warn_unused_result));

/* config.c: our config ROM, and each child's <config> as its config ROM */
bool config_read(struct init *in);
void config_reload(struct init *in);
bool config_rom_open(struct init *in, struct child *ch, const char *service, const char *label, status_t *st,
                     cap_t *cap, uint64_t *id);
void config_rom_request(struct init *in, uint64_t badge, struct rt_call *call);
void config_rom_close(struct child_session *s);
void config_child_gone(struct child *ch);
/* config_check.c: report what init does not understand (false: the
 * <start> must not be used, its route is broken); config_check_top also
 * takes verbose and <resource preserve> */
bool config_check_start(const struct xml_node *start);
void config_check_top(struct init *in, const struct xml_node *root);
/* The child an <alias name> stands for, else name itself. */
const char *config_alias(const struct init *in, const char *name);
/* Report every attribute of n (a <what>) not in names (NULL-ended). */
void config_check_attrs(const struct xml_node *n, const char *what, const char *const *names);
/* Whether node's <list> (e.g. "provides") has <service name="service">. */
bool config_lists_service(const struct xml_node *node, const char *list, const char *service);

/* start_quota.c: the child's RAM and caps from its config; false
 * (reported) if they are malformed or zero */
bool start_quota(const struct init *in, struct child *ch, const struct xml_node *start)
    __attribute__((warn_unused_result));

/* state_report.c: <report> of the config (false: reported, ignored),
 * and the report published anew after a change (rate-limited by
 * delay_ms, never waiting for the report server) */
void state_report_config(struct init *in, const struct xml_node *root);
void state_report_changed(struct init *in);
/* reporter.c: the signal that drives the reporter (false: reported) */
bool state_report_signal(struct init *in);
/* Write the report into out[cap]; its length, or 0 if it does not fit. */
size_t state_report_write(struct init *in, char *out, size_t cap);

/* start_attrs.c: prio_levels and <affinity-space> of the config (root);
 * priority, affinity and managing_system of a <start> (problems are
 * reported, the child starts with Genode's fallback) */
void sched_config(struct init *in, const struct xml_node *root);
void sched_start(struct init *in, struct child *ch, const struct xml_node *start);
/* The virtual priority a CPU session the child asks for at requested
 * gets: inside the child's range. */
uint64_t sched_child_priority(const struct child *ch, uint64_t requested);
/* The affinity argument of a CPU session of ch, as Genode's
 * filter_session_affinity: its location in init's space, refined by
 * what it asked for (asked NULL: nothing). False if asked is malformed
 * or the result does not fit out. */
bool sched_child_affinity(const struct child *ch, const char *asked, char *out, unsigned cap);

/* main.c */
void init_launch(struct init *in, const struct xml_node *start);
/* Start the child of start in slot i (free), restarted `restarts` times
 * before. */
void init_launch_at(struct init *in, unsigned i, const struct xml_node *start, unsigned restarts);

/* restart.c: <restart> of a <start>: checked (reported), and applied
 * when the child ended (fault: what, e.g. "page fault"; NULL: it exited
 * with value): the child is destroyed, and started again if its policy
 * asks and allows it, else kept as exited (struct child's exited) */
void restart_check(const struct xml_node *start);
void child_ended(struct init *in, struct child *ch, const char *fault, int64_t value);

/* child.c */
/* Start ch; on failure *step names what failed. */
uint64_t child_start(struct init *in, struct child *ch, const char **step);
void child_destroy(struct init *in, struct child *ch);

#endif
