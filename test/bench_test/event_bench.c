/*
 * Faults and interrupts: the fault round trip (exception → handler in
 * another PD → reply with a new ip → resume) and an interrupt delivered
 * to a user-level handler through a notification, from the PIT and from
 * a UART interrupt raised by a port write at a known instruction. Page
 * faults resolved by a pager are in pager_bench.c.
 */
#include "bench.h"

#define HELPER_PRIO 100
#define PIT_HZ 1193182ull
#define PIT_COUNT 20 /* one-shot of ~16.8 us */
#define UD2_LEN 2

/* Serve fault messages on ep until the child calls with LABEL_DONE: a
 * #UD is answered with ip past the ud2. */
static bool serve_faults(cap_t ep, const char *key)
{
    struct msg m = {.info = MSGINFO_NO_REPLY};
    for (;;) {
        if (sys_reply_wait(ep, &m)) {
            m.info = MSGINFO_NO_REPLY;
            continue;
        }
        uint64_t label = MSGINFO_LABEL(m.info);
        if (label == LABEL_DONE) {
            return true;
        }
        if (label == FAULT_LABEL && m.w[FAULT_KIND] == FAULT_UNDEFINED) {
            uint64_t ip = m.w[FAULT_IP] + UD2_LEN, sp = m.w[FAULT_SP];
            m.w[0] = ip;
            m.w[1] = sp;
            m.info = MSGINFO(0, 2, 0);
            continue;
        }
        printf("bench: FAILED: %s: unexpected message label %lx kind %lu addr %lx ip %lx\n", key, label,
               m.w[FAULT_KIND], m.w[FAULT_ADDR], m.w[FAULT_IP]);
        return false;
    }
}

static void fault_round_trip(struct bench *b)
{
    cap_t ep = bench_obj(b, OBJ_ENDPOINT, 0);
    bench_set_iters(b, b->iters, b->warmup);
    struct role_caps give = {.ep = ep};
    struct child f = spawn_role(b, ROLE_FAULTER, HELPER_PRIO, &give, RIGHT_WRITE, 0, ep);
    bool ok = serve_faults(ep, "fault_rt");
    sys_thread_suspend(f.thread);
    if (ok) {
        report("fault_rt", SHARED->samples, b->iters);
    } else {
        report_skip("fault_rt", "unexpected fault");
    }
}

void bench_faults(struct bench *b)
{
    fault_round_trip(b);
}

static bool port_out(unsigned port, uint64_t value)
{
    return sys_port_out(BI_CAP_IO_PORT, port, 1, value) == ERR_OK;
}

/* PIT channel 0 one-shot (mode 0): counting starts with the high byte.
 * The sample is the time from just before that write to our wake-up,
 * less the programmed delay. */
static void pit_interrupt(struct bench *b, const struct bootinfo *bi)
{
    cap_t note = bench_obj(b, OBJ_NOTIFICATION, 0), irq = env_slot(&b->env);
    if (sys_irq_get(BI_CAP_IRQ_CONTROL, 0, irq) || sys_irq_bind(irq, note)) {
        report_skip("irq_pit", "IRQ 0 not available");
        return;
    }
    uint64_t delay = PIT_COUNT * bi->tsc_hz / PIT_HZ, n = b->heavy, bits;
    bench_set_iters(b, n, b->warmup);
    for (uint64_t i = 0; i < b->warmup + n; i++) {
        port_out(0x43, 0x30);
        port_out(0x40, PIT_COUNT & 0xff);
        uint64_t t0 = tsc_begin();
        port_out(0x40, PIT_COUNT >> 8);
        sys_wait(note, &bits);
        uint64_t t1 = tsc_end();
        record(i, t1 - t0 > delay ? t1 - t0 - delay : 0);
        sys_irq_ack(irq);
    }
    sys_cap_delete(irq);
    report("irq_pit", SHARED->samples, n);
}

/* COM2's transmitter-empty interrupt, raised by the trigger in another PD
 * enabling it; we are the handler: disable it again and acknowledge. */
static void uart_interrupt(struct bench *b)
{
    uint64_t v = 0, bits;
    port_out(COM2 + UART_SCR, 0x5a);
    if (sys_port_in(BI_CAP_IO_PORT, COM2 + UART_SCR, 1, &v) || v != 0x5a) {
        report_skip("irq_uart", "no COM2: QEMU needs a second -serial");
        return;
    }
    cap_t note = bench_obj(b, OBJ_NOTIFICATION, 0), idle = bench_obj(b, OBJ_NOTIFICATION, 0);
    cap_t done = bench_obj(b, OBJ_NOTIFICATION, 0), irq = env_slot(&b->env);
    port_out(COM2 + UART_IER, 0);
    port_out(COM2 + UART_MCR, 0x08); /* OUT2: interrupt output enabled */
    if (sys_irq_get(BI_CAP_IRQ_CONTROL, 3, irq) || sys_irq_bind(irq, note)) {
        report_skip("irq_uart", "IRQ 3 not available");
        return;
    }
    uint64_t n = b->heavy;
    bench_set_iters(b, n, b->warmup);
    struct role_caps give = {.note_a = idle, .note_b = done, .io = BI_CAP_IO_PORT};
    struct child t = spawn_role(b, ROLE_TRIGGER, HELPER_PRIO, &give, 0, 0, CAP_NULL);
    for (uint64_t i = 0; i < b->warmup + n; i++) {
        sys_wait(note, &bits);
        uint64_t t1 = tsc_end();
        record(i, t1 - SHARED->t0);
        port_out(COM2 + UART_IER, 0);
        sys_irq_ack(irq);
    }
    sys_wait(done, &bits);
    sys_thread_suspend(t.thread);
    port_out(COM2 + UART_MCR, 0);
    sys_cap_delete(irq);
    report("irq_uart", SHARED->samples, n);
}

void bench_interrupts(struct bench *b)
{
    pit_interrupt(b, b->env.bi);
    uart_interrupt(b);
}
