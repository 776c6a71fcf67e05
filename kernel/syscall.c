/*
 * System call decoding: one handler per line of syscalls.def. Each handler
 * checks every argument (capability index, type, rights, address, length)
 * before it changes anything, and leaves its status in rax. Arguments
 * arrive in rdi rsi rdx r10 r8 r9 (a0..a5); results go back in rdi, rsi...
 * The entry and exit around the handlers are entry.asm's syscall_entry.
 */
#include "objects.h"
#include <arbor/kernel_devices.h>
#include "screen_console.h"

#define A0 (t->regs.rdi)
#define A1 (t->regs.rsi)
#define A2 (t->regs.rdx)
#define A3 (t->regs.r10)
#define A4 (t->regs.r8)
#define TRY(expr)                                                                                            \
    do {                                                                                                     \
        err_t e_ = (expr);                                                                                   \
        if (e_) {                                                                                            \
            t->regs.rax = e_;                                                                                \
            return;                                                                                          \
        }                                                                                                    \
    } while (0)

static bool user_range(uint64_t va, uint64_t len)
{
    return va >= USER_BASE && va < USER_END && len <= USER_END - va && !(va & (PAGE_SIZE - 1));
}

static err_t check_info(struct thread *t, uint64_t info)
{
    unsigned len = MSGINFO_LEN(info);
    if (len > MSG_MAX_WORDS || ((len > MSG_REG_WORDS || MSGINFO_CAPS(info)) && !t->utcb)) {
        return ERR_INVALID_ARG;
    }
    return ERR_OK;
}

static void sys_nop(struct thread *t)
{
    t->regs.rax = ERR_OK;
}

/* sys_call and sys_reply_wait are ipc_fast.c's: these are the general
 * paths they fall back to. */
void sys_call_general(struct thread *t)
{
    struct cap *ep;
    TRY(cspace_get(A0, OBJ_ENDPOINT, RIGHT_WRITE, &ep));
    TRY(check_info(t, A1));
    ipc_call(t, ep, A1);
}

/* A0: endpoint in bits 0-31, a reply capability or 0 in bits 32-63. */
void sys_reply_wait_general(struct thread *t)
{
    struct cap *ep, *saved = NULL;
    TRY(cspace_get(A0 & 0xffffffff, OBJ_ENDPOINT, RIGHT_READ, &ep));
    if (A0 >> 32) {
        TRY(cspace_get(A0 >> 32, OBJ_REPLY, 0, &saved));
        if (t->caller) {
            t->regs.rax = ERR_BAD_STATE; /* it would lose its pending caller */
            return;
        }
    }
    if (A1 != MSGINFO_NO_REPLY) {
        TRY(check_info(t, A1));
    }
    ipc_reply_wait(t, ep, A1, saved);
}

static void sys_signal(struct thread *t)
{
    struct cap *n;
    TRY(cspace_get(A0, OBJ_NOTIFICATION, RIGHT_WRITE, &n));
    t->regs.rax = ERR_OK;
    notification_signal((struct notification *)n->object, n->word ? n->word : 1);
}

static void sys_wait(struct thread *t)
{
    struct cap *n;
    TRY(cspace_get(A0, OBJ_NOTIFICATION, RIGHT_READ, &n));
    notification_wait(t, (struct notification *)n->object);
}

static void sys_poll(struct thread *t)
{
    struct cap *n;
    TRY(cspace_get(A0, OBJ_NOTIFICATION, RIGHT_READ, &n));
    struct notification *no = (struct notification *)n->object;
    t->regs.rdi = no->bits;
    t->regs.rax = no->bits ? ERR_OK : ERR_WOULD_BLOCK;
    no->bits = 0;
}

static void sys_yield(struct thread *t)
{
    t->regs.rax = ERR_OK;
    sched_yield();
}

/* Writing to the kernel console takes the authority to drive its UART:
 * an I/O port capability covering COM1, which only the first task holds
 * (core never hands COM1 out). Anybody else talks through a LOG session,
 * which labels and filters every line. */
