/*
 * deferred_attack: a hostile client of the servers that keep a caller
 * waiting (a deferred reply): Terminal (drivers/uart, servers/terminal)
 * and Timer (drivers/timer). It attacks what the generic hostile client
 * (test/hostile_client) never sends, since that one leaves blocking
 * operations out:
 *   - the waiting operation called twice at once (two threads): exactly
 *     one call must be answered BUSY, the other kept waiting;
 *   - the session closed under the waiting call: the call must come back
 *     (with an error), the server must not answer into a closed session;
 *   - Terminal: writes beyond the buffer (size + 1, 2^63, 2^64 - 1),
 *     reads of 0 and 2^64 - 1 bytes, and escape-sequence garbage (huge
 *     and endless CSI parameters, scrolling regions out of range,
 *     an OSC never terminated, invalid UTF-8, cursor reports by the
 *     thousand, random bytes);
 *   - Timer: timeouts of 0 and 2^64 - 1 us, sleeps of 0, periodic
 *     timeouts of 1 us on many sessions at once.
 * Then, on a fresh session, the server must still serve it, and our RAM
 * and caps are exactly what they were before the first session.
 *   <config service="Terminal" [small="yes"]/>   or   <config service="Timer"/>
 * small="yes": long sequences of 256 bytes instead of 4 KiB and 4 KiB of
 * random bytes instead of 64 (for drivers/uart, whose output is the log).
 * Lines: "deferred_attack: WHAT: ok" or "... FAILED"; last
 * "deferred_attack: done, N failed" and exit value 0 only if none failed.
 */
#include <rt/component.h>
#include <rt/syscall.h>
#include <session/terminal.h>
#include <session/timer.h>

#define WAITERS 2
#define TIMER_SESSIONS 12
#define PATIENCE 3000000 /* yields to wait for a thread's answer */

static unsigned failed;

static void verdict(bool ok, const char *what)
{
    printf("deferred_attack: %s: %s\n", what, ok ? "ok" : "FAILED");
    failed += !ok;
}

static void quota(uint64_t *ram, uint64_t *caps)
{
    uint64_t q[4] = {0};
    pd_quota(ENV_PD, &q[0], &q[1], &q[2], &q[3]);
    *ram = q[0];
    *caps = q[2];
}

/* ---- two threads calling the waiting operation of one session ---- */

static struct {
    bool terminal;
    cap_t session;
    volatile bool called[WAITERS], back[WAITERS];
    volatile status_t status[WAITERS];
    cap_t thread[WAITERS];
} w;

static void waiter(uint64_t i)
{
    uint64_t value;
    w.called[i] = true;
    status_t st = w.terminal ? terminal_wait(w.session, &value) : timer_sleep(w.session, ~0ull, &value);
    w.status[i] = st;
    w.back[i] = true;
    for (;;) {
        sys_yield(); /* our stack stays ours; the main thread goes on */
    }
}

static bool make_threads(void)
{
    for (unsigned i = 0; i < WAITERS; i++) {
        uint64_t base = STACK_AREA_FIRST + (i + 1) * STACK_AREA_SIZE, top = STACK_AREA_UTCB(base), at, size;
        cap_t ds;
        if (cpu_create_thread(ENV_CPU, ENV_PD, top, 90, &w.thread[i], NULL) ||
            pd_alloc(ENV_PD, 4 * PAGE_SIZE, &ds, &size, NULL) ||
            pd_attach(ENV_PD, ds, top - 4 * PAGE_SIZE, PD_ATTACH_WRITE, &at)) {
            printf("deferred_attack: thread %u: FAILED\n", i);
            return false;
        }
    }
    return true;
}

static unsigned count_back(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < WAITERS; i++) {
        n += w.back[i];
    }
    return n;
}

/* Until `want` threads came back, or patience ends. */
static unsigned await_back(unsigned want)
{
    for (unsigned k = 0; k < PATIENCE && count_back() < want; k++) {
        sys_yield();
    }
    return count_back();
}

/* Both threads call the waiting operation of session (id at the parent);
 * one must get BUSY, the other must come back once we close the session. */
