/*
 * Deferred replies: the driver, as a server, saves the replies of its
 * callers into reply capabilities (reply_save), serves others, and
 * answers later (reply_to, or reply_wait naming the capability). Callers
 * are threads of our own PD at a lower priority, so they run only while
 * the driver waits; each records what its call returned.
 */
#include "kernel_test.h"

enum { L_TAG = 1, L_DONE_CALLING };

struct caller {
    cap_t ep;
    uint64_t tag;
    volatile uint64_t err, info, w[MSG_REG_WORDS], returns;
};

static cap_t never; /* a notification nobody signals: callers park on it */

/* Call once with 8 words tag+i, record the answer, say so, park. */
static void caller(uint64_t arg)
{
    struct caller *c = (struct caller *)arg;
    struct msg m = {.info = MSGINFO(L_TAG, 8, 0)};
    for (unsigned i = 0; i < MSG_REG_WORDS; i++) {
        m.w[i] = c->tag + i;
    }
    c->err = sys_call(c->ep, &m);
    c->info = m.info;
    for (unsigned i = 0; i < MSG_REG_WORDS; i++) {
        c->w[i] = m.w[i];
    }
    c->returns++;
    m.info = MSGINFO(L_DONE_CALLING, 0, 0);
    sys_call(c->ep, &m);
    uint64_t bits;
    for (;;) {
        sys_wait(never, &bits);
    }
}

static bool start_caller(struct caller *c, cap_t ep, uint64_t tag, struct env_thread *th)
{
    c->ep = ep;
    c->tag = tag;
    return env_local_thread(&env, caller, (uint64_t)c, 100, 0, th) == ERR_OK;
}

/* The answer to tag: each word + 0x1000, label 0x77. */
static void answer_words(struct msg *m, uint64_t tag)
{
    m->info = MSGINFO(0x77, 8, 0);
    for (unsigned i = 0; i < MSG_REG_WORDS; i++) {
        m->w[i] = tag + i + 0x1000;
    }
}

static bool got_answer(const struct caller *c)
{
    bool ok =
        c->err == ERR_OK && c->returns == 1 && MSGINFO_LABEL(c->info) == 0x77 && MSGINFO_LEN(c->info) == 8;
    for (unsigned i = 0; i < MSG_REG_WORDS; i++) {
        ok = ok && c->w[i] == c->tag + i + 0x1000;
    }
    return ok;
}

/* Two callers saved, one reply_wait in between that must not answer the
 * first, answers in reverse order; each answer reaches its own caller
 * once; a used reply capability is gone. */
static void test_two_callers_reversed(cap_t ep)
{
    static struct caller a, b;
    struct env_thread ta, tb;
    cap_t ra = env_slot(&env), rb = env_slot(&env);
    if (!start_caller(&a, ep, 0xa000, &ta) || !start_caller(&b, ep, 0xb000, &tb)) {
        printf("kernel_test: FAILED: deferred reply callers\n");
        failures++;
        return;
    }
    struct msg m = {.info = MSGINFO_NO_REPLY};
    uint64_t e1 = sys_reply_wait(ep, &m);
    bool from_a = m.w[0] == 0xa000;
    uint64_t e2 = sys_reply_save(ra);
    uint64_t e3 = sys_reply_save(env_slot(&env)); /* nobody pending now */
    struct sys_result info = sys_cap_info(ra);
    struct msg no_copy = {0};
    uint64_t e4 = sys_cap_mint(ra, CAP_NULL, env_slot(&env), RIGHTS_ALL, 0);
    m.info = MSGINFO(0, 1, 0);
    m.w[0] = 0xbad; /* no caller pending: this reply goes nowhere */
    uint64_t e5 = sys_reply_wait(ep, &m);
    bool from_b = m.w[0] == 0xb000;
    struct msg other = {.info = MSGINFO(0, 0, 0)};
    uint64_t e13 = sys_reply_to_wait(ra, ep, &other); /* b is pending: refused */
    uint64_t e6 = sys_reply_save(rb);
    no_copy.info = MSGINFO(0, 100, 0);
    uint64_t e7 = sys_reply_to(rb, &no_copy); /* refused, rb stays */
    no_copy.info = MSGINFO_NO_REPLY;
    uint64_t e8 = sys_reply_to(rb, &no_copy);
    answer_words(&m, 0xb000);
    uint64_t e9 = sys_reply_to(rb, &m);
    uint64_t e10 = sys_reply_to(rb, &m); /* used: the slot is empty */
    bool b_early = b.returns != 0;       /* lower priority: not yet run */
    answer_words(&m, 0xa000);
    uint64_t e11 = sys_reply_to_wait(ra, ep, &m); /* a runs at once, says done */
    bool done1 = MSGINFO_LABEL(m.info) == L_DONE_CALLING;
    m.info = MSGINFO(0, 0, 0);
    uint64_t e12 = sys_reply_wait(ep, &m); /* answers that, b says done */
    bool done2 = MSGINFO_LABEL(m.info) == L_DONE_CALLING;
    bool ok = !e1 && from_a && !e2 && e3 == ERR_NO_REPLY && info.err == ERR_OK && info.r0 == OBJ_REPLY &&
              info.r3 == 1 && e4 == ERR_WRONG_TYPE && !e5 && from_b && !e6 && e7 == ERR_INVALID_ARG &&
              e8 == ERR_INVALID_ARG && !e9 && e10 == ERR_INVALID_CAP && !b_early && !e11 && done1 && !e12 &&
              done2 && e13 == ERR_BAD_STATE && got_answer(&a) && got_answer(&b);
    printf("kernel_test: deferred replies: 2 callers saved, answered in reverse order with their own words, "
           "each once; reply cap used twice: second %s; save without a caller: %s: %s\n",
           e10 == ERR_INVALID_CAP ? "fails (invalid cap)" : "WORKS",
           e3 == ERR_NO_REPLY ? "no reply" : "WORKS", ok ? "ok" : "FAILED");
    if (!ok) {
        printf(
            "kernel_test: FAILED: %lu %d %lu %lu %lu/%lu/%lu %lu %lu %d %lu %lu %lu %lu %lu %d %lu %d %lu %d "
            "%lu %d %d\n",
            e1, from_a, e2, e3, info.err, info.r0, info.r3, e4, e5, from_b, e6, e7, e8, e9, e10, b_early, e11,
            done1, e12, done2, e13, got_answer(&a), got_answer(&b));
    }
    failures += !ok;
    sys_reply_save(rb); /* b's "done": answered by deleting it */
    sys_cap_delete(rb);
    sys_thread_suspend(ta.thread);
    sys_thread_suspend(tb.thread);
}

