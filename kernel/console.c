/*
 * The console object: COM1 shared between the kernel's log and one
 * user-level serial terminal (drivers/uart). The kernel keeps the UART;
 * a console capability (OBJ_CONSOLE, made by console_get from an I/O
 * port capability covering COM1, which only the first task has) lets
 * its holder read what arrives on the line and write bytes to it.
 *
 * IRQ 4 is the kernel's own line from the end of the boot
 * (console_boot, where a UART answered): the UART's transmitter-empty
 * interrupt drains the log's ring (serial.c), and once the first console
 * capability is made its receive interrupt takes input. CPU 0's timer
 * tick does both as well (console_tick), so a lost edge costs at most a
 * tick.
 *
 * Input: the receive interrupt moves bytes from the UART's FIFO
 * into a ring here and signals the bound notification when the ring was
 * empty. When the ring is full the interrupt is switched off, so bytes
 * wait in the UART (and a sender that honours flow control, such as
 * QEMU, waits) instead of being dropped here; console_read turns it back
 * on. What the UART itself reports lost (overruns) is counted and
 * returned with every read.
 *
 * Output: console_write puts bytes on the line as they are, at most
 * CONSOLE_WRITE_MAX (one transmit FIFO) per call, only when the
 * transmitter is empty, and says how many: 0 when the UART is busy or
 * the log has the line (serial.c alternates log lines and terminal
 * output, never mixing them on one line); the caller yields and loops.
 * Nothing here waits for the UART; every path is bounded by a ring or
 * the FIFO.
 */
#include "objects.h"
#include "arch/x86_64/arch.h"
#include <arbor/kernel_devices.h>

#define RING_SIZE 4096 /* a power of two; 0.35 s of input at 115200 baud */
#define ISA_IRQ_COM1 4

static struct {
    uint8_t ring[RING_SIZE];
    uint32_t head, tail; /* free-running: head - tail bytes queued */
    bool rx_on;          /* the receive interrupt is enabled */
    bool rx;             /* input is taken (the first console_get) */
    bool routed;         /* IRQ 4 is ours (console_boot) */
    uint32_t refs;       /* console capabilities */
    struct cap notify;   /* signalled when input arrives in an empty ring */
} con = {.notify.owner = CAP_OWNER_CONSOLE_NOTIFY};

static size_t ring_room(void)
{
    return RING_SIZE - (con.head - con.tail);
}

/* Move what the UART holds into the ring, as far as it fits; the
 * interrupt stays on only while there is room for more. */
static void fill(void)
{
    bool was_empty = con.head == con.tail;
    while (ring_room()) {
        size_t at = con.head % RING_SIZE;
        size_t room = ring_room();
        if (room > RING_SIZE - at) {
            room = RING_SIZE - at;
        }
        size_t n = serial_rx_drain(&con.ring[at], room);
        con.head += (uint32_t)n;
        if (n < room) {
            break; /* the FIFO is empty */
        }
    }
    bool on = ring_room() != 0;
    if (on != con.rx_on) {
        serial_rx_interrupt(on);
        con.rx_on = on;
    }
    if (was_empty && con.head != con.tail && con.notify.type == OBJ_NOTIFICATION) {
        struct cap *n = &con.notify;
        notification_signal((struct notification *)n->object, n->word ? n->word : 1);
    }
}

void console_interrupt(void)
{
    if (con.rx) {
        fill();
    }
    serial_tx_kick();
}

void console_tick(void)
{
    if (con.rx) {
        fill();
    }
    serial_tick();
}

void console_boot(void)
{
    if (!serial_present()) {
        return;
    }
    unsigned gsi;
    err_t e = irq_take_kernel(ISA_IRQ_COM1, &gsi);
    if (e) {
        kprintf("kernel: COM1's IRQ 4 cannot be routed (%s): the log drains at the timer tick only\n",
                err_name(e));
    } else {
        con.routed = true;
    }
    serial_tx_kick(); /* what the boot queued starts going out */
}