static void sys_debug_puts(struct thread *t)
{
    struct cap *io;
    TRY(cspace_get(A0, OBJ_IO_PORT, 0, &io));
    if (io->word > KERNEL_CONSOLE_PORT || io->word + io->count < KERNEL_CONSOLE_PORT + 8) {
        t->regs.rax = ERR_NO_RIGHTS;
        return;
    }
    if (!t->utcb || A1 > sizeof(((struct arbor_utcb *)0)->buf)) {
        t->regs.rax = ERR_INVALID_ARG;
        return;
    }
    /* Whole or not at all: the caller yields and tries again. */
    t->regs.rax = klog_take(t->utcb->buf, A1) ? ERR_OK : ERR_BUSY;
}

static void sys_retype(struct thread *t)
{
    struct cap *ut, *dst;
    TRY(cspace_get(A0, OBJ_UNTYPED, 0, &ut));
    TRY(cspace_empty_slot(t->pd, A3, &dst));
    if (A1 >= OBJ_COUNT) {
        t->regs.rax = ERR_INVALID_ARG;
        return;
    }
    /* A dying PD's memory is no longer named by any capability: empty
     * the dying PDs before any memory can be made into something new. */
    if (kernel.dying) {
        pd_process_dying();
        arch_syscall_restart(t);
        return;
    }
    /* (OBJ_UNTYPED splits off a part: size argument in bytes) */
    bool again = false;
    err_t e = untyped_retype(ut, (unsigned)A1, A2, dst, A4, &t->zeroing, &again);
    if (again) {
        arch_syscall_restart(t);
        return;
    }
    t->regs.rax = e;
}

static void sys_cap_mint(struct thread *t)
{
    struct cap *src, *pdc, *dst;
    TRY(cspace_get(A0, OBJ_NULL, 0, &src));
    if (A1 == CAP_NULL) {
        TRY(cspace_empty_slot(t->pd, A2, &dst)); /* into our own cap space */
    } else {
        TRY(cspace_get(A1, OBJ_PD, RIGHT_WRITE, &pdc));
        TRY(cspace_empty_slot((struct pd *)pdc->object, A2, &dst));
    }
    uint64_t badge = A4;
    if (src->type == OBJ_UNTYPED || src->type == OBJ_PAGE_TABLE || src->type == OBJ_REPLY) {
        t->regs.rax = ERR_WRONG_TYPE;
        return;
    }
    if (badge && (src->type != OBJ_ENDPOINT && src->type != OBJ_NOTIFICATION)) {
        t->regs.rax = ERR_INVALID_ARG;
        return;
    }
    if (badge && src->word) {
        t->regs.rax = ERR_BAD_STATE; /* badges are fixed once minted */
        return;
    }
    cap_copy(dst, src, src);
    dst->rights = (uint8_t)(src->rights & A3);
    if (badge) {
        dst->word = badge;
    }
    t->regs.rax = ERR_OK;
}

static void sys_cap_delete(struct thread *t)
{
    struct cap *c;
    TRY(cspace_get(A0, OBJ_NULL, 0, &c));
    cap_delete(c);
    t->regs.rax = ERR_OK;
}

static void sys_cap_revoke(struct thread *t)
{
    struct cap *c;
    TRY(cspace_get(A0, OBJ_NULL, 0, &c));
    if (!cap_revoke(c)) {
        arch_syscall_restart(t); /* more to delete, after a lock break */
        return;
    }
    t->regs.rax = ERR_OK;
}

static void sys_cap_info(struct thread *t)
{
    struct cap *c;
    TRY(cspace_get(A0, OBJ_NULL, 0, &c));
    t->regs.rdi = c->type;
    t->regs.rsi = c->rights;
    t->regs.rdx = c->word;
    t->regs.r10 = c->type == OBJ_IRQ       ? irq_last_cpu((unsigned)c->word)
                  : c->type != OBJ_UNTYPED ? c->count
                  : c->first_child         ? c->word - c->map
                                           : c->word;
    t->regs.r8 = c->level == CAP_LEVEL_DEVICE && (c->type == OBJ_UNTYPED || c->type == OBJ_FRAME)
                     ? CAP_INFO_DEVICE
                     : 0;
    t->regs.rax = ERR_OK;
}

