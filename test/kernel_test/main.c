/*
 * kernel_test: exercises the kernel's mechanisms from the first task.
 *
 * The same binary runs in several roles: as the first task (arg = boot
 * info address) it is the test driver; started in a child PD with a small
 * role number it plays the client of one test. Each test prints a line
 * that run/kernel.run checks.
 */
#include "kernel_test.h"

enum label { L_PING = 1, L_SHORT, L_DONE, L_GET_CAP, L_USED_CAP, L_RESULT, L_SERVE };

#define CHILD_RCV 10
#define PINGS 500

void do_null_write(void);
void do_ud2(void);
void do_divide(void);
extern char fault_null_ip[], fault_ud_ip[], fault_div_ip[];

struct env env;
int failures;

/* ---- child roles ---- */

static int pinger(void)
{
    struct msg m;
    unsigned bad = 0;
    for (uint64_t i = 0; i < PINGS; i++) {
        m.info = MSGINFO(L_PING, 8, 0);
        for (unsigned w = 0; w < 8; w++) {
            m.w[w] = i * 8 + w;
        }
        if (sys_call(CHILD_EP, &m) || m.w[0] != i * 8 + 1 || m.w[7] != i * 8 + 7) {
            bad++;
        }
        /* A short message: the words it leaves out arrive as 0 on both
         * sides, not as the other side's earlier words. */
        m.info = MSGINFO(L_SHORT, 2, 0);
        for (unsigned w = 0; w < 8; w++) {
            m.w[w] = 0xdead0000 + w;
        }
        if (sys_call(CHILD_EP, &m) || MSGINFO_LEN(m.info) != 1 || m.w[0] != 0xdead0001) {
            bad++;
        }
        for (unsigned w = 1; w < 8; w++) {
            bad += m.w[w] != 0;
        }
    }
    struct arbor_utcb *u = rt_utcb();
    for (unsigned w = 8; w < 24; w++) {
        u->mr[w] = 1000 + w;
    }
    m.info = MSGINFO(L_DONE, 24, 0);
    m.w[0] = bad;
    sys_call(CHILD_EP, &m);
    return 0;
}

static int cap_user(void)
{
    struct arbor_utcb *u = rt_utcb();
    struct msg m = {.info = MSGINFO(L_GET_CAP, 0, 0)};
    u->rcv_base = CHILD_RCV;
    u->rcv_count = 1;
    uint64_t e1 = sys_call(CHILD_EP, &m);
    uint64_t got = MSGINFO_CAPS(m.info);
    m.info = MSGINFO(L_SERVE, 1, 0);
    m.w[0] = 0x5a;
    uint64_t e2 = sys_call(CHILD_RCV, &m);
    uint64_t answer = m.w[0];
    m.info = MSGINFO(L_USED_CAP, 4, 0);
    m.w[0] = e1;
    m.w[1] = got;
    m.w[2] = e2;
    m.w[3] = answer;
    sys_call(CHILD_EP, &m);
    /* The driver revoked the cap before replying: it must be gone now. */
    m.info = MSGINFO(L_SERVE, 1, 0);
    uint64_t e3 = sys_call(CHILD_RCV, &m);
    m.info = MSGINFO(L_RESULT, 1, 0);
    m.w[0] = e3;
    sys_call(CHILD_EP, &m);
    return 0;
}

static int child(uint64_t role)
{
    switch (role & 0xff) {
    case ROLE_PINGER:
        return pinger();
    case ROLE_CAP_USER:
        return cap_user();
    case ROLE_NULL:
        do_null_write();
        break;
    case ROLE_UD:
        do_ud2();
        break;
    case ROLE_DIV:
        do_divide();
        break;
    case ROLE_INTS:
        do_ints();
        break;
    case ROLE_FPU:
        return fpu_child(role);
    }
    printf("kernel_test: FAILED: role %lu did not fault\n", role);
    return 1;
}

/* ---- driver ---- */

cap_t new_obj(unsigned type, uint64_t arg)
{
    cap_t c;
    uint64_t err = env_retype(&env, type, arg, &c);
    if (err) {
        printf("kernel_test: FAILED: retype type %u: error %lu\n", type, err);
        rt_exit(1);
    }
    return c;
}

