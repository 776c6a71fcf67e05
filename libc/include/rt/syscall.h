/*
 * System call stubs: one inline function per kernel call, following the
 * register convention of docs/kernel-abi.md (number in rax, arguments in
 * rdi rsi rdx r10 r8 r9, status back in rax, results in rdi rsi rdx r10;
 * message words 0..7 in rdx r10 r8 r9 r12 r13 r14 r15).
 */
#ifndef RT_SYSCALL_H
#define RT_SYSCALL_H

#include <arbor/abi.h>
#include <arbor/bootinfo.h>

struct sys_result {
    uint64_t err, r0, r1, r2, r3;
    uint64_t r[5]; /* r[4]: the fifth result register (r8) */
};

static inline struct sys_result sys6(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                                     uint64_t a4, uint64_t a5)
{
    register uint64_t rax __asm__("rax") = nr;
    register uint64_t rdi __asm__("rdi") = a0;
    register uint64_t rsi __asm__("rsi") = a1;
    register uint64_t rdx __asm__("rdx") = a2;
    register uint64_t r10 __asm__("r10") = a3;
    register uint64_t r8 __asm__("r8") = a4;
    register uint64_t r9 __asm__("r9") = a5;
    __asm__ volatile("syscall"
                     : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
                     :
                     : "rcx", "r11", "memory");
    return (struct sys_result){rax, rdi, rsi, rdx, r10, {rdi, rsi, rdx, r10, r8}};
}

#define SYS0(n) sys6((n), 0, 0, 0, 0, 0, 0).err

/* An IPC message: info word, badge (received), eight register words. */
struct msg {
    uint64_t info;
    uint64_t badge;
    uint64_t w[MSG_REG_WORDS];
};

static inline uint64_t sys_ipc(uint64_t nr, cap_t cap, struct msg *m)
{
    register uint64_t rax __asm__("rax") = nr;
    register uint64_t rdi __asm__("rdi") = cap;
    register uint64_t rsi __asm__("rsi") = m->info;
    register uint64_t rdx __asm__("rdx") = m->w[0];
    register uint64_t r10 __asm__("r10") = m->w[1];
    register uint64_t r8 __asm__("r8") = m->w[2];
    register uint64_t r9 __asm__("r9") = m->w[3];
    register uint64_t r12 __asm__("r12") = m->w[4];
    register uint64_t r13 __asm__("r13") = m->w[5];
    register uint64_t r14 __asm__("r14") = m->w[6];
    register uint64_t r15 __asm__("r15") = m->w[7];
    __asm__ volatile("syscall"
                     : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9), "+r"(r12),
                       "+r"(r13), "+r"(r14), "+r"(r15)
                     :
                     : "rcx", "r11", "memory");
    m->badge = rdi;
    m->info = rsi;
    m->w[0] = rdx;
    m->w[1] = r10;
    m->w[2] = r8;
    m->w[3] = r9;
    m->w[4] = r12;
    m->w[5] = r13;
    m->w[6] = r14;
    m->w[7] = r15;
    return rax;
}

/* call: send m on endpoint ep, wait for the reply (in m). */
static inline uint64_t sys_call(cap_t ep, struct msg *m)
{
    return sys_ipc(SYS_CALL, ep, m);
}
/* reply_wait: reply with m (info MSGINFO_NO_REPLY: none), wait on ep; the
 * next message arrives in m. */
static inline uint64_t sys_reply_wait(cap_t ep, struct msg *m)
{
    return sys_ipc(SYS_REPLY_WAIT, ep, m);
}

/* reply_wait answering the caller of reply capability `reply` (see
 * sys_reply_save) instead of the pending caller; the capability is
 * consumed. ERR_ABORTED (nothing sent, no wait) if that caller is gone. */
static inline uint64_t sys_reply_to_wait(cap_t reply, cap_t ep, struct msg *m)
{
    return sys_ipc(SYS_REPLY_WAIT, REPLY_WAIT_ARG(ep, reply), m);
}
/* Move the pending caller's reply into the empty slot `reply`, so the
 * thread can receive again and answer later; ERR_NO_REPLY if none. */
static inline uint64_t sys_reply_save(cap_t reply)
{
    return sys6(SYS_REPLY_SAVE, reply, 0, 0, 0, 0, 0).err;
}
/* Answer the caller of reply capability `reply` with m and go on (no
 * wait); the capability is consumed. ERR_ABORTED if the caller is gone. */
static inline uint64_t sys_reply_to(cap_t reply, struct msg *m)
{
    return sys_ipc(SYS_REPLY_TO, reply, m);
}