static void sys_frame_map(struct thread *t)
{
    struct cap *f, *pdc;
    TRY(cspace_get(A0, OBJ_FRAME, RIGHT_READ, &f));
    TRY(cspace_get(A1, OBJ_PD, RIGHT_WRITE, &pdc));
    if (!user_range(A2, (uint64_t)f->count * PAGE_SIZE)) {
        t->regs.rax = ERR_INVALID_ADDR;
        return;
    }
    if ((A3 & ~(uint64_t)f->rights) || !(A3 & RIGHT_READ)) {
        t->regs.rax = ERR_NO_RIGHTS;
        return;
    }
    if (f->map) {
        t->regs.rax = ERR_MAPPED;
        return;
    }
    t->regs.rax = vspace_map_frame((struct pd *)pdc->object, f, A2, (unsigned)A3);
    if (t->regs.rax == ERR_NO_TABLE) {
        t->regs.rdi = vspace_missing_level;
        t->regs.rsi = vspace_missing_addr;
    }
}

static void sys_frame_unmap(struct thread *t)
{
    struct cap *f;
    TRY(cspace_get(A0, OBJ_FRAME, 0, &f));
    if (!f->map) {
        t->regs.rax = ERR_NOT_MAPPED;
        return;
    }
    vspace_unmap_frame(f);
    t->regs.rax = ERR_OK;
}

static void sys_pt_map(struct thread *t)
{
    struct cap *pt, *pdc;
    TRY(cspace_get(A0, OBJ_PAGE_TABLE, 0, &pt));
    TRY(cspace_get(A1, OBJ_PD, RIGHT_WRITE, &pdc));
    if (A2 < USER_BASE || A2 >= USER_END) {
        t->regs.rax = ERR_INVALID_ADDR;
        return;
    }
    if (A3 < PT_LEVEL_PT || A3 > PT_LEVEL_PDPT) {
        t->regs.rax = ERR_INVALID_ARG;
        return;
    }
    if (pt->map) {
        t->regs.rax = ERR_MAPPED;
        return;
    }
    t->regs.rax = vspace_map_table((struct pd *)pdc->object, pt, A2, (unsigned)A3);
    if (t->regs.rax == ERR_NO_TABLE) {
        t->regs.rdi = vspace_missing_level;
        t->regs.rsi = vspace_missing_addr;
    }
}

static void sys_thread_config(struct thread *t)
{
    struct cap *tc, *pdc, *uc = NULL, *fc = NULL;
    TRY(cspace_get(A0, OBJ_THREAD, RIGHT_WRITE, &tc));
    TRY(cspace_get(A1, OBJ_PD, RIGHT_WRITE, &pdc));
    if (A2 != CAP_NULL) {
        TRY(cspace_get(A2, OBJ_FRAME, RIGHT_READ | RIGHT_WRITE, &uc));
        if (uc->level == CAP_LEVEL_DEVICE) {
            t->regs.rax = ERR_WRONG_TYPE; /* the kernel reads UTCBs: RAM only */
            return;
        }
    }
    if (A3 != CAP_NULL) {
        TRY(cspace_get(A3, OBJ_ENDPOINT, RIGHT_WRITE, &fc));
    }
    struct thread *th = (struct thread *)tc->object;
    if (th->state != THREAD_INACTIVE || th == t) {
        t->regs.rax = ERR_BAD_STATE;
        return;
    }
    cap_delete(&th->pd_slot);
    cap_delete(&th->utcb_slot);
    cap_delete(&th->fault_slot);
    cap_copy(&th->pd_slot, pdc, pdc);
    th->pd = (struct pd *)pdc->object;
    if (uc) {
        cap_copy(&th->utcb_slot, uc, uc);
        th->utcb = phys_to_virt(uc->object);
    }
    if (fc) {
        cap_copy(&th->fault_slot, fc, fc);
    }
    t->regs.rax = ERR_OK;
}

