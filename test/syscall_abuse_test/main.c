/*
 * syscall_abuse: the kernel answers every bad system call with an error.
 *
 * Part 1 (the first task): a table of targeted calls with the status each
 * must return. Part 2 (a child PD holding only harmless caps, a read-only
 * console among them): 100,000
 * random calls; every status must be a defined code, and the child must
 * still complete an IPC round trip with the driver afterwards.
 */
#include <rt/env.h>
#include <rt/syscall.h>
#include <arbor/kernel_devices.h>

#define RANDOM_CALLS 100000
#define KERNEL_ADDR 0xffffffff80100000ull
#define DIRECT_ADDR 0xffff800000100000ull
#define REPORT_SLOT 200 /* child: endpoint to the driver, never fuzzed */
enum report_label { L_COUNTS = 1, L_ROUND_TRIP };
#define FUZZ_SLOTS 16 /* child: caps in slots 1..15 may be abused */

static struct env env;

struct check {
    const char *what;
    uint64_t nr, a[6];
    uint64_t expect;
};

/* Slots the driver fills before running the table. */
static cap_t ep, note, frame, frame2, thread, pd, empty, ro_frame, ro_note, port80, port80_ro, port80_wo;
static cap_t con, con_ro, con_wo, wait_note; /* console: all, READ only, WRITE only; notification READ only */