struct env_process spawn(uint64_t role, cap_t ep, uint64_t badge, cap_t fault_ep)
{
    const struct bootinfo_module *m = &env.bi->module[0];
    static const void *image;
    if (!image) {
        image = env_attach(&env, m->frame, (m->size + PAGE_SIZE - 1) / PAGE_SIZE, RIGHT_READ);
    }
    struct env_process p;
    uint64_t err = env_process_create(&env, image, m->size, fault_ep, 100, role, &p);
    if (!err && ep) {
        err = sys_cap_mint(ep, p.pd, CHILD_EP, RIGHT_WRITE | RIGHT_GRANT, badge);
    }
    if (!err) { /* the console, so a failing child can say so */
        err = sys_cap_mint(BI_CAP_IO_PORT, p.pd, BI_CAP_IO_PORT, RIGHTS_ALL, 0);
    }
    if (err) {
        printf("kernel_test: FAILED: spawning role %lu: error %lu\n", role, err);
        rt_exit(1);
    }
    return p;
}

static void test_faults(void)
{
    cap_t fep = new_obj(OBJ_ENDPOINT, 0);
    static const struct {
        uint64_t role;
        unsigned kind;
        const char *name;
    } cases[] = {
        {ROLE_NULL, FAULT_PAGE, "null dereference"},
        {ROLE_UD, FAULT_UNDEFINED, "ud2"},
        {ROLE_DIV, FAULT_DIVIDE, "divide by zero"},
    };
    for (unsigned i = 0; i < 3; i++) {
        cap_t badged = env_slot(&env);
        if (sys_cap_mint(fep, BI_CAP_PD, badged, RIGHT_WRITE, 0xf0 + i)) {
            printf("kernel_test: FAILED: mint fault ep\n");
        }
        spawn(cases[i].role, 0, 0, badged);
    }
    const uint64_t ips[3] = {(uint64_t)fault_null_ip, (uint64_t)fault_ud_ip, (uint64_t)fault_div_ip};
    for (unsigned n = 0; n < 3; n++) {
        struct msg m = {.info = MSGINFO_NO_REPLY};
        uint64_t err = sys_reply_wait(fep, &m);
        unsigned i = (unsigned)(m.badge - 0xf0);
        if (err || i > 2 || !MSGINFO_IS_FAULT(m.info)) {
            printf("kernel_test: FAILED: fault message err %lu badge %lx\n", err, m.badge);
            failures++;
            continue;
        }
        uint64_t expect_addr = cases[i].kind == FAULT_PAGE ? 0 : ips[i];
        bool ok =
            m.w[FAULT_KIND] == cases[i].kind && m.w[FAULT_IP] == ips[i] && m.w[FAULT_ADDR] == expect_addr;
        printf("kernel_test: fault %s: kind %lu addr %lx ip %lx %s\n", cases[i].name, m.w[FAULT_KIND],
               m.w[FAULT_ADDR], m.w[FAULT_IP], ok ? "ok" : "WRONG");
        failures += !ok;
    }
}