static void wait_twice_then_close(cap_t session, uint64_t id, const char *op)
{
    char what[96];
    w.session = session;
    for (unsigned i = 0; i < WAITERS; i++) {
        w.called[i] = w.back[i] = false;
        uint64_t top = STACK_AREA_UTCB(STACK_AREA_FIRST + (i + 1) * STACK_AREA_SIZE);
        if (cpu_start(w.thread[i], (uint64_t)waiter, top - 8, i)) {
            printf("deferred_attack: start of thread %u: FAILED\n", i);
            failed++;
            return;
        }
    }
    unsigned back = await_back(1);
    unsigned busy = 0;
    for (unsigned i = 0; i < WAITERS; i++) {
        busy += w.back[i] && w.status[i] == RPC_BUSY;
    }
    snprintf(what, sizeof(what), "%s twice at once: one answered BUSY, one kept waiting", op);
    verdict(back == 1 && busy == 1, what);
    uint64_t ram, caps;
    status_t st = parent_close(ENV_PARENT, id, &ram, &caps);
    snprintf(what, sizeof(what), "session closed under a waiting %s: %s", op, status_text(st));
    verdict(st == RPC_OK, what);
    back = await_back(WAITERS);
    status_t last = RPC_OK;
    for (unsigned i = 0; i < WAITERS; i++) {
        if (w.status[i] != RPC_BUSY) {
            last = w.status[i];
        }
    }
    snprintf(what, sizeof(what), "the waiting %s came back: %s", op, back == WAITERS ? status_text(last) : "no");
    verdict(back == WAITERS && last != RPC_OK, what);
    for (unsigned i = 0; i < WAITERS; i++) {
        cpu_pause(w.thread[i]); /* it yields in a loop: stop it */
    }
    rt_slot_free(session);
}

/* ---- Terminal ---- */

static uint32_t rnd = 12345;

static uint32_t random32(void)
{
    rnd = rnd * 1103515245u + 12345u;
    return rnd >> 8;
}

static bool write_bytes(cap_t t, char *io, const char *bytes, size_t n)
{
    uint64_t written = 0;
    memcpy(io, bytes, n);
    return terminal_write(t, n, &written) == RPC_OK && written == n;
}

static size_t repeat(char *out, size_t at, const char *piece, unsigned times)
{
    for (unsigned k = 0; k < times; k++) {
        size_t len = strlen(piece);
        memcpy(out + at, piece, len);
        at += len;
    }
    return at;
}

/* Drain what input queued (cursor reports): the next wait must block. */
static void drain(cap_t t)
{
    uint64_t n = 1, avail = 0;
    while (terminal_avail(t, &avail) == RPC_OK && avail && n) {
        terminal_read(t, TERMINAL_IO_SIZE, &n);
    }
}

/* long: bytes per long sequence (at most TERMINAL_IO_SIZE); chunks: 4 KiB
 * writes of random bytes. On drivers/uart all of it lands in the test's
 * log, so run/attack_deferred.run asks for less. */
static void garbage(cap_t t, char *io, size_t long_len, unsigned chunks)
{
    static char b[TERMINAL_IO_SIZE];
    char what[96];
    static const char *const fixed[] = {
        "\x1b[99999;99999r", "\x1b[0;0r", "\x1b[5;2r", "\x1b[4294967296;1r", "\x1b[;r", "\x1b[1;1r",
        "\x1b[4294967297;4294967297H", "\x1b[?25l\x1b[?9999999h\x1b[?25h", "\x1b[99999S\x1b[99999T",
        "\x1b[99999L\x1b[99999M\x1b[99999@\x1b[99999P\x1b[99999X", "\x1b[99999J\x1b[3J\x1b[99999K\x1b[1K",
        "\x1b[999;999H\x1b[99999A\x1b[99999B\x1b[99999C\x1b[99999D\x1b[99999E\x1b[99999F\x1b[99999G\x1b[99999d",
        "\x1b[38;2;999;999;999m\x1b[48;5;99999m\x1b[99999m", "\x1b(\x1b)\x1b", "\x1b[s\x1b[999;999r\x1b[u",
        "\x1b" "8\x1b" "7\x1bM\x1b" "D\x1b" "E\x1b[r",
        /* invalid UTF-8: stray continuations, overlong, surrogates, beyond U+10FFFF, cut short */
        "\x80\xbf\xc0\x80\xc1\xbf\xe0\x80\x80\xed\xa0\x80\xf4\x90\x80\x80\xf8\x88\x80\x80\x80\xfe\xff\xe2\x82",
        "\xc0\x9b[2J\xe0\x80\x9b[H", /* overlong ESC */
    };
    bool ok = true;
    for (unsigned i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        ok &= write_bytes(t, io, fixed[i], strlen(fixed[i]));
    }
    verdict(ok, "escape sequences out of range and invalid UTF-8 written");
    size_t n = repeat(b, 0, "\x1b[", 1);
    while (n < long_len - 1) {
        b[n++] = '9';
    }
    b[n++] = 'H';
    ok = write_bytes(t, io, b, n);
    n = repeat(b, 0, "\x1b[", 1);
    n = repeat(b, n, "1;", (unsigned)(long_len - 3) / 2);
    b[n++] = 'm';
    ok &= write_bytes(t, io, b, n);
    /* a CSI that never ends, over four writes */
    for (unsigned k = 0; k < 4; k++) {
        n = k ? 0 : repeat(b, 0, "\x1b[", 1);
        while (n < long_len) {
            b[n++] = (char)('0' + k);
        }
        ok &= write_bytes(t, io, b, n);
    }
    snprintf(what, sizeof(what), "CSI of %zu digits, of %zu parameters, and one of %zu bytes", long_len - 3,
             (long_len - 3) / 2, 4 * long_len);
    verdict(ok, what);
    n = repeat(b, 0, "\x1b]", 1);
    while (n < long_len) {
        b[n++] = 'x';
    }
    ok = write_bytes(t, io, b, n) && write_bytes(t, io, b + 2, n - 2) && write_bytes(t, io, "\x07", 1);
    snprintf(what, sizeof(what), "an OSC of %zu bytes", 2 * long_len - 2);
    verdict(ok, what);
    n = repeat(b, 0, "\x1b[6n", (unsigned)long_len / 4);
    ok = true;
    for (unsigned k = 0; k < 4; k++) {
        ok &= write_bytes(t, io, b, n);
    }
    snprintf(what, sizeof(what), "%zu cursor position reports asked", long_len);
    verdict(ok, what);
    ok = true;
    for (unsigned k = 0; k < chunks; k++) {
        for (size_t i = 0; i < sizeof(b); i++) {
            b[i] = (char)random32();
        }
        ok &= write_bytes(t, io, b, sizeof(b));
    }
    ok &= write_bytes(t, io, "\x1b\\\x1b" "c\x1b[0m\x1b[r\n", 12);
    snprintf(what, sizeof(what), "%u KiB of random bytes", chunks * 4);
    verdict(ok, what);
}