static int run_checks(void)
{
    const uint64_t huge = 1ull << 40;
    const struct check checks[] = {
        {"unknown syscall", SYS_COUNT, {0}, ERR_INVALID_SYSCALL},
        {"syscall -1", ~0ull, {0}, ERR_INVALID_SYSCALL},
        {"call null cap", SYS_CALL, {CAP_NULL}, ERR_INVALID_CAP},
        {"call empty slot", SYS_CALL, {empty}, ERR_INVALID_CAP},
        {"call huge index", SYS_CALL, {huge}, ERR_INVALID_CAP},
        {"call index -1", SYS_CALL, {~0ull}, ERR_INVALID_CAP},
        {"call notification", SYS_CALL, {note}, ERR_WRONG_TYPE},
        {"call 127 words", SYS_CALL, {ep, MSGINFO(0, 127, 0)}, ERR_INVALID_ARG},
        {"call 65 words", SYS_CALL, {ep, MSGINFO(0, 65, 0)}, ERR_INVALID_ARG},
        {"reply_wait frame", SYS_REPLY_WAIT, {frame}, ERR_WRONG_TYPE},
        {"reply_wait 100 words", SYS_REPLY_WAIT, {ep, MSGINFO(0, 100, 0)}, ERR_INVALID_ARG},
        {"signal endpoint", SYS_SIGNAL, {ep}, ERR_WRONG_TYPE},
        {"signal empty", SYS_SIGNAL, {empty}, ERR_INVALID_CAP},
        {"wait endpoint", SYS_WAIT, {ep}, ERR_WRONG_TYPE},
        {"poll thread", SYS_POLL, {thread}, ERR_WRONG_TYPE},
        {"poll nothing pending", SYS_POLL, {note}, ERR_WOULD_BLOCK},
        {"debug_puts 1 TiB", SYS_DEBUG_PUTS, {BI_CAP_IO_PORT, huge}, ERR_INVALID_ARG},
        {"debug_puts 3073", SYS_DEBUG_PUTS, {BI_CAP_IO_PORT, 3073}, ERR_INVALID_ARG},
        {"debug_puts via endpoint", SYS_DEBUG_PUTS, {ep, 1}, ERR_WRONG_TYPE},
        {"debug_puts without a cap", SYS_DEBUG_PUTS, {empty, 1}, ERR_INVALID_CAP},
        {"debug_puts via port 0x80", SYS_DEBUG_PUTS, {port80, 1}, ERR_NO_RIGHTS},
        {"retype from frame", SYS_RETYPE, {frame, OBJ_ENDPOINT, 0, empty}, ERR_WRONG_TYPE},
        {"retype bad type", SYS_RETYPE, {env.bi->untyped_first, 999, 0, empty}, ERR_INVALID_ARG},
        {"split 0-byte untyped", SYS_RETYPE, {env.bi->untyped_first, OBJ_UNTYPED, 0, empty}, ERR_INVALID_ARG},
        {"split unaligned untyped",
         SYS_RETYPE,
         {env.bi->untyped_first, OBJ_UNTYPED, 5000, empty, RETYPE_ANYWHERE},
         ERR_INVALID_ARG},
        {"split 2^46-byte untyped",
         SYS_RETYPE,
         {env.bi->untyped_first, OBJ_UNTYPED, 1ull << 46, empty, RETYPE_ANYWHERE},
         ERR_NO_MEMORY},
        {"retype 0-page frame", SYS_RETYPE, {env.bi->untyped_first, OBJ_FRAME, 0, empty}, ERR_INVALID_ARG},
        {"retype 2^40-page frame",
         SYS_RETYPE,
         {env.bi->untyped_first, OBJ_FRAME, huge, empty},
         ERR_INVALID_ARG},
        {"retype frame too big",
         SYS_RETYPE,
         {env.bi->untyped_first, OBJ_FRAME, 1u << 29, empty},
         ERR_NO_MEMORY},
        {"retype PD 99 bits", SYS_RETYPE, {env.bi->untyped_first, OBJ_PD, 99, empty}, ERR_INVALID_ARG},
        {"retype into occupied", SYS_RETYPE, {env.bi->untyped_first, OBJ_ENDPOINT, 0, ep}, ERR_SLOT_OCCUPIED},
        {"retype into slot 2^40",
         SYS_RETYPE,
         {env.bi->untyped_first, OBJ_ENDPOINT, 0, huge},
         ERR_INVALID_CAP},
        {"mint untyped",
         SYS_CAP_MINT,
         {env.bi->untyped_first, BI_CAP_PD, empty, RIGHTS_ALL, 0},
         ERR_WRONG_TYPE},
        {"mint into non-PD", SYS_CAP_MINT, {ep, ep, empty, RIGHTS_ALL, 0}, ERR_WRONG_TYPE},
        {"mint into occupied", SYS_CAP_MINT, {ep, BI_CAP_PD, note, RIGHTS_ALL, 0}, ERR_SLOT_OCCUPIED},
        {"mint badge on frame", SYS_CAP_MINT, {frame, BI_CAP_PD, empty, RIGHTS_ALL, 5}, ERR_INVALID_ARG},
        {"delete empty", SYS_CAP_DELETE, {empty}, ERR_INVALID_CAP},
        {"revoke huge", SYS_CAP_REVOKE, {huge}, ERR_INVALID_CAP},
        {"info null", SYS_CAP_INFO, {CAP_NULL}, ERR_INVALID_CAP},
        {"map at kernel address",
         SYS_FRAME_MAP,
         {frame, BI_CAP_PD, KERNEL_ADDR, RIGHT_READ},
         ERR_INVALID_ADDR},
        {"map at direct map", SYS_FRAME_MAP, {frame, BI_CAP_PD, DIRECT_ADDR, RIGHT_READ}, ERR_INVALID_ADDR},
        {"map non-canonical",
         SYS_FRAME_MAP,
         {frame, BI_CAP_PD, 0x0000800000000000ull, RIGHT_READ},
         ERR_INVALID_ADDR},
        {"map at page 0", SYS_FRAME_MAP, {frame, BI_CAP_PD, 0, RIGHT_READ}, ERR_INVALID_ADDR},
        {"map unaligned", SYS_FRAME_MAP, {frame, BI_CAP_PD, 0x200000001ull, RIGHT_READ}, ERR_INVALID_ADDR},
        {"map across the top",
         SYS_FRAME_MAP,
         {frame2, BI_CAP_PD, 0x7fffffffe000ull, RIGHT_READ},
         ERR_INVALID_ADDR},
        {"map last canonical page",
         SYS_FRAME_MAP,
         {frame, BI_CAP_PD, 0x7ffffffff000ull, RIGHT_READ},
         ERR_INVALID_ADDR},
        {"map writable read-only frame",
         SYS_FRAME_MAP,
         {ro_frame, BI_CAP_PD, 0x300000000ull, RIGHT_READ | RIGHT_WRITE},
         ERR_NO_RIGHTS},
        {"map without read", SYS_FRAME_MAP, {frame, BI_CAP_PD, 0x300000000ull, RIGHT_WRITE}, ERR_NO_RIGHTS},
        {"map over own code", SYS_FRAME_MAP, {frame, BI_CAP_PD, 0x400000, RIGHT_READ}, ERR_MAPPED},
        {"map into a thread", SYS_FRAME_MAP, {frame, thread, 0x300000000ull, RIGHT_READ}, ERR_WRONG_TYPE},
        {"unmap unmapped", SYS_FRAME_UNMAP, {frame}, ERR_NOT_MAPPED},
        {"pt_map a frame", SYS_PT_MAP, {frame, BI_CAP_PD, 0x300000000ull, 1}, ERR_WRONG_TYPE},
        {"thread_config on self", SYS_THREAD_CONFIG, {BI_CAP_THREAD, BI_CAP_PD, 0, 0}, ERR_BAD_STATE},
        {"thread_config utcb not frame", SYS_THREAD_CONFIG, {thread, pd, ep, 0}, ERR_WRONG_TYPE},
        {"thread_config fault ep frame", SYS_THREAD_CONFIG, {thread, pd, 0, frame}, ERR_WRONG_TYPE},
        {"thread_start kernel ip", SYS_THREAD_START, {thread, KERNEL_ADDR, 0x1000, 0}, ERR_INVALID_ADDR},
        {"thread_start ip 0", SYS_THREAD_START, {thread, 0, 0x1000, 0}, ERR_INVALID_ADDR},
        {"thread_start kernel sp", SYS_THREAD_START, {thread, 0x400000, DIRECT_ADDR, 0}, ERR_INVALID_ADDR},
        {"thread_start unbound", SYS_THREAD_START, {thread, 0x400000, 0x1000, 0}, ERR_BAD_STATE},
        {"thread_resume unstarted", SYS_THREAD_RESUME, {thread}, ERR_BAD_STATE},
        {"thread_prio above own", SYS_THREAD_PRIO, {thread, 256}, ERR_NO_RIGHTS},
        {"thread_prio 2^40", SYS_THREAD_PRIO, {thread, huge}, ERR_NO_RIGHTS},
        {"irq_get without control", SYS_IRQ_GET, {ep, 1, empty}, ERR_WRONG_TYPE},
        {"irq_get line 9999", SYS_IRQ_GET, {BI_CAP_IRQ_CONTROL, 9999, empty}, ERR_INVALID_ARG},
        {"irq_get into occupied", SYS_IRQ_GET, {BI_CAP_IRQ_CONTROL, 1, ep}, ERR_SLOT_OCCUPIED},
        {"irq_bind endpoint", SYS_IRQ_BIND, {ep, note}, ERR_WRONG_TYPE},
        {"irq_ack empty", SYS_IRQ_ACK, {empty}, ERR_INVALID_CAP},
        {"port_in width 3", SYS_PORT_IN, {BI_CAP_IO_PORT, 0x80, 3}, ERR_INVALID_ARG},
        {"port_in port 2^40", SYS_PORT_IN, {BI_CAP_IO_PORT, huge, 1}, ERR_INVALID_ARG},
        {"port_in port -1", SYS_PORT_IN, {BI_CAP_IO_PORT, ~0ull, 4}, ERR_INVALID_ARG},
        {"port_out past 0xffff", SYS_PORT_OUT, {BI_CAP_IO_PORT, 0xfffe, 4, 0}, ERR_INVALID_ARG},
        {"port_out via endpoint", SYS_PORT_OUT, {ep, 0x80, 1, 0}, ERR_WRONG_TYPE},
        {"port_out via a read-only port", SYS_PORT_OUT, {port80_ro, 0x80, 1, 0}, ERR_NO_RIGHTS},
        {"port_in via a write-only port", SYS_PORT_IN, {port80_wo, 0x80, 1}, ERR_NO_RIGHTS},
        {"port_in via a read-only port", SYS_PORT_IN, {port80_ro, 0x80, 1}, ERR_OK},
        {"port_out via a write-only port", SYS_PORT_OUT, {port80_wo, 0x80, 1, 0}, ERR_OK},
        {"retype at unaligned offset",
         SYS_RETYPE,
         {env.bi->untyped_first, OBJ_FRAME, 1, empty, 0x123},
         ERR_INVALID_ARG},
        {"retype at offset past end",
         SYS_RETYPE,
         {env.bi->untyped_first, OBJ_FRAME, 1, empty, 1ull << 50},
         ERR_NO_MEMORY},
        {"retype at offset -4096",
         SYS_RETYPE,
         {env.bi->untyped_first, OBJ_FRAME, 2, empty, ~0ull - 4095},
         ERR_NO_MEMORY},
        {"retype over live object", SYS_RETYPE, {env.bi->untyped_first, OBJ_FRAME, 1, empty, 0}, ERR_MAPPED},
        {"bind frame as notification", SYS_THREAD_BIND, {thread, frame}, ERR_WRONG_TYPE},
        {"bind to non-thread", SYS_THREAD_BIND, {ep, note}, ERR_WRONG_TYPE},
        {"bind send-only notification", SYS_THREAD_BIND, {thread, ro_note}, ERR_NO_RIGHTS},
        {"retype endpoint from device memory",
         SYS_RETYPE,
         {env.bi->device_first, OBJ_ENDPOINT, 0, empty, RETYPE_ANYWHERE},
         ERR_WRONG_TYPE},
        {"port_range beyond the parent",
         SYS_PORT_RANGE,
         {BI_CAP_IO_PORT, empty, 0xfff0, 0x20},
         ERR_INVALID_ARG},
        {"port_range of 0 ports", SYS_PORT_RANGE, {BI_CAP_IO_PORT, empty, 0x70, 0}, ERR_INVALID_ARG},
        {"port_range into occupied", SYS_PORT_RANGE, {BI_CAP_IO_PORT, ep, 0x70, 2}, ERR_SLOT_OCCUPIED},
        {"port_range from endpoint", SYS_PORT_RANGE, {ep, empty, 0x70, 2}, ERR_WRONG_TYPE},
        {"port_range over the PIC", SYS_PORT_RANGE, {BI_CAP_IO_PORT, empty, 0x21, 1}, ERR_KERNEL_OWNED},
        {"port_range over the PIT gate", SYS_PORT_RANGE, {BI_CAP_IO_PORT, empty, 0x60, 2}, ERR_KERNEL_OWNED},
        {"port_range over COM1", SYS_PORT_RANGE, {BI_CAP_IO_PORT, empty, 0x3f0, 9}, ERR_KERNEL_OWNED},
        {"port_range of all ports", SYS_PORT_RANGE, {BI_CAP_IO_PORT, empty, 0, 0x10000}, ERR_KERNEL_OWNED},
        {"reply_save into slot 0", SYS_REPLY_SAVE, {CAP_NULL}, ERR_INVALID_CAP},
        {"reply_save into slot 2^40", SYS_REPLY_SAVE, {huge}, ERR_INVALID_CAP},
        {"reply_save into occupied", SYS_REPLY_SAVE, {ep}, ERR_SLOT_OCCUPIED},
        {"reply_save without a caller", SYS_REPLY_SAVE, {empty}, ERR_NO_REPLY},
        {"reply_to null cap", SYS_REPLY_TO, {CAP_NULL, MSGINFO(0, 0, 0)}, ERR_INVALID_CAP},
        {"reply_to empty slot", SYS_REPLY_TO, {empty, MSGINFO(0, 0, 0)}, ERR_INVALID_CAP},
        {"reply_to index -1", SYS_REPLY_TO, {~0ull, MSGINFO(0, 0, 0)}, ERR_INVALID_CAP},
        {"reply_to an endpoint", SYS_REPLY_TO, {ep, MSGINFO(0, 0, 0)}, ERR_WRONG_TYPE},
        {"reply_wait saved reply empty", SYS_REPLY_WAIT, {REPLY_WAIT_ARG(ep, empty), 0}, ERR_INVALID_CAP},
        {"reply_wait saved reply is ep", SYS_REPLY_WAIT, {REPLY_WAIT_ARG(ep, ep), 0}, ERR_WRONG_TYPE},
        {"reply_wait reply 2^31", SYS_REPLY_WAIT, {REPLY_WAIT_ARG(ep, 1ull << 31), 0}, ERR_INVALID_CAP},
        {"retype a reply cap", SYS_RETYPE, {env.bi->untyped_first, OBJ_REPLY, 0, empty}, ERR_INVALID_ARG},
        {"retype a console", SYS_RETYPE, {env.bi->untyped_first, OBJ_CONSOLE, 0, empty}, ERR_INVALID_ARG},
        {"console_get via port 0x80", SYS_CONSOLE_GET, {port80, empty}, ERR_NO_RIGHTS},
        {"console_get via endpoint", SYS_CONSOLE_GET, {ep, empty}, ERR_WRONG_TYPE},
        {"console_get without a cap", SYS_CONSOLE_GET, {empty, empty}, ERR_INVALID_CAP},
        {"console_get via a console", SYS_CONSOLE_GET, {con, empty}, ERR_WRONG_TYPE},
        {"console_get into occupied", SYS_CONSOLE_GET, {BI_CAP_IO_PORT, ep}, ERR_SLOT_OCCUPIED},
        {"console_get into slot 0", SYS_CONSOLE_GET, {BI_CAP_IO_PORT, CAP_NULL}, ERR_INVALID_CAP},
        {"console_get into slot 2^40", SYS_CONSOLE_GET, {BI_CAP_IO_PORT, huge}, ERR_INVALID_CAP},
        {"console_read null cap", SYS_CONSOLE_READ, {CAP_NULL, 1}, ERR_INVALID_CAP},
        {"console_read index -1", SYS_CONSOLE_READ, {~0ull, 1}, ERR_INVALID_CAP},
        {"console_read endpoint", SYS_CONSOLE_READ, {ep, 1}, ERR_WRONG_TYPE},
        {"console_read port cap", SYS_CONSOLE_READ, {BI_CAP_IO_PORT, 1}, ERR_WRONG_TYPE},
        {"console_read write-only", SYS_CONSOLE_READ, {con_wo, 1}, ERR_NO_RIGHTS},
        {"console_read 3073", SYS_CONSOLE_READ, {con, 3073}, ERR_INVALID_ARG},
        {"console_read 1 TiB", SYS_CONSOLE_READ, {con, huge}, ERR_INVALID_ARG},
        {"console_read -1", SYS_CONSOLE_READ, {con, ~0ull}, ERR_INVALID_ARG},
        {"console_read 0", SYS_CONSOLE_READ, {con, 0}, ERR_OK},
        {"console_write null cap", SYS_CONSOLE_WRITE, {CAP_NULL, 1}, ERR_INVALID_CAP},
        {"console_write frame", SYS_CONSOLE_WRITE, {frame, 1}, ERR_WRONG_TYPE},
        {"console_write read-only", SYS_CONSOLE_WRITE, {con_ro, 1}, ERR_NO_RIGHTS},
        {"console_write 3073", SYS_CONSOLE_WRITE, {con, 3073}, ERR_INVALID_ARG},
        {"console_write 1 TiB", SYS_CONSOLE_WRITE, {con, huge}, ERR_INVALID_ARG},
        {"console_write -1", SYS_CONSOLE_WRITE, {con, ~0ull}, ERR_INVALID_ARG},
        {"console_write 0", SYS_CONSOLE_WRITE, {con, 0}, ERR_OK},
        {"console_write offset 3073", SYS_CONSOLE_WRITE, {con, 0, 3073}, ERR_INVALID_ARG},
        {"console_write offset 3000 + 73", SYS_CONSOLE_WRITE, {con, 73, 3000}, ERR_INVALID_ARG},
        {"console_write offset -1 + 2", SYS_CONSOLE_WRITE, {con, 2, ~0ull}, ERR_INVALID_ARG},
        {"console_write offset 2^40", SYS_CONSOLE_WRITE, {con, 0, huge}, ERR_INVALID_ARG},
        {"console_write 0 at offset 3072", SYS_CONSOLE_WRITE, {con, 0, 3072}, ERR_OK},
        {"console_bind null cap", SYS_CONSOLE_BIND, {CAP_NULL, note}, ERR_INVALID_CAP},
        {"console_bind write-only", SYS_CONSOLE_BIND, {con_wo, note}, ERR_NO_RIGHTS},
        {"console_bind frame as notification", SYS_CONSOLE_BIND, {con, frame}, ERR_WRONG_TYPE},
        {"console_bind empty notification", SYS_CONSOLE_BIND, {con, empty}, ERR_INVALID_CAP},
        {"console_bind wait-only notification", SYS_CONSOLE_BIND, {con, wait_note}, ERR_NO_RIGHTS},
        {"console_bind", SYS_CONSOLE_BIND, {con, note}, ERR_OK},
        {"console_bind rebind", SYS_CONSOLE_BIND, {con_ro, note}, ERR_OK},
        {"console_bind unbind", SYS_CONSOLE_BIND, {con, CAP_NULL}, ERR_OK},
        {"irq_get of COM1's IRQ 4", SYS_IRQ_GET, {BI_CAP_IRQ_CONTROL, 4, empty}, ERR_KERNEL_OWNED},
        {"retype a screen cap", SYS_RETYPE, {env.bi->untyped_first, OBJ_SCREEN, 0, empty}, ERR_INVALID_ARG},
        {"screen_release null cap", SYS_SCREEN_RELEASE, {CAP_NULL, 0}, ERR_INVALID_CAP},
        {"screen_release on an endpoint", SYS_SCREEN_RELEASE, {ep, 0}, ERR_WRONG_TYPE},
        {"screen_release name 2^40 bytes", SYS_SCREEN_RELEASE, {BI_CAP_SCREEN, huge}, ERR_INVALID_ARG},
        {"screen_release name one too long",
         SYS_SCREEN_RELEASE,
         {BI_CAP_SCREEN, SCREEN_OWNER_MAX + 1},
         ERR_INVALID_ARG},
    };
    int bad = 0;
    for (unsigned i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        const struct check *c = &checks[i];
        struct sys_result r = sys6(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
        if (r.err != c->expect) {
            printf("syscall_abuse: FAILED: %s: status %lu, expected %lu\n", c->what, r.err, c->expect);
            bad++;
        }
    }
    /* The device untyped leaves out the APIC pages the kernel drives (the
     * screen is in it: core hands it over, screen_release). */
    const struct bootinfo *bi = env.bi;
    for (unsigned k = 0; k < bi->kernel_mmio_count; k++) {
        if (kernel_device_is_screen(bi->kernel_mmio[k].device)) {
            continue;
        }
        for (unsigned d = 0; d < bi->device_count; d++) {
            if (bi->device[d].phys < bi->kernel_mmio[k].phys + bi->kernel_mmio[k].size &&
                bi->kernel_mmio[k].phys < bi->device[d].phys + bi->device[d].size) {
                printf("syscall_abuse: FAILED: device untyped %u covers kernel page %lx\n", d,
                       bi->kernel_mmio[k].phys);
                bad++;
            }
        }
    }
    if (bi->kernel_mmio_count < 2) {
        printf("syscall_abuse: FAILED: %u kernel device pages listed, expected the LAPIC and an IOAPIC\n",
               bi->kernel_mmio_count);
        bad++;
    }
    /* A syscall made with RFLAGS.NT set must not upset the kernel's iretq. */
    uint64_t st;
    __asm__ volatile("pushfq; orq $0x4000, (%%rsp); popfq; syscall; pushfq; andq $~0x4000, (%%rsp); popfq"
                     : "=a"(st)
                     : "a"((uint64_t)SYS_NOP)
                     : "rcx", "r11", "memory");
    if (st != ERR_OK) {
        printf("syscall_abuse: FAILED: syscall with NT set: status %lu\n", st);
        bad++;
    }
    printf("syscall_abuse: %u targeted calls, %d wrong answers\n",
           (unsigned)(sizeof(checks) / sizeof(checks[0])), bad);
    return bad;
}

/* ---- child: random calls ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t random_arg(void)
{
    static const uint64_t special[] = {
        0,
        1,
        2,
        3,
        7,
        8,
        64,
        65,
        127,
        255,
        256,
        4095,
        4096,
        0x1000,
        0x400000,
        0x7fffffffe000ull,
        0x800000000000ull,
        DIRECT_ADDR,
        KERNEL_ADDR,
        ~0ull,
        1ull << 63,
        MSGINFO_NO_REPLY,
        MSGINFO(1, 64, 3),
        MSGINFO(0, 9, 0),
        0x300000000ull,
    };
    uint64_t r = next_random();
    switch (r % 4) {
    case 0:
        return (r >> 8) % FUZZ_SLOTS; /* a cap slot */
    case 1:
        return special[(r >> 8) % (sizeof(special) / sizeof(special[0]))];
    case 2:
        return next_random();
    default:
        return ((r >> 8) % 0x800000ull) << 12; /* a user page */
    }
}