static void sys_thread_start(struct thread *t)
{
    struct cap *tc;
    TRY(cspace_get(A0, OBJ_THREAD, RIGHT_WRITE, &tc));
    struct thread *th = (struct thread *)tc->object;
    if (A1 < USER_BASE || A1 >= USER_END || A2 >= USER_END) {
        t->regs.rax = ERR_INVALID_ADDR;
        return;
    }
    if (th->state != THREAD_INACTIVE || th->started || !th->pd) {
        t->regs.rax = ERR_BAD_STATE;
        return;
    }
    th->regs.rip = A1;
    th->regs.rsp = A2;
    th->regs.rdi = A3;
    th->started = true;
    t->regs.rax = ERR_OK;
    sched_ready(th);
}

static void sys_thread_suspend(struct thread *t)
{
    struct cap *tc;
    TRY(cspace_get(A0, OBJ_THREAD, RIGHT_WRITE, &tc));
    t->regs.rax = ERR_OK;
    thread_suspend((struct thread *)tc->object);
}

static void sys_thread_resume(struct thread *t)
{
    struct cap *tc;
    TRY(cspace_get(A0, OBJ_THREAD, RIGHT_WRITE, &tc));
    struct thread *th = (struct thread *)tc->object;
    if (th->state != THREAD_INACTIVE || !th->started || !th->pd) {
        t->regs.rax = ERR_BAD_STATE;
        return;
    }
    th->in_fault = false;
    t->regs.rax = ERR_OK;
    sched_ready(th);
}

static void sys_thread_prio(struct thread *t)
{
    struct cap *tc;
    TRY(cspace_get(A0, OBJ_THREAD, RIGHT_WRITE, &tc));
    if (A1 > t->prio) {
        t->regs.rax = ERR_NO_RIGHTS;
        return;
    }
    struct thread *th = (struct thread *)tc->object;
    bool queued = th->state == THREAD_RUNNABLE && th != kernel.cpu[th->cpu]->current;
    sched_remove(th);
    th->prio = (uint8_t)A1;
    t->regs.rax = ERR_OK;
    if (queued) {
        sched_ready(th);
    }
}

/* A1: the CPU's index, below the number of CPUs, which rdi returns. */
static void sys_thread_cpu(struct thread *t)
{
    struct cap *tc;
    TRY(cspace_get(A0, OBJ_THREAD, RIGHT_WRITE, &tc));
    if (A1 >= kernel.cpu_count) {
        t->regs.rax = ERR_INVALID_ARG;
        return;
    }
    t->regs.rax = ERR_OK;
    t->regs.rdi = kernel.cpu_count;
    sched_move((struct thread *)tc->object, (unsigned)A1);
}

static void sys_irq_get(struct thread *t)
{
    struct cap *ctl, *dst;
    TRY(cspace_get(A0, OBJ_IRQ_CONTROL, 0, &ctl));
    TRY(cspace_empty_slot(t->pd, A2, &dst));
    t->regs.rax = irq_get((unsigned)(A1 > 0xffff ? 0xffff : A1), ctl, dst);
}

static void sys_irq_bind(struct thread *t)
{
    struct cap *irq, *n;
    TRY(cspace_get(A0, OBJ_IRQ, 0, &irq));
    TRY(cspace_get(A1, OBJ_NOTIFICATION, RIGHT_WRITE, &n));
    if (A2 > kernel.cpu_count) { /* A2: the CPU's index + 1; 0: the caller's CPU */
        t->regs.rax = ERR_INVALID_ARG;
        return;
    }
    irq_bind((unsigned)irq->word, n, kernel.cpu[A2 ? A2 - 1 : t->cpu]->arch.apic_id);
    t->regs.rax = ERR_OK;
}

static void sys_irq_ack(struct thread *t)
{
    struct cap *irq;
    TRY(cspace_get(A0, OBJ_IRQ, 0, &irq));
    irq_ack((unsigned)irq->word);
    t->regs.rax = ERR_OK;
}

/* An I/O port capability covering A1..A1+A2: port_in needs its READ
 * right, port_out its WRITE right (a driver may hand out a port to read
 * only: the platform driver does so with the i8042's command port). */