static void test_ping_pong(void)
{
    cap_t ep = new_obj(OBJ_ENDPOINT, 0);
    spawn(ROLE_PINGER, ep, 0xa1, 0);
    spawn(ROLE_PINGER, ep, 0xb2, 0);
    unsigned calls[2] = {0, 0}, done = 0, bad = 0;
    struct msg m = {.info = MSGINFO_NO_REPLY};
    while (done < 2) {
        uint64_t err = sys_reply_wait(ep, &m);
        int who = m.badge == 0xa1 ? 0 : m.badge == 0xb2 ? 1 : -1;
        if (err || who < 0) {
            printf("kernel_test: FAILED: ping-pong err %lu badge %lx\n", err, m.badge);
            failures++;
            m.info = MSGINFO_NO_REPLY;
            continue;
        }
        if (MSGINFO_LABEL(m.info) == L_DONE) {
            struct arbor_utcb *u = rt_utcb();
            bool long_ok = MSGINFO_LEN(m.info) == 24 && u->mr[8] == 1008 && u->mr[23] == 1023;
            bad += (unsigned)m.w[0] + !long_ok;
            done++;
            m.info = MSGINFO(0, 0, 0);
            continue;
        }
        if (MSGINFO_LABEL(m.info) == L_SHORT) {
            for (unsigned w = 2; w < 8; w++) {
                bad += m.w[w] != 0; /* not our last reply's words */
            }
            m.w[0] = m.w[1];
            m.info = MSGINFO(0, 1, 0);
            continue;
        }
        calls[who]++;
        m.w[0]++;
        m.info = MSGINFO(0, 8, 0);
    }
    /* The last reply is still owed: give it with the next wait-free call. */
    printf("kernel_test: ping-pong: %u calls from badge a1, %u from badge b2, %u bad\n", calls[0], calls[1],
           bad);
    failures += bad || calls[0] != PINGS || calls[1] != PINGS;
    sys_cap_delete(ep);
}

static cap_t serve_ep;

static void cap_server(uint64_t arg)
{
    struct msg m = {.info = MSGINFO_NO_REPLY};
    for (;;) {
        if (sys_reply_wait(serve_ep, &m)) {
            m.info = MSGINFO_NO_REPLY;
            continue;
        }
        m.w[0] = m.w[0] + 1;
        m.info = MSGINFO(0, 1, 0);
    }
}

static cap_t unwrap_ep;

static void unwrap_client(uint64_t arg)
{
    struct msg m = {.info = MSGINFO(0, 0, 1)};
    rt_utcb()->send_caps[0] = unwrap_ep;
    sys_call(unwrap_ep, &m);
    for (;;) {
        sys_yield();
    }
}

static void test_cap_transfer(void)
{
    cap_t ep = new_obj(OBJ_ENDPOINT, 0);
    serve_ep = new_obj(OBJ_ENDPOINT, 0);
    cap_t sent = env_slot(&env);
    struct env_thread server;
    if (sys_cap_mint(serve_ep, BI_CAP_PD, sent, RIGHT_WRITE, 0) ||
        env_local_thread(&env, cap_server, 0, 200, 0, &server)) {
        printf("kernel_test: FAILED: cap transfer setup\n");
        failures++;
        return;
    }
    spawn(ROLE_CAP_USER, ep, 0xc3, 0);
    struct msg m = {.info = MSGINFO_NO_REPLY};
    for (;;) {
        if (sys_reply_wait(ep, &m)) {
            m.info = MSGINFO_NO_REPLY;
            continue;
        }
        uint64_t label = MSGINFO_LABEL(m.info);
        if (label == L_GET_CAP) {
            rt_utcb()->send_caps[0] = sent;
            m.info = MSGINFO(0, 0, 1);
        } else if (label == L_USED_CAP) {
            bool ok = m.w[0] == ERR_OK && m.w[1] == 1 && m.w[2] == ERR_OK && m.w[3] == 0x5b;
            printf("kernel_test: cap transfer: receiver got %lu cap, call through it %s\n", m.w[1],
                   ok ? "works" : "FAILED");
            failures += !ok;
            sys_cap_revoke(serve_ep);
            struct msg mine = {.info = MSGINFO(L_SERVE, 1, 0)};
            uint64_t e = sys_call(sent, &mine);
            printf("kernel_test: after revoke: sender's call %s\n",
                   e == ERR_INVALID_CAP ? "fails (invalid cap)" : "still WORKS");
            failures += e != ERR_INVALID_CAP;
            m.info = MSGINFO(0, 0, 0);
        } else if (label == L_RESULT) {
            printf("kernel_test: after revoke: receiver's call %s\n",
                   m.w[0] == ERR_INVALID_CAP ? "fails (invalid cap)" : "still WORKS");
            failures += m.w[0] != ERR_INVALID_CAP;
            m.info = MSGINFO(0, 0, 0);
            break;
        }
    }
}

