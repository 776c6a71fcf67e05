/*
 * The Arbor kernel ABI: the one header the kernel and user code share.
 *
 * It fixes syscall numbers, status codes, object types, rights, the message
 * layout (message info word, message registers, UTCB) and the fault message.
 * docs/kernel-abi.md explains every call. The kernel keeps no private copy of
 * anything defined here.
 */
#ifndef ARBOR_ABI_H
#define ARBOR_ABI_H

#include <stdint.h>

enum arbor_sys {
#define SYSCALL(NAME, name) SYS_##NAME,
#include <arbor/syscalls.def>
#undef SYSCALL
    SYS_COUNT
};

enum arbor_err {
#define ERROR(NAME, text) ERR_##NAME,
#include <arbor/errors.def>
#undef ERROR
    ERR_COUNT
};

/* Kernel object types, as named by a capability. */
enum arbor_obj {
    OBJ_NULL = 0,     /* empty slot */
    OBJ_UNTYPED,      /* physical RAM that can be retyped into objects */
    OBJ_PD,           /* protection domain: address space + cap space */
    OBJ_THREAD,       /* thread control block */
    OBJ_ENDPOINT,     /* synchronous IPC rendezvous */
    OBJ_NOTIFICATION, /* asynchronous word of signal bits */
    OBJ_FRAME,        /* one or more contiguous 4 KiB pages */
    OBJ_PAGE_TABLE,   /* a paging structure below the PML4 */
    OBJ_IRQ_CONTROL,  /* authority to create IRQ handler caps */
    OBJ_IRQ,          /* one interrupt line */
    OBJ_IO_PORT,      /* a range of I/O ports */
    OBJ_REPLY,        /* a saved reply: the right to answer one caller */
    OBJ_SCREEN,       /* authority to take the screen from the kernel's console */
    OBJ_CONSOLE,      /* COM1's input and output, shared with the kernel log */
    OBJ_COUNT
};

/* Rights carried by a capability. A mint may only remove rights. */
#define RIGHT_READ 0x1u  /* frame: readable; endpoint: may receive; notification: may wait */
#define RIGHT_WRITE 0x2u /* frame: writable; endpoint: may call; notification: may signal */
#define RIGHT_EXEC 0x4u  /* frame: executable */
#define RIGHT_GRANT 0x8u /* endpoint: may transfer capabilities */
#define RIGHTS_ALL 0xfu

/*
 * Capability indices name slots in the caller's own cap space (its PD's
 * CNode). Index 0 is the null capability and always empty.
 */
typedef uint64_t cap_t;
#define CAP_NULL 0

/*
 * Message info word: passed with call / reply_wait and returned to the
 * receiver. len = number of message words (0..MSG_MAX_WORDS), caps = number
 * of capabilities to transfer (0..MSG_MAX_CAPS), label = free for protocols.
 * Bits 0-6 len, 8-9 caps, 15 MSGINFO_KERNEL (see the fault messages),
 * 16-63 label; the kernel drops the other bits of a sender's word.
 */
#define MSG_MAX_WORDS 64
#define MSG_REG_WORDS 8 /* words 0..7 travel in registers */
#define MSG_MAX_CAPS 3
#define MSGINFO(label, len, caps) (((uint64_t)(label) << 16) | ((uint64_t)(caps) << 8) | (uint64_t)(len))
#define MSGINFO_LEN(i) ((unsigned)((i)&0x7f))
#define MSGINFO_CAPS(i) ((unsigned)(((i) >> 8) & 0x3))
#define MSGINFO_LABEL(i) ((uint64_t)(i) >> 16)

/* A thread waiting in reply_wait whose bound notification is signalled
 * returns with this label, 0 words, and the notification bits as badge. */
#define NOTIFY_LABEL 0x5167ull
/* The whole info word of such a wake-up. Its length (127) is more than
 * any sender may give, so no message can look like it. */
#define MSGINFO_NOTIFY MSGINFO(NOTIFY_LABEL, 0x7f, 0)

/* retype behind the last object made (the high-water mark; it starts over
 * once the untyped has no children) instead of at an explicit offset. */
#define RETYPE_ANYWHERE (~(uint64_t)0)

/*
 * reply_wait's first argument: the endpoint to wait on in bits 0-31 and,
 * in bits 32-63, a reply capability (reply_save) to answer instead of the
 * pending caller, or 0. Capability indices are below 2^16.
 */
#define REPLY_WAIT_ARG(ep, reply) ((cap_t)(ep) | (cap_t)(reply) << 32)

/* reply_wait with this info word sends no reply: a pending caller is
 * released with ERR_ABORTED (a faulted one stays stopped), then it waits. */
#define MSGINFO_NO_REPLY (~(uint64_t)0)

/*
 * The UTCB: one page per thread, mapped in its PD, where message words
 * beyond the register words and capability transfer descriptors live.
 */