/* Any call with any arguments: like sys6, but since a random number may
 * be an IPC call, the received words (r12..r15 too) may change. */
static uint64_t random_call(uint64_t nr, const uint64_t a[6])
{
    register uint64_t rax __asm__("rax") = nr;
    register uint64_t rdi __asm__("rdi") = a[0];
    register uint64_t rsi __asm__("rsi") = a[1];
    register uint64_t rdx __asm__("rdx") = a[2];
    register uint64_t r10 __asm__("r10") = a[3];
    register uint64_t r8 __asm__("r8") = a[4];
    register uint64_t r9 __asm__("r9") = a[5];
    __asm__ volatile("syscall"
                     : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
                     :
                     : "rcx", "r11", "r12", "r13", "r14", "r15", "memory");
    return rax;
}

static int fuzz(void)
{
    uint64_t by_status[ERR_COUNT] = {0}, undefined = 0;
    for (unsigned i = 0; i < RANDOM_CALLS; i++) {
        uint64_t nr = next_random() % (SYS_COUNT + 3);
        uint64_t a[6];
        for (unsigned j = 0; j < 6; j++) {
            a[j] = random_arg();
        }
        if (nr == SYS_DEBUG_PUTS && a[0] <= 3072) {
            a[0] = 0; /* keep the console readable */
        }
        if (a[0] == REPORT_SLOT) {
            a[0] = 0;
        }
        uint64_t st = random_call(nr, a);
        if (st < ERR_COUNT) {
            by_status[st]++;
        } else {
            undefined++;
        }
    }
    /* We hold no console capability: the driver prints for us. */
    struct msg m = {.info = MSGINFO(L_COUNTS, 8, 0),
                    .w = {RANDOM_CALLS, undefined, by_status[ERR_OK], by_status[ERR_INVALID_CAP],
                          by_status[ERR_WRONG_TYPE], by_status[ERR_NO_RIGHTS], by_status[ERR_INVALID_ARG],
                          by_status[ERR_INVALID_ADDR]}};
    bool ok = sys_call(REPORT_SLOT, &m) == ERR_OK && m.w[0] == RANDOM_CALLS + 1;
    m = (struct msg){.info = MSGINFO(L_ROUND_TRIP, 1, 0), .w = {ok}};
    sys_call(REPORT_SLOT, &m);
    return 0;
}