void console_ref(void)
{
    con.refs++;
}

void console_unref(void)
{
    if (--con.refs == 0) {
        cap_delete(&con.notify); /* nobody can read: keep no notification alive */
    }
}

static err_t get_console(struct cap *io, struct cap *dst)
{
    if (io->word > KERNEL_CONSOLE_PORT || io->word + io->count < KERNEL_CONSOLE_PORT + 8) {
        return ERR_NO_RIGHTS;
    }
    if (!serial_present()) {
        return ERR_BAD_STATE;
    }
    if (!con.rx) {
        con.rx = true;
        fill(); /* also turns the receive interrupt on */
    }
    dst->type = OBJ_CONSOLE;
    dst->rights = RIGHT_READ | RIGHT_WRITE;
    dst->word = 0;
    dst->count = 0;
    cap_tree_link(io, dst);
    console_ref();
    return ERR_OK;
}

/* A0: I/O port capability covering COM1, A1: destination slot. */
void sys_console_get(struct thread *t)
{
    struct cap *io, *dst;
    err_t e = cspace_get(t->regs.rdi, OBJ_IO_PORT, 0, &io);
    if (!e) {
        e = cspace_empty_slot(t->pd, t->regs.rsi, &dst);
    }
    t->regs.rax = e ? e : get_console(io, dst);
}

/* A0: console, A1: notification (WRITE) or 0 to unbind. */
void sys_console_bind(struct thread *t)
{
    struct cap *c, *n = NULL;
    err_t e = cspace_get(t->regs.rdi, OBJ_CONSOLE, RIGHT_READ, &c);
    if (!e && t->regs.rsi != CAP_NULL) {
        e = cspace_get(t->regs.rsi, OBJ_NOTIFICATION, RIGHT_WRITE, &n);
    }
    if (e) {
        t->regs.rax = e;
        return;
    }
    cap_delete(&con.notify);
    if (n) {
        cap_copy(&con.notify, n, n);
    }
    t->regs.rax = ERR_OK;
}

/* A0: console, A1: at most this many bytes into utcb.buf. Results: rdi
 * bytes read, rsi bytes the UART reported lost since boot. */
void sys_console_read(struct thread *t)
{
    struct cap *c;
    err_t e = cspace_get(t->regs.rdi, OBJ_CONSOLE, RIGHT_READ, &c);
    if (!e && (!t->utcb || t->regs.rsi > sizeof(t->utcb->buf))) {
        e = ERR_INVALID_ARG;
    }
    if (e) {
        t->regs.rax = e;
        return;
    }
    size_t n = 0, max = t->regs.rsi;
    while (n < max && con.tail != con.head) {
        t->utcb->buf[n++] = (char)con.ring[con.tail++ % RING_SIZE];
    }
    fill(); /* room again: take what waited in the UART */
    t->regs.rdi = n;
    t->regs.rsi = serial_overruns();
    t->regs.rax = ERR_OK;
}

/* A0: console, A1: length, A2: offset in utcb.buf of the bytes to write
 * as they are. Result: rdi bytes written, 1..CONSOLE_WRITE_MAX (0 only
 * for length 0). */
void sys_console_write(struct thread *t)
{
    struct cap *c;
    uint64_t len = t->regs.rsi, off = t->regs.rdx;
    err_t e = cspace_get(t->regs.rdi, OBJ_CONSOLE, RIGHT_WRITE, &c);
    if (!e && (!t->utcb || off > sizeof(t->utcb->buf) || len > sizeof(t->utcb->buf) - off)) {
        e = ERR_INVALID_ARG;
    }
    if (!e) {
        if (len > CONSOLE_WRITE_MAX) {
            len = CONSOLE_WRITE_MAX;
        }
        t->regs.rdi = serial_write_raw(&t->utcb->buf[off], len);
    }
    t->regs.rax = e;
}