/* A server thread waiting in reply_wait is woken by its bound
 * notification; a cap to the endpoint it receives on arrives unwrapped. */
static void test_bound_and_unwrap(void)
{
    cap_t ep = new_obj(OBJ_ENDPOINT, 0), note = new_obj(OBJ_NOTIFICATION, 0);
    cap_t badged = env_slot(&env), note_badged = env_slot(&env);
    bool ok = !sys_cap_mint(ep, BI_CAP_PD, badged, RIGHT_WRITE, 0x77) &&
              !sys_cap_mint(note, BI_CAP_PD, note_badged, RIGHT_WRITE, 0x4) &&
              !sys_thread_bind(BI_CAP_THREAD, note) && !sys_signal(note_badged);
    struct msg m = {.info = MSGINFO_NO_REPLY};
    uint64_t err = sys_reply_wait(ep, &m);
    ok = ok && err == ERR_OK && m.info == MSGINFO_NOTIFY && m.badge == 0x4;
    printf("kernel_test: bound notification woke reply_wait: %s (label %lx bits %lx)\n", ok ? "yes" : "NO",
           MSGINFO_LABEL(m.info), m.badge);
    failures += !ok;
    sys_thread_bind(BI_CAP_THREAD, CAP_NULL);

    /* Unwrapping: a local thread calls ep carrying a cap to ep itself. */
    struct arbor_utcb *u = rt_utcb();
    u->rcv_base = env_slot(&env);
    u->rcv_count = 1;
    unwrap_ep = badged;
    struct env_thread th;
    if (env_local_thread(&env, unwrap_client, 0, 100, 0, &th)) {
        failures++;
        return;
    }
    m.info = MSGINFO_NO_REPLY;
    err = sys_reply_wait(ep, &m);
    bool unwrapped = err == ERR_OK && MSGINFO_CAPS(m.info) == 1 && (u->rcv_unwrapped & 1) &&
                     u->rcv_badge[0] == 0x77 && sys_cap_info(u->rcv_base).err == ERR_INVALID_CAP;
    printf("kernel_test: cap to own endpoint arrives as badge: %s (%lx)\n", unwrapped ? "yes" : "NO",
           u->rcv_badge[0]);
    failures += !unwrapped;
    sys_thread_suspend(th.thread); /* drops the call it is blocked in */
}

/* Retype at an explicit offset: refused while a live object covers the
 * range, allowed again once its last capability is gone. */
static void test_retype_at(void)
{
    const uint64_t size = 64 * PAGE_SIZE;
    cap_t ut = new_obj(OBJ_UNTYPED, size); /* a region of its own, split off */
    uint64_t off = size - 8 * PAGE_SIZE;
    cap_t a = env_slot(&env), b = env_slot(&env), copy = env_slot(&env);
    uint64_t e1 = sys_retype_at(ut, OBJ_FRAME, 2, a, off);
    uint64_t e2 = sys_retype_at(ut, OBJ_ENDPOINT, 0, b, off + PAGE_SIZE);
    uint64_t e3 = sys_cap_mint(a, BI_CAP_PD, copy, RIGHT_READ, 0);
    sys_cap_delete(a);
    uint64_t e4 = sys_retype_at(ut, OBJ_ENDPOINT, 0, b, off + 64); /* copy still alive */
    sys_cap_delete(copy);
    uint64_t e5 = sys_retype_at(ut, OBJ_ENDPOINT, 0, b, off + 64);
    bool ok = e1 == ERR_OK && e2 == ERR_MAPPED && e3 == ERR_OK && e4 == ERR_MAPPED && e5 == ERR_OK;
    printf("kernel_test: retype at offset: overlap refused while any copy lives, reuse after: %s\n",
           ok ? "yes" : "NO");
    failures += !ok;
    sys_cap_delete(b);
}

/* Device memory: a frame over the HPET's registers maps uncached and
 * reads the counter period; kernel objects and UTCBs cannot come from
 * device memory. */