/* nop takes no arguments: only the number is loaded (SYS0 would zero
 * six argument registers for nothing); the result registers count as
 * clobbered, as for every call. */
static inline uint64_t sys_nop(void)
{
    register uint64_t rax __asm__("rax") = SYS_NOP;
    __asm__ volatile("syscall"
                     : "+r"(rax)
                     :
                     : "rcx", "r11", "rdi", "rsi", "rdx", "r10", "r8", "r9", "memory");
    return rax;
}
static inline uint64_t sys_yield(void)
{
    return SYS0(SYS_YIELD);
}
static inline uint64_t sys_signal(cap_t n)
{
    return sys6(SYS_SIGNAL, n, 0, 0, 0, 0, 0).err;
}
static inline uint64_t sys_wait(cap_t n, uint64_t *bits)
{
    struct sys_result r = sys6(SYS_WAIT, n, 0, 0, 0, 0, 0);
    *bits = r.r0;
    return r.err;
}
static inline uint64_t sys_poll(cap_t n, uint64_t *bits)
{
    struct sys_result r = sys6(SYS_POLL, n, 0, 0, 0, 0, 0);
    *bits = r.r0;
    return r.err;
}
/* Write len bytes of the UTCB's buf to the kernel console; io: an I/O
 * port capability covering COM1 (the first task's BI_CAP_IO_PORT). */
static inline uint64_t sys_debug_puts(cap_t io, uint64_t len)
{
    return sys6(SYS_DEBUG_PUTS, io, len, 0, 0, 0, 0).err;
}
/* Make an object from untyped memory ut behind the last one made from it. */
static inline uint64_t sys_retype(cap_t ut, unsigned type, uint64_t arg, cap_t dst)
{
    return sys6(SYS_RETYPE, ut, type, arg, dst, RETYPE_ANYWHERE, 0).err;
}
/* The same at an explicit byte offset into ut (for user-level allocators). */
static inline uint64_t sys_retype_at(cap_t ut, unsigned type, uint64_t arg, cap_t dst, uint64_t offset)
{
    return sys6(SYS_RETYPE, ut, type, arg, dst, offset, 0).err;
}
static inline uint64_t sys_cap_mint(cap_t src, cap_t dst_pd, cap_t dst, uint64_t rights, uint64_t badge)
{
    return sys6(SYS_CAP_MINT, src, dst_pd, dst, rights, badge, 0).err;
}
static inline uint64_t sys_cap_delete(cap_t c)
{
    return sys6(SYS_CAP_DELETE, c, 0, 0, 0, 0, 0).err;
}
static inline uint64_t sys_cap_revoke(cap_t c)
{
    return sys6(SYS_CAP_REVOKE, c, 0, 0, 0, 0, 0).err;
}
static inline struct sys_result sys_cap_info(cap_t c)
{
    return sys6(SYS_CAP_INFO, c, 0, 0, 0, 0, 0);
}
static inline struct sys_result sys_frame_map(cap_t f, cap_t pd, uint64_t va, uint64_t rights)
{
    return sys6(SYS_FRAME_MAP, f, pd, va, rights, 0, 0);
}
static inline uint64_t sys_frame_unmap(cap_t f)
{
    return sys6(SYS_FRAME_UNMAP, f, 0, 0, 0, 0, 0).err;
}
static inline struct sys_result sys_pt_map(cap_t pt, cap_t pd, uint64_t va, unsigned level)
{
    return sys6(SYS_PT_MAP, pt, pd, va, level, 0, 0);
}
static inline uint64_t sys_thread_config(cap_t t, cap_t pd, cap_t utcb, cap_t fault_ep)
{
    return sys6(SYS_THREAD_CONFIG, t, pd, utcb, fault_ep, 0, 0).err;
}
static inline uint64_t sys_thread_start(cap_t t, uint64_t ip, uint64_t sp, uint64_t arg)
{
    return sys6(SYS_THREAD_START, t, ip, sp, arg, 0, 0).err;
}
static inline uint64_t sys_thread_suspend(cap_t t)
{
    return sys6(SYS_THREAD_SUSPEND, t, 0, 0, 0, 0, 0).err;
}
static inline uint64_t sys_thread_resume(cap_t t)
{
    return sys6(SYS_THREAD_RESUME, t, 0, 0, 0, 0, 0).err;
}
static inline uint64_t sys_thread_prio(cap_t t, unsigned prio)
{
    return sys6(SYS_THREAD_PRIO, t, prio, 0, 0, 0, 0).err;
}
/* Run t on CPU cpu from now on; *cpus (if not 0) gets the number of CPUs. */
static inline uint64_t sys_thread_cpu(cap_t t, unsigned cpu, unsigned *cpus)
{
    struct sys_result r = sys6(SYS_THREAD_CPU, t, cpu, 0, 0, 0, 0);
    if (cpus && r.err == 0) {
        *cpus = (unsigned)r.r0;
    }
    return r.err;
}
static inline uint64_t sys_irq_get(cap_t ctl, unsigned irq, cap_t dst)
{
    return sys6(SYS_IRQ_GET, ctl, irq, dst, 0, 0, 0).err;
}
/* Signals of irq to n, the line delivered to the CPU the caller runs on. */
static inline uint64_t sys_irq_bind(cap_t irq, cap_t n)
{
    return sys6(SYS_IRQ_BIND, irq, n, 0, 0, 0, 0).err;
}
/* The same, the line delivered to CPU cpu. */
static inline uint64_t sys_irq_bind_cpu(cap_t irq, cap_t n, unsigned cpu)
{
    return sys6(SYS_IRQ_BIND, irq, n, (uint64_t)cpu + 1, 0, 0, 0).err;
}
static inline uint64_t sys_irq_ack(cap_t irq)
{
    return sys6(SYS_IRQ_ACK, irq, 0, 0, 0, 0, 0).err;
}
static inline uint64_t sys_port_in(cap_t io, unsigned port, unsigned width, uint64_t *value)
{
    struct sys_result r = sys6(SYS_PORT_IN, io, port, width, 0, 0, 0);
    *value = r.r0;
    return r.err;
}
/* Bind notification n to thread t: signals wake t's reply_wait with
 * NOTIFY_LABEL. n = CAP_NULL unbinds. */