/* ---- driver ---- */

static cap_t obj(unsigned type, uint64_t arg)
{
    cap_t c;
    if (env_retype(&env, type, arg, &c)) {
        printf("syscall_abuse: FAILED: cannot create object type %u\n", type);
        rt_exit(1);
    }
    return c;
}

/* ---- console_write: bounded per call, and the kernel goes on
 * scheduling while one thread writes a lot ---- */

#define STREAM_LINE 64
#define STREAM_ROUNDS 64 /* at most this many 3072-byte buffers */
#define STREAM_PREEMPTIONS 3

static volatile uint64_t spins;
static volatile bool spin_stop;

/* Runs at the writer's priority: it gets the CPU only when the timer
 * preempts the writer. */
static cap_t spin_park; /* nobody signals it */

static void spinner(uint64_t done_note)
{
    while (!spin_stop) {
        spins++;
    }
    sys_signal((cap_t)done_note);
    for (;;) {
        uint64_t bits;
        sys_wait(spin_park, &bits);
    }
}

static int console_stream(void)
{
    char *buf = rt_utcb()->buf;
    const size_t size = sizeof(rt_utcb()->buf);
    cap_t done = obj(OBJ_NOTIFICATION, 0);
    spin_park = obj(OBJ_NOTIFICATION, 0);
    struct env_thread spin;
    if (env_local_thread(&env, spinner, done, 255, 0, &spin)) {
        printf("syscall_abuse: FAILED: console stream: no spinner thread\n");
        return 1;
    }
    uint64_t calls = 0, bytes = 0, largest = 0, seen = spins, preempted = 0;
    unsigned rounds = 0;
    int bad = 0;
    while (rounds < STREAM_ROUNDS && preempted < STREAM_PREEMPTIONS && !bad) {
        /* Lines of 64 bytes, refilled each round: printf uses the UTCB. */
        for (size_t i = 0; i < size; i++) {
            size_t col = i % STREAM_LINE;
            const char *head = "syscall_abuse: stream ";
            buf[i] = col == STREAM_LINE - 1 ? '\n' : col < 22 ? head[col] : (char)('a' + rounds % 26);
        }
        for (size_t at = 0; at < size;) {
            uint64_t put;
            uint64_t err = sys_console_write(con, at, size - at, &put);
            calls++;
            if (err || put == 0 || put > CONSOLE_WRITE_MAX || put > size - at) {
                bad = 1;
                break;
            }
            if (put > largest) {
                largest = put;
            }
            at += put;
            bytes += put;
            if (spins != seen) {
                seen = spins;
                preempted++;
            }
        }
        rounds++;
    }
    spin_stop = true;
    uint64_t bits;
    sys_wait(done, &bits); /* the spinner leaves the CPU to the fuzzing child */
    if (bad) {
        printf("syscall_abuse: FAILED: console_write call %lu wrote a wrong count\n", calls);
        return 1;
    }
    printf("syscall_abuse: console stream: %lu bytes in %lu calls, at most %lu per call; "
           "the spinner ran %lu times meanwhile\n",
           bytes, calls, largest, preempted);
    if (preempted < STREAM_PREEMPTIONS) {
        printf("syscall_abuse: FAILED: console stream: the spinner ran %lu times in %u rounds\n", preempted,
               rounds);
        return 1;
    }
    return 0;
}