static void test_device_memory(void)
{
    const uint64_t hpet_phys = 0xfed00000; /* HPET, on q35 and pc alike */
    unsigned i = 0;
    while (i < env.bi->device_count && !(env.bi->device[i].phys <= hpet_phys &&
                                         hpet_phys < env.bi->device[i].phys + env.bi->device[i].size)) {
        i++;
    }
    if (i == env.bi->device_count) {
        printf("kernel_test: FAILED: no device memory region covers 0x%lx\n", hpet_phys);
        failures++;
        return;
    }
    cap_t ut = env.bi->device_first + i, frame = env_slot(&env), pd = env_slot(&env), th;
    uint64_t off = hpet_phys - env.bi->device[i].phys;
    bool ok = !sys_retype_at(ut, OBJ_FRAME, 1, frame, off) && (sys_cap_info(frame).r[4] & CAP_INFO_DEVICE) &&
              sys_retype_at(ut, OBJ_PD, 8, pd, 0) == ERR_WRONG_TYPE;
    volatile uint64_t *hpet = env_attach(&env, frame, 1, RIGHT_READ | RIGHT_WRITE);
    uint64_t period_fs = ok && hpet ? hpet[0] >> 32 : 0; /* capabilities register */
    ok = ok && period_fs > 0 && period_fs <= 100000000;
    th = new_obj(OBJ_THREAD, 0);
    ok = ok && sys_thread_config(th, BI_CAP_PD, frame, 0) == ERR_WRONG_TYPE;
    printf("kernel_test: device frame at 0x%lx: uncached mapping works, no objects or UTCBs from it: %s"
           " (HPET period %lu fs)\n",
           hpet_phys, ok ? "yes" : "NO", period_fs);
    failures += !ok;
}

/* Nothing leaks: thousands of PDs (more than there are ASIDs), threads
 * bound to them, endpoints and frames made and revoked leave the untyped
 * memory exactly as it was. */
static void test_no_leak(void)
{
    enum { CYCLES = 5000 };
    cap_t ut = new_obj(OBJ_UNTYPED, 1u << 20); /* a region of our own */
    cap_t pd = env_slot(&env), th = env_slot(&env), ep = env_slot(&env), fr = env_slot(&env);
    cap_t copy = env_slot(&env);
    uint64_t before = sys_cap_info(ut).r3, failed = 0;
    for (unsigned i = 0; i < CYCLES && !failed; i++) {
        failed += sys_retype(ut, OBJ_PD, PD_SLOT_BITS_MIN, pd) != ERR_OK;
        failed += sys_retype(ut, OBJ_THREAD, 0, th) != ERR_OK;
        failed += sys_retype(ut, OBJ_ENDPOINT, 0, ep) != ERR_OK;
        failed += sys_retype(ut, OBJ_FRAME, 1, fr) != ERR_OK;
        failed += sys_cap_mint(ep, pd, 1, RIGHT_WRITE, 7) != ERR_OK; /* a cap inside the PD */
        failed += sys_cap_mint(pd, BI_CAP_PD, copy, RIGHTS_ALL, 0) != ERR_OK;
        failed += sys_thread_config(th, pd, fr, ep) != ERR_OK;
        sys_cap_revoke(ut); /* everything made from ut goes */
    }
    uint64_t after = sys_cap_info(ut).r3;
    bool ok = !failed && after == before;
    printf(
        "kernel_test: %u create/revoke cycles of PD, thread, endpoint, frame: untyped %lu -> %lu bytes free, "
        "no leak: %s\n",
        CYCLES, before, after, ok ? "yes" : "NO");
    if (failed) {
        printf("kernel_test: FAILED: a retype or bind failed in the leak test\n");
    }
    failures += !ok;
}

static volatile uint64_t spin_counter, spin_counter2;
static cap_t timer_note, done_note, irq_cap;

static void spinner(uint64_t arg)
{
    for (;;) {
        spin_counter++;
    }
}

static void spinner2(uint64_t arg)
{
    for (;;) {
        spin_counter2++;
    }
}