struct arbor_utcb {
    uint64_t mr[MSG_MAX_WORDS];    /* mr[0..7] mirror the registers, unused */
    cap_t send_caps[MSG_MAX_CAPS]; /* slots to transfer (sender) */
    cap_t rcv_base;                /* receive window: first slot (receiver) */
    uint64_t rcv_count;            /* receive window: number of slots */
    uint64_t rcv_caps;             /* after receive: number of caps arrived */
    uint64_t rcv_unwrapped;        /* bit i: cap i named the endpoint received
                                      on; its badge is in rcv_badge[i] and
                                      no slot was used */
    uint64_t rcv_badge[MSG_MAX_CAPS];
    uint64_t user[8]; /* free for the runtime (thread pointer...) */
    char buf[3072];   /* debug_puts text */
};
_Static_assert(sizeof(struct arbor_utcb) <= 4096, "UTCB exceeds one page");

/*
 * Fault messages: a faulting thread "calls" its fault endpoint with
 * label FAULT_LABEL and these words. A reply with 0 words retries the
 * faulting instruction; a reply with 2 words sets (ip, sp) first.
 *
 * The fault endpoint is usually a badged endpoint that others hold too
 * (core's thread capability is the same badge), so the label alone proves
 * nothing: anybody may send FAULT_LABEL. The kernel sets MSGINFO_KERNEL
 * in the info word of the fault messages it makes, and only there: on
 * every user send and reply it rebuilds the info word the receiver gets
 * from label, length and caps, so no user message carries this bit. A
 * fault handler believes a message only if MSGINFO_IS_FAULT holds.
 */
#define FAULT_LABEL 0xfa017ull
#define MSGINFO_KERNEL (1ull << 15) /* made by the kernel: a real fault */
#define MSGINFO_IS_FAULT(i) (MSGINFO_LABEL(i) == FAULT_LABEL && ((i)&MSGINFO_KERNEL))
enum arbor_fault_word {
    FAULT_KIND = 0, /* enum arbor_fault_kind */
    FAULT_ADDR,     /* faulting data address (page fault), else ip */
    FAULT_IP,       /* instruction pointer */
    FAULT_ERROR,    /* CPU error code (page fault: P/W/U/I bits) */
    FAULT_SP,       /* stack pointer */
    FAULT_WORDS
};
enum arbor_fault_kind {
    FAULT_PAGE = 14,  /* #PF */
    FAULT_DIVIDE = 0, /* #DE */
    FAULT_DEBUG = 1,  /* #DB */
    FAULT_BREAKPOINT = 3,
    FAULT_OVERFLOW = 4,
    FAULT_BOUND = 5,
    FAULT_UNDEFINED = 6, /* #UD */
    FAULT_NO_FPU = 7,
    FAULT_GENERAL = 13, /* #GP */
    FAULT_STACK = 12,   /* #SS */
    FAULT_FPU = 16,     /* #MF */
    FAULT_ALIGN = 17,   /* #AC */
    FAULT_SIMD = 19,    /* #XM */
};

/* Scheduling. Priorities 0 (lowest) .. PRIO_MAX; a thread may give another
 * thread at most its own priority. */
#define PRIO_MAX 255

/* retype: size argument per type. Untyped: bytes (a page multiple) split
 * off into an untyped of its own. Frame: number of 4 KiB pages.
 * PD: log2 of the number of cap slots (PD_SLOT_BITS_MIN..MAX).
 * Every other type ignores it. */
#define PD_SLOT_BITS_MIN 4
#define PD_SLOT_BITS_MAX 16

/* Bytes of untyped memory each object takes (and its alignment, capped at
 * a page): user-level allocators place objects with retype-at-offset. */
#define OBJ_SIZE_PD(slot_bits) (2 * 4096ull + (64ull << (slot_bits)))
#define OBJ_SIZE_THREAD 4096ull /* TCB with FPU/SSE/AVX state */
#define OBJ_SIZE_ENDPOINT 64ull
#define OBJ_SIZE_NOTIFICATION 64ull
#define OBJ_SIZE_PAGE_TABLE 4096ull

/* Device memory: untyped caps over physical ranges that are not RAM
 * (MMIO, framebuffers, firmware tables). They only make frames, which
 * are not zeroed, are mapped uncached, and cannot be UTCBs. cap_info
 * reports CAP_INFO_DEVICE in its flags result for both. */
#define CAP_INFO_DEVICE 0x1u

/* pt_map levels: the page table maps 4 KiB pages (1), is a page directory
 * (2) or a page-directory-pointer table (3). PML4 is part of the PD. */
#define PT_LEVEL_PT 1
#define PT_LEVEL_PD 2
#define PT_LEVEL_PDPT 3

/* User virtual addresses are [USER_BASE, USER_END). */
#define USER_BASE 0x1000ull
#define USER_END                                                                                             \
    0x00007ffffffff000ull /* the last canonical page stays                                                   \
                              unmapped: a syscall there would                                                \
                              return to a non-canonical rip */

#define PAGE_SIZE 4096ull

#endif