static err_t check_port(struct thread *t, uint64_t right, struct cap **io)
{
    err_t e = cspace_get(A0, OBJ_IO_PORT, right, io);
    if (e) {
        return e;
    }
    uint64_t port = A1, width = A2;
    if ((width != 1 && width != 2 && width != 4) || port > 0xffff || port < (*io)->word ||
        port + width > (*io)->word + (*io)->count) {
        return ERR_INVALID_ARG;
    }
    return ERR_OK;
}

static void sys_port_in(struct thread *t)
{
    struct cap *io;
    TRY(check_port(t, RIGHT_READ, &io));
    uint16_t port = (uint16_t)A1;
    t->regs.rdi = A2 == 1 ? inb(port) : A2 == 2 ? inw(port) : inl(port);
    t->regs.rax = ERR_OK;
}

static void sys_port_out(struct thread *t)
{
    struct cap *io;
    TRY(check_port(t, RIGHT_WRITE, &io));
    uint16_t port = (uint16_t)A1;
    if (A2 == 1) {
        outb(port, (uint8_t)A3);
    } else if (A2 == 2) {
        outw(port, (uint16_t)A3);
    } else {
        outl(port, (uint32_t)A3);
    }
    t->regs.rax = ERR_OK;
}

static void sys_thread_bind(struct thread *t)
{
    struct cap *tc, *nc = NULL;
    TRY(cspace_get(A0, OBJ_THREAD, RIGHT_WRITE, &tc));
    if (A1 != CAP_NULL) {
        TRY(cspace_get(A1, OBJ_NOTIFICATION, RIGHT_READ, &nc));
    }
    struct thread *th = (struct thread *)tc->object;
    struct notification *n = nc ? (struct notification *)nc->object : NULL;
    if (n && n->bound && n->bound != th) {
        t->regs.rax = ERR_BUSY;
        return;
    }
    cap_delete(&th->note_slot);
    if (n) {
        cap_copy(&th->note_slot, nc, nc);
        n->bound = th;
    }
    t->regs.rax = ERR_OK;
}

static void sys_port_range(struct thread *t)
{
    struct cap *io, *dst;
    TRY(cspace_get(A0, OBJ_IO_PORT, 0, &io));
    TRY(cspace_empty_slot(t->pd, A1, &dst));
    if (A3 == 0 || A2 < io->word || A2 > 0xffff || A3 > 0x10000 || A2 + A3 > io->word + io->count) {
        t->regs.rax = ERR_INVALID_ARG;
        return;
    }
    if (kernel_port_owner(A2, A3) != KDEV_COUNT) {
        t->regs.rax = ERR_KERNEL_OWNED;
        return;
    }
    cap_copy(dst, io, io);
    dst->word = A2;
    dst->count = (uint32_t)A3;
    t->regs.rax = ERR_OK;
}

static void sys_reply_to(struct thread *t)
{
    struct cap *saved;
    TRY(cspace_get(A0, OBJ_REPLY, 0, &saved));
    TRY(check_info(t, A1)); /* MSGINFO_NO_REPLY too: cap_delete drops a reply */
    reply_to(t, saved, A1);
}

/* The handover of the screen (screen_console.h): a0 the screen cap, a1
 * the length of the new owner's name in the UTCB, for the log line. */
static void sys_screen_release(struct thread *t)
{
    struct cap *screen;
    TRY(cspace_get(A0, OBJ_SCREEN, 0, &screen));
    if (!t->utcb || A1 > SCREEN_OWNER_MAX) {
        t->regs.rax = ERR_INVALID_ARG;
        return;
    }
    if (!screen_console_release()) {
        t->regs.rax = ERR_BAD_STATE; /* no screen console, or handed over already */
        return;
    }
    kprintf("kernel: screen handed over to \"");
    kputs_n(t->utcb->buf, A1);
    kprintf("\"; the kernel log continues on serial only\n");
    t->regs.rax = ERR_OK;
}

/* Indexed by the syscall number in entry.asm, which checks it against
 * SYS_COUNT and returns to the thread (or enters kernel_exit) afterwards. */
void (*const syscall_handlers[SYS_COUNT])(struct thread *) = {
#define SYSCALL(NAME, name) [SYS_##NAME] = sys_##name,
#include <arbor/syscalls.def>
#undef SYSCALL
};