static void waiter(uint64_t arg)
{
    uint64_t seen[6], bits;
    unsigned woken = 0;
    seen[0] = spin_counter + spin_counter2;
    for (unsigned i = 1; i <= 5; i++) {
        if (sys_wait(timer_note, &bits) == ERR_OK) {
            woken++;
        }
        seen[i] = spin_counter + spin_counter2;
        sys_irq_ack(irq_cap);
    }
    printf("kernel_test: timer interrupt woke the waiting thread %u times\n", woken);
    unsigned advanced = 0;
    for (unsigned i = 1; i <= 5; i++) {
        advanced += seen[i] > seen[i - 1];
    }
    printf("kernel_test: preemption: spinners ran between %u of 5 wakeups (counter %lu)\n", advanced,
           seen[5]);
    /* Both spinners get the CPU within a few time slices; how many PIT
     * periods that takes depends on the host's load under TCG, so wait
     * for up to 200 more before calling it a failure. */
    for (unsigned i = 0; i < 200 && !(spin_counter && spin_counter2); i++) {
        sys_wait(timer_note, &bits);
        sys_irq_ack(irq_cap);
    }
    uint64_t a = spin_counter, b = spin_counter2;
    printf("kernel_test: round robin: both equal-priority spinners ran: %s (%lu, %lu)\n",
           a && b ? "yes" : "no", a, b);
    failures += woken != 5 || advanced < 4 || !a || !b;
    sys_signal(done_note);
    for (;;) {
        sys_wait(timer_note, &bits);
    }
}

static void test_timer_preemption(void)
{
    timer_note = new_obj(OBJ_NOTIFICATION, 0);
    done_note = new_obj(OBJ_NOTIFICATION, 0);
    irq_cap = env_slot(&env);
    uint64_t err = sys_irq_get(BI_CAP_IRQ_CONTROL, 0, irq_cap);
    if (!err) {
        err = sys_irq_bind(irq_cap, timer_note);
    }
    /* A second claim of the line fails and must leave the owner's alone. */
    if (!err && sys_irq_get(BI_CAP_IRQ_CONTROL, 0, env_slot(&env)) != ERR_BUSY) {
        printf("kernel_test: FAILED: second irq_get of line 0 not refused\n");
        failures++;
    }
    /* PIT channel 0, mode 2, ~100 Hz. */
    uint16_t div = 11932;
    if (!err) {
        err = sys_port_out(BI_CAP_IO_PORT, 0x43, 1, 0x34) ||
              sys_port_out(BI_CAP_IO_PORT, 0x40, 1, div & 0xff) ||
              sys_port_out(BI_CAP_IO_PORT, 0x40, 1, div >> 8);
    }
    struct env_thread spin, spin2, wait;
    if (err || env_local_thread(&env, spinner, 0, 10, 0, &spin) ||
        env_local_thread(&env, spinner2, 0, 10, 0, &spin2) ||
        env_local_thread(&env, waiter, 0, 50, 0, &wait)) {
        printf("kernel_test: FAILED: timer setup error %lu\n", err);
        failures++;
        return;
    }
    uint64_t bits;
    sys_wait(done_note, &bits);
    sys_thread_suspend(spin.thread);
    sys_thread_suspend(spin2.thread);
    sys_thread_suspend(wait.thread);
    sys_port_out(BI_CAP_IO_PORT, 0x43, 1, 0x30); /* PIT one-shot: quiet */
}

int main(uint64_t arg)
{
    if (arg != BOOTINFO_ADDR) {
        return child(arg);
    }
    const struct bootinfo *bi = (const struct bootinfo *)arg;
    env_init(&env, bi);
    printf("kernel_test: started, %u untyped regions, %u modules, first free slot %lu\n", bi->untyped_count,
           bi->module_count, bi->first_free);
    test_faults();
    test_user_int();
    test_pic();
    test_ping_pong();
    test_cap_transfer();
    test_timer_preemption();
    test_fpu();
    test_bound_and_unwrap();
    test_retype_at();
    test_device_memory();
    test_deferred_replies();
    test_no_leak();
    printf("kernel_test: %s (%d failures)\n", failures ? "FAILED" : "all tests passed", failures);
    for (;;) {
        uint64_t bits;
        sys_wait(done_note, &bits);
    }
}
