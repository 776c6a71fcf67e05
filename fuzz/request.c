/*
 * Fuzz target: the servers' side of every core and parent interface as
 * tools/ifgen generates it (<session/pd.h>, cpu.h, rm.h, io.h,
 * parent.h: NAME_dispatch), plus the strict argument parser a session
 * request goes through (libc/src/args.c). The input is a message info
 * word (8 bytes, label = opcode), then the message words; a trailing
 * partial word's first byte says which capabilities the kernel
 * unwrapped (bits 0-2), as a client may send anything. Invariants: an
 * operation runs only for its own opcode, with at least its words,
 * with each string terminated and at most RPC_STRING_MAX bytes, an obj
 * argument only
 * if that capability was unwrapped, a cap argument only if one came;
 * anything refused is answered RPC_INVALID with no words; a refused
 * argument string leaves no arguments behind. The generated headers
 * build on fuzz/shim/rt/session.h here.
 */
#include <rt/args.h>
#include <session/parent.h>
#include <session/pd.h>
#include <session/cpu.h>
#include <session/rm.h>
#include <session/io.h>
#include <stdlib.h>
#include <string.h>

struct arbor_utcb fuzz_utcb;
static unsigned len, ran;

status_t rpc_call(cap_t target, struct msg *m, cap_t *cap)
{
    abort();
}

void rt_slot_free(cap_t slot)
{
    abort();
}

status_t rt_reply(cap_t reply, struct msg *m)
{
    abort();
}

/* A string argument: terminated and short enough (the dispatch copied
 * it out of the message words, which rpc_get_string keeps it inside). */
static void check_string(const char *s)
{
    if (strnlen(s, RPC_STRING_MAX + 1) > RPC_STRING_MAX) {
        abort();
    }
}

static void check_obj(unsigned i, struct rt_call *call)
{
    if (MSGINFO_CAPS(call->m->info) <= i || !(fuzz_utcb.rcv_unwrapped & (1u << i))) {
        abort();
    }
}

static void check_words(struct rt_call *call, unsigned op, unsigned words)
{
    if (MSGINFO_LABEL(call->m->info) != op || len < words) {
        abort();
    }
    ran++;
}

static status_t open_session(void *s, struct rt_call *call, const char *service, const char *args, cap_t note,
                             cap_t *session_cap, uint64_t *id, uint64_t *detail)
{
    struct args a;
    check_words(call, PARENT_OPEN_SESSION, 0);
    check_string(service);
    check_string(args);
    if (!args_parse(args, &a, NULL) && a.count) {
        abort(); /* a refused argument string left arguments behind */
    }
    *detail = 1;
    return RPC_DENIED;
}

static status_t upgrade(void *s, struct rt_call *call, uint64_t id, uint64_t ram, uint64_t caps)
{
    check_words(call, PARENT_UPGRADE, 3);
    return RPC_OK;
}

static status_t respond(void *s, struct rt_call *call, uint64_t request, uint64_t result, uint64_t sid,
                        cap_t session_cap)
{
    check_words(call, PARENT_RESPOND, 3);
    return RPC_OK;
}

static status_t announce(void *s, struct rt_call *call, const char *service, cap_t note)
{
    check_words(call, PARENT_ANNOUNCE, 0);
    check_string(service);
    if (!note) {
        abort();
    }
    return RPC_OK;
}

static status_t attach(void *s, struct rt_call *call, uint64_t ds, uint64_t addr, uint64_t flags,
                       uint64_t *at)
{
    check_words(call, PD_ATTACH, 2);
    check_obj(0, call);
    return RPC_OK;
}

static status_t env(void *s, struct rt_call *call, cap_t parent, uint64_t cpu, uint64_t thread)
{
    check_words(call, PD_ENV, 0);
    check_obj(1, call);
    check_obj(2, call);
    if (!parent) {
        abort();
    }
    return RPC_OK;
}

static status_t create_thread(void *s, struct rt_call *call, uint64_t pd, uint64_t utcb, uint64_t priority,
                              cap_t *thread, uint64_t *got)
{
    check_words(call, CPU_CREATE_THREAD, 2);
    check_obj(0, call);
    *thread = 5;
    return RPC_OK;
}

static status_t rm_attach_op(void *s, struct rt_call *call, uint64_t ds, uint64_t offset, uint64_t flags,
                             uint64_t *at)
{
    check_words(call, RM_ATTACH, 2);
    check_obj(0, call);
    return RPC_OK;
}

static const struct parent_ops parent = {
    .open_session = open_session, .upgrade = upgrade, .respond = respond, .announce = announce};
static const struct pd_ops pd = {.attach = attach, .env = env};
static const struct cpu_ops cpu = {.create_thread = create_thread};
static const struct rm_ops rm = {.attach = rm_attach_op};
static const struct io_ops io = {0};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct {
        void (*dispatch)(const void *ops, void *session, struct rt_call *call);
        const void *ops;
    } servers[] = {{parent_dispatch, &parent},
                   {pd_dispatch, &pd},
                   {cpu_dispatch, &cpu},
                   {rm_dispatch, &rm},
                   {io_dispatch, &io}};
    uint64_t info = 0;
    if (size < sizeof(info)) {
        return 0;
    }
    memcpy(&info, data, sizeof(info));
    size_t words = (size - sizeof(info)) / 8;
    words = words < MSG_MAX_WORDS ? words : MSG_MAX_WORDS;
    /* The message length a kernel delivers is at most what was sent. */
    len = MSGINFO_LEN(info) < words ? MSGINFO_LEN(info) : (unsigned)words;
    for (unsigned i = 0; i < sizeof(servers) / sizeof(servers[0]); i++) {
        memset(&fuzz_utcb, 0xa5, sizeof(fuzz_utcb));
        memcpy(fuzz_utcb.mr, data + sizeof(info), words * 8);
        fuzz_utcb.rcv_unwrapped = (size - sizeof(info)) % 8 ? data[size - 1] & 7 : 0;
        struct msg m = {.info = MSGINFO(MSGINFO_LABEL(info), len, MSGINFO_CAPS(info))};
        memcpy(m.w, fuzz_utcb.mr, sizeof(m.w));
        /* A copied capability arrives in the first slot unless unwrapped. */
        struct rt_call call = {.m = &m, .rcv = MSGINFO_CAPS(info) && !(fuzz_utcb.rcv_unwrapped & 1) ? 7 : 0};
        ran = 0;
        servers[i].dispatch(servers[i].ops, NULL, &call);
        if (!ran && m.info != MSGINFO(RPC_INVALID, 0, 0)) {
            abort(); /* refused, but not as RPC_INVALID */
        }
    }
    return 0;
}