/* A server that drops a saved reply wakes its caller with ERR_ABORTED. */
static void test_dropped(cap_t ep)
{
    static struct caller d;
    struct env_thread td;
    cap_t r = env_slot(&env);
    if (!start_caller(&d, ep, 0xd000, &td)) {
        failures++;
        return;
    }
    struct msg m = {.info = MSGINFO_NO_REPLY};
    uint64_t e1 = sys_reply_wait(ep, &m);
    uint64_t e2 = sys_reply_save(r);
    uint64_t e3 = sys_cap_delete(r);
    m.info = MSGINFO_NO_REPLY;
    uint64_t e4 = sys_reply_wait(ep, &m); /* d runs, sees the error, says done */
    bool ok = !e1 && !e2 && !e3 && !e4 && MSGINFO_LABEL(m.info) == L_DONE_CALLING && d.err == ERR_ABORTED &&
              d.returns == 1;
    printf("kernel_test: deferred reply deleted by the server: caller wakes with %s: %s\n",
           d.err == ERR_ABORTED ? "ERR_ABORTED" : "something else", ok ? "ok" : "FAILED");
    failures += !ok;
    sys_reply_save(r);
    sys_cap_delete(r);
    sys_thread_suspend(td.thread);
}

static cap_t dying_ep;
static uint64_t dying_stack[512] __attribute__((aligned(16)));

/* A caller with no UTCB and a borrowed stack: calls once, then parks. */
static void dying_caller(uint64_t arg)
{
    struct msg m = {.info = MSGINFO(L_TAG, 1, 0), .w = {arg}};
    sys_call(dying_ep, &m);
    for (;;) {
        sys_yield();
    }
}

/* Callers die while their replies are saved (the reply then fails with
 * ERR_ABORTED and empties its slot), or the server drops the saved reply
 * before the caller dies; thousands of times, and the untyped memory the
 * callers came from is exactly as it was. */
static void test_caller_dies(cap_t ep)
{
    enum { CYCLES = 5000 };
    cap_t ut = new_obj(OBJ_UNTYPED, 1u << 16), th = env_slot(&env), r = env_slot(&env);
    uint64_t before = sys_cap_info(ut).r3, failed = 0, dead_ok = 0;
    dying_ep = ep;
    for (unsigned i = 0; i < CYCLES && !failed; i++) {
        failed += sys_retype(ut, OBJ_THREAD, 0, th) != ERR_OK;
        failed += sys_thread_config(th, BI_CAP_PD, CAP_NULL, CAP_NULL) != ERR_OK;
        failed += sys_thread_start(th, (uint64_t)dying_caller, (uint64_t)&dying_stack[511], i) != ERR_OK;
        struct msg m = {.info = MSGINFO_NO_REPLY};
        failed += sys_reply_wait(ep, &m) != ERR_OK || m.w[0] != i;
        failed += sys_reply_save(r) != ERR_OK;
        if (i & 1) {
            failed += sys_cap_delete(r) != ERR_OK; /* dropped: the caller wakes, then dies */
            sys_cap_revoke(ut);
            continue;
        }
        sys_cap_revoke(ut); /* the caller dies, its reply cap goes dead */
        struct sys_result info = sys_cap_info(r);
        m.info = MSGINFO(0, 1, 0);
        uint64_t e = sys_reply_to(r, &m);
        dead_ok += info.r0 == OBJ_REPLY && info.r3 == 0 && e == ERR_ABORTED &&
                   sys_cap_info(r).err == ERR_INVALID_CAP;
    }
    uint64_t after = sys_cap_info(ut).r3;
    bool ok = !failed && dead_ok == CYCLES / 2 && after == before;
    printf("kernel_test: %u callers died or were dropped with their replies saved: dead reply fails with "
           "ERR_ABORTED %lu times, untyped %lu -> %lu bytes free, no leak: %s\n",
           CYCLES, dead_ok, before, after, ok ? "yes" : "NO");
    failures += !ok;
}

void test_deferred_replies(void)
{
    cap_t ep = new_obj(OBJ_ENDPOINT, 0);
    never = new_obj(OBJ_NOTIFICATION, 0);
    test_two_callers_reversed(ep);
    test_dropped(ep);
    test_caller_dies(ep);
}