static inline uint64_t sys_thread_bind(cap_t t, cap_t n)
{
    return sys6(SYS_THREAD_BIND, t, n, 0, 0, 0, 0).err;
}
/* A cap for ports [base, base+count) of io into our slot dst. */
static inline uint64_t sys_port_range(cap_t io, cap_t dst, unsigned base, unsigned count)
{
    return sys6(SYS_PORT_RANGE, io, dst, base, count, 0, 0).err;
}
static inline uint64_t sys_port_out(cap_t io, unsigned port, unsigned width, uint64_t value)
{
    return sys6(SYS_PORT_OUT, io, port, width, value, 0, 0).err;
}
/* A console capability (COM1 shared with the kernel log) into our slot
 * dst, made from an I/O port capability io covering COM1. */
static inline uint64_t sys_console_get(cap_t io, cap_t dst)
{
    return sys6(SYS_CONSOLE_GET, io, dst, 0, 0, 0, 0).err;
}
/* Have notification n signalled when input arrives; CAP_NULL unbinds. */
static inline uint64_t sys_console_bind(cap_t console, cap_t n)
{
    return sys6(SYS_CONSOLE_BIND, console, n, 0, 0, 0, 0).err;
}
/* Up to max received bytes into the UTCB's buf: *n of them; *lost is
 * how many the UART reported lost since boot. */
static inline uint64_t sys_console_read(cap_t console, uint64_t max, uint64_t *n, uint64_t *lost)
{
    struct sys_result r = sys6(SYS_CONSOLE_READ, console, max, 0, 0, 0, 0);
    *n = r.r0;
    *lost = r.r1;
    return r.err;
}
/* Bytes off..off+len of the UTCB's buf onto COM1, as they are: the
 * first *written of them, at most CONSOLE_WRITE_MAX (16) per call, so
 * the caller loops. */
static inline uint64_t sys_console_write(cap_t console, uint64_t off, uint64_t len, uint64_t *written)
{
    struct sys_result r = sys6(SYS_CONSOLE_WRITE, console, len, off, 0, 0, 0);
    *written = r.err ? 0 : r.r0;
    return r.err;
}

/* The kernel stops drawing its console on the screen (core, before it
 * hands the screen's memory out); the UTCB's buf holds the new owner's
 * name, len bytes, for the kernel's log line. screen: BI_CAP_SCREEN. */
static inline uint64_t sys_screen_release(cap_t screen, uint64_t len)
{
    return sys6(SYS_SCREEN_RELEASE, screen, len, 0, 0, 0, 0).err;
}

/* The calling thread's UTCB (top page of its stack area). */
static inline struct arbor_utcb *rt_utcb(void)
{
    uint64_t sp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    return (struct arbor_utcb *)((sp & ~(STACK_AREA_SIZE - 1)) + STACK_AREA_SIZE - PAGE_SIZE);
}

#endif