static status_t open_terminal(cap_t *t, uint64_t *id, char **io)
{
    cap_t ds;
    uint64_t size;
    status_t st = terminal_session("", t, id);
    if (!st) {
        st = terminal_buffer(*t, &ds, &size);
    }
    if (!st && size != TERMINAL_IO_SIZE) {
        st = RPC_INVALID;
    }
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, (void **)io);
    }
    return st;
}

static void terminal_attack(size_t long_len, unsigned chunks)
{
    cap_t t;
    uint64_t id, n = 0, ram0, caps0, ram, caps;
    char *io;
    w.terminal = true;
    quota(&ram0, &caps0);
    /* A session used and closed as a client should: what the server uses
     * then is the baseline (run/attack_deferred.run compares it with its
     * use at the end). */
    status_t st = open_terminal(&t, &id, &io);
    bool ok = !st && write_bytes(t, io, "deferred_attack: before the attack\n", 35);
    if (!st) {
        pd_detach(ENV_PD, (uint64_t)io);
        ok &= parent_close(ENV_PARENT, id, &ram, &caps) == RPC_OK;
        rt_slot_free(t);
    }
    verdict(ok, "a session before the attack");
    st = open_terminal(&t, &id, &io);
    verdict(!st, "Terminal session");
    if (st) {
        return;
    }
    verdict(terminal_write(t, TERMINAL_IO_SIZE + 1, &n) == RPC_INVALID &&
                terminal_write(t, 1ull << 63, &n) == RPC_INVALID && terminal_write(t, ~0ull, &n) == RPC_INVALID,
            "writes of size + 1, 2^63 and 2^64 - 1 bytes refused");
    ok = terminal_read(t, ~0ull, &n) == RPC_OK && n <= TERMINAL_IO_SIZE;
    ok &= terminal_read(t, 0, &n) == RPC_OK && n == 0;
    verdict(ok, "reads of 2^64 - 1 and 0 bytes");
    garbage(t, io, long_len, chunks);
    drain(t);
    ok = write_bytes(t, io, "deferred_attack: still written\n", 31);
    verdict(ok, "a plain line after the garbage");
    pd_detach(ENV_PD, (uint64_t)io);
    wait_twice_then_close(t, id, "wait");
    quota(&ram, &caps);
    verdict(ram == ram0 && caps == caps0, "quota exact after the first session");
    /* A fresh session: served as before. */
    st = open_terminal(&t, &id, &io);
    ok = !st && write_bytes(t, io, "deferred_attack: a fresh session\n", 33);
    ok &= terminal_avail(t, &n) == RPC_OK;
    verdict(ok, "a fresh session is served");
    if (!st) {
        pd_detach(ENV_PD, (uint64_t)io);
        parent_close(ENV_PARENT, id, &ram, &caps);
        rt_slot_free(t);
    }
    quota(&ram, &caps);
    verdict(ram == ram0 && caps == caps0, "quota exact at the end");
    if (ram != ram0 || caps != caps0) {
        printf("deferred_attack: %lu of %lu bytes, %lu of %lu caps\n", ram, ram0, caps, caps0);
    }
}