/* The fuzzing child's reports: its counts, then whether the round trip
 * after its random calls worked. */
static void report_server(uint64_t arg)
{
    struct msg m = {.info = MSGINFO_NO_REPLY};
    for (;;) {
        if (sys_reply_wait((cap_t)arg, &m)) {
            m.info = MSGINFO_NO_REPLY;
            continue;
        }
        const uint64_t *w = m.w;
        if (MSGINFO_LABEL(m.info) == L_COUNTS) {
            printf("syscall_abuse: %lu random calls: %lu ok, %lu invalid cap, %lu wrong type, %lu no rights, "
                   "%lu invalid arg, %lu invalid addr, %lu other errors, %lu undefined statuses\n",
                   w[0], w[2], w[3], w[4], w[5], w[6], w[7],
                   w[0] - w[1] - w[2] - w[3] - w[4] - w[5] - w[6] - w[7], w[1]);
        } else if (MSGINFO_LABEL(m.info) == L_ROUND_TRIP) {
            printf("syscall_abuse: round trip after random calls: %s\n", w[0] ? "ok" : "FAILED");
        }
        m.w[0]++;
        m.info = MSGINFO(0, 1, 0);
    }
}

static void echo_server(uint64_t arg)
{
    struct msg m = {.info = MSGINFO_NO_REPLY};
    for (;;) {
        if (sys_reply_wait((cap_t)arg, &m)) {
            m.info = MSGINFO_NO_REPLY;
            continue;
        }
        m.w[0]++;
        m.info = MSGINFO(0, 1, 0);
    }
}