/* ---- Timer ---- */

static void timer_attack(void)
{
    cap_t t[TIMER_SESSIONS], note;
    uint64_t id[TIMER_SESSIONS], ram0, caps0, ram, caps, v, before, bits = 0;
    w.terminal = false;
    if (pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note)) {
        verdict(false, "notification");
        return;
    }
    quota(&ram0, &caps0);
    bool ok = true;
    unsigned open = 0;
    for (; open < TIMER_SESSIONS && ok; open++) {
        cap_t copy = rt_slot_alloc();
        status_t st = timer_session("", &t[open], &id[open]);
        const char *step = "session";
        if (!st && (step = "copy of the notification", !copy || sys_cap_mint(note, CAP_NULL, copy, RIGHT_WRITE, 1))) {
            st = RPC_INVALID;
        }
        if (!st) {
            step = "sigh";
            st = timer_sigh(t[open], copy);
        }
        if (!st) {
            step = "trigger_periodic";
            st = timer_trigger_periodic(t[open], 1);
        }
        if (copy) {
            rt_slot_free(copy);
        }
        if (st) {
            printf("deferred_attack: timer session %u: %s: %s\n", open, step, status_text(st));
            ok = false;
        }
    }
    verdict(ok, "12 sessions, each with a periodic timeout of 1 us");
    if (!ok) {
        return;
    }
    ok = timer_trigger_once(t[0], 0) == RPC_OK && timer_trigger_once(t[1], ~0ull) == RPC_OK &&
         timer_trigger_periodic(t[2], ~0ull) == RPC_OK && timer_trigger_periodic(t[3], 0) == RPC_OK;
    verdict(ok, "timeouts of 0 and 2^64 - 1 us, a periodic one stopped");
    ok = timer_elapsed_us(t[4], &before) == RPC_OK && timer_sleep(t[4], 0, &v) == RPC_OK && v >= before &&
         timer_sleep(t[4], 20000, &v) == RPC_OK && v >= before + 20000;
    verdict(ok, "sleeps of 0 and 20000 us while the periodic timeouts run");
    verdict(sys_poll(note, &bits) == ERR_OK && bits, "the periodic timeouts signal");
    /* Close all but the first: the threads' sleeps are on it. */
    ok = true;
    for (unsigned i = 1; i < open; i++) {
        uint64_t r, c;
        ok &= parent_close(ENV_PARENT, id[i], &r, &c) == RPC_OK;
        rt_slot_free(t[i]);
    }
    verdict(ok, "11 sessions closed with their timeouts running");
    wait_twice_then_close(t[0], id[0], "sleep");
    sys_poll(note, &bits);
    /* A fresh session: served as before, and nothing of the closed ones
     * signals any more. */
    cap_t f;
    uint64_t fid;
    ok = timer_session("", &f, &fid) == RPC_OK && timer_elapsed_us(f, &before) == RPC_OK &&
         timer_sleep(f, 10000, &v) == RPC_OK && v >= before + 10000;
    verdict(ok, "a fresh session is served");
    if (ok) {
        uint64_t r, c;
        parent_close(ENV_PARENT, fid, &r, &c);
        rt_slot_free(f);
    }
    bits = 0;
    verdict(sys_poll(note, &bits) != ERR_OK || !bits, "no signal from the closed sessions");
    quota(&ram, &caps);
    verdict(ram == ram0 && caps == caps0, "quota exact at the end");
    if (ram != ram0 || caps != caps0) {
        printf("deferred_attack: %lu of %lu bytes, %lu of %lu caps\n", ram, ram0, caps, caps0);
    }
}

int main(uint64_t arg)
{
    (void)arg;
    char service[16] = "";
    rt_config_attr("service", service, sizeof(service));
    printf("deferred_attack: attacking %s\n", service);
    if (!make_threads()) {
        return 1;
    }
    if (!strcmp(service, "Terminal")) {
        char small[8] = "no";
        rt_config_attr("small", small, sizeof(small));
        bool s = !strcmp(small, "yes");
        terminal_attack(s ? 256 : TERMINAL_IO_SIZE, s ? 1 : 16);
    } else if (!strcmp(service, "Timer")) {
        timer_attack();
    } else {
        printf("deferred_attack: no service=\"Terminal\" or \"Timer\" in the config\n");
        return 1;
    }
    printf("deferred_attack: done, %u failed\n", failed);
    return failed ? 1 : 0;
}