static uint64_t give(cap_t child_pd, cap_t src, cap_t dst, uint64_t rights)
{
    return sys_cap_mint(src, child_pd, dst, rights, 0);
}

int main(uint64_t arg)
{
    if (arg != BOOTINFO_ADDR) {
        return fuzz();
    }
    env_init(&env, (const struct bootinfo *)arg);
    ep = obj(OBJ_ENDPOINT, 0);
    note = obj(OBJ_NOTIFICATION, 0);
    frame = obj(OBJ_FRAME, 1);
    frame2 = obj(OBJ_FRAME, 2);
    thread = obj(OBJ_THREAD, 0);
    pd = obj(OBJ_PD, 4);
    empty = env_slot(&env);
    ro_frame = env_slot(&env);
    ro_note = env_slot(&env);
    port80 = env_slot(&env);
    port80_ro = env_slot(&env);
    port80_wo = env_slot(&env);
    if (sys_port_range(BI_CAP_IO_PORT, port80, 0x80, 1) ||
        sys_cap_mint(port80, BI_CAP_PD, port80_ro, RIGHT_READ, 0) ||
        sys_cap_mint(port80, BI_CAP_PD, port80_wo, RIGHT_WRITE, 0) ||
        sys_cap_mint(frame, BI_CAP_PD, ro_frame, RIGHT_READ, 0) ||
        sys_cap_mint(note, BI_CAP_PD, ro_note, RIGHT_WRITE, 0)) {
        printf("syscall_abuse: FAILED: mint read-only frame\n");
    }
    con = env_slot(&env);
    con_ro = env_slot(&env);
    con_wo = env_slot(&env);
    wait_note = env_slot(&env);
    if (sys_console_get(BI_CAP_IO_PORT, con) || sys_cap_mint(con, BI_CAP_PD, con_ro, RIGHT_READ, 0) ||
        sys_cap_mint(con, BI_CAP_PD, con_wo, RIGHT_WRITE, 0) ||
        sys_cap_mint(note, BI_CAP_PD, wait_note, RIGHT_READ, 0)) {
        printf("syscall_abuse: FAILED: console capabilities\n");
    }
    int bad = run_checks();
    bad += console_stream();

    /* The child gets harmless caps to abuse and one report endpoint. */
    cap_t report = obj(OBJ_ENDPOINT, 0), victim_pd = obj(OBJ_PD, 4), victim = obj(OBJ_THREAD, 0);
    cap_t served = obj(OBJ_ENDPOINT, 0), vframe = obj(OBJ_FRAME, 2);
    struct env_thread echo, echo2;
    struct env_process child;
    const struct bootinfo_module *m = &env.bi->module[0];
    const void *image = env_attach(&env, m->frame, (m->size + 4095) / 4096, RIGHT_READ);
    uint64_t err = env_local_thread(&env, echo_server, served, 100, 0, &echo);
    if (!err) {
        err = env_local_thread(&env, report_server, report, 100, 0, &echo2);
    }
    if (!err) {
        err = env_process_create(&env, image, m->size, 0, 50, 1, &child);
    }
    if (err || give(child.pd, served, 1, RIGHT_WRITE) || give(child.pd, note, 2, RIGHT_WRITE) ||
        give(child.pd, vframe, 3, RIGHTS_ALL) || give(child.pd, victim, 4, RIGHTS_ALL) ||
        give(child.pd, victim_pd, 5, RIGHTS_ALL) || give(child.pd, served, 6, RIGHT_WRITE | RIGHT_GRANT) ||
        give(child.pd, frame, 7, RIGHT_READ) || give(child.pd, con_ro, 8, RIGHT_READ) ||
        give(child.pd, report, REPORT_SLOT, RIGHT_WRITE)) {
        printf("syscall_abuse: FAILED: child setup error %lu\n", err);
        rt_exit(1);
    }
    printf("syscall_abuse: targeted part %s\n", bad ? "FAILED" : "passed");
    uint64_t bits;
    for (;;) {
        sys_wait(note, &bits);
    }
}
