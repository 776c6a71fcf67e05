/*
 * Endpoints: synchronous rendezvous IPC.
 *
 * call() sends and waits for the reply; reply_wait() answers the current
 * caller and waits for the next message. Message words 0..7 travel in
 * registers (rdx r10 r8 r9 r12 r13 r14 r15), further words in the UTCBs,
 * up to three capabilities into the receiver's receive window. The badge
 * of the sender's capability arrives in rdi. When a partner is waiting
 * the kernel switches straight to it: no queue, no scheduler pass.
 * Fault messages (fault.c) are calls whose words the kernel makes up;
 * only they carry MSGINFO_KERNEL: every other info word a receiver gets is
 * rebuilt here (and in ipc_fast.c) from label, length and caps.
 */
#include "objects.h"

static inline uint64_t *mr(struct regs *r, unsigned i)
{
    static const uint8_t off[MSG_REG_WORDS] = {
        offsetof(struct regs, rdx) / 8, offsetof(struct regs, r10) / 8, offsetof(struct regs, r8) / 8,
        offsetof(struct regs, r9) / 8,  offsetof(struct regs, r12) / 8, offsetof(struct regs, r13) / 8,
        offsetof(struct regs, r14) / 8, offsetof(struct regs, r15) / 8,
    };
    return (uint64_t *)r + off[i];
}

/*
 * Copy up to n caps of s into r's receive window. A cap naming the
 * endpoint the message travels on (ep) is "unwrapped": r gets its badge
 * instead of a copy, so servers recognise their own objects for free.
 * Unwrapping reveals only a badge the receiver minted, so it needs no
 * grant right; copying does.
 */
static unsigned transfer_caps(struct thread *s, struct thread *r, unsigned n, void *ep, bool grant)
{
    struct arbor_utcb *su = s->utcb, *ru = r->utcb;
    unsigned got = 0;
    if (!su || !ru || !s->pd || !r->pd) {
        if (ru) {
            ru->rcv_caps = ru->rcv_unwrapped = 0;
        }
        return 0;
    }
    ru->rcv_unwrapped = 0;
    for (unsigned i = 0; i < n; i++) {
        struct cap *src = cspace_lookup(s->pd, su->send_caps[i]);
        if (!src || src->type == OBJ_NULL || src->type == OBJ_UNTYPED || src->type == OBJ_PAGE_TABLE ||
            src->type == OBJ_REPLY) {
            break;
        }
        if (ep && src->type == OBJ_ENDPOINT && (void *)src->object == ep) {
            ru->rcv_badge[i] = src->word;
            ru->rcv_unwrapped |= 1ull << i;
            got++;
            continue;
        }
        struct cap *dst = i < ru->rcv_count ? cspace_lookup(r->pd, ru->rcv_base + i) : NULL;
        if (!grant || !dst || dst->type != OBJ_NULL) {
            break;
        }
        cap_copy(dst, src, src);
        got++;
    }
    ru->rcv_caps = got;
    return got;
}

static void fault_message(struct thread *s, struct thread *r)
{
    ipc_copy_words(s, r, 0); /* the words a fault message leaves out are 0 */
    *mr(&r->regs, FAULT_KIND) = s->fault_kind;
    *mr(&r->regs, FAULT_ADDR) = s->fault_addr;
    *mr(&r->regs, FAULT_IP) = s->regs.rip;
    *mr(&r->regs, FAULT_ERROR) = s->fault_error;
    *mr(&r->regs, FAULT_SP) = s->regs.rsp;
    r->regs.rsi = MSGINFO(FAULT_LABEL, FAULT_WORDS, 0) | MSGINFO_KERNEL;
}

/* Copy the message of s (info) to r; caps only when allowed. */
static void transfer(struct thread *s, struct thread *r, uint64_t info, bool caps_ok, void *ep)
{
    unsigned len = MSGINFO_LEN(info);
    ipc_copy_words(s, r, len < MSG_REG_WORDS ? len : MSG_REG_WORDS);
    if (len > MSG_REG_WORDS) {
        struct arbor_utcb *ru = r->utcb, *su = s->utcb;
        if (ru && su) {
            memcpy(&ru->mr[MSG_REG_WORDS], &su->mr[MSG_REG_WORDS], (len - MSG_REG_WORDS) * 8);
        } else {
            len = MSG_REG_WORDS;
        }
    }
    unsigned ncaps = MSGINFO_CAPS(info);
    if (ncaps) {
        ncaps = transfer_caps(s, r, ncaps, ep, caps_ok);
    } else if (r->utcb) {
        r->utcb->rcv_caps = 0;
    }
    r->regs.rsi = MSGINFO(MSGINFO_LABEL(info), len, ncaps);
}

/* Deliver the message of sender s (blocked or current) to receiver r. */
static void deliver(struct thread *s, struct thread *r)
{
    if (s->in_fault) {
        fault_message(s, r);
    } else {
        transfer(s, r, s->regs.rsi, s->send_rights & RIGHT_GRANT, s->blocked_on);
    }
    r->regs.rdi = s->send_badge;
    r->regs.rax = ERR_OK;
    r->caller = s;
    s->callee = r;
    s->blocked_on = NULL;
}

void ipc_send(struct thread *t, struct endpoint *ep)
{
    struct thread *r = queue_pop(&ep->receivers);
    t->blocked_on = ep; /* deliver() unwraps caps naming ep */
    if (r) {
        r->blocked_on = NULL;
        deliver(t, r);
        sched_block(t, THREAD_BLOCKED_REPLY);
        sched_switch(r);
        return;
    }
    sched_block(t, THREAD_BLOCKED_SEND);
    queue_push(&ep->senders, t);
}

void ipc_call(struct thread *t, struct cap *ep_cap, uint64_t info)
{
    (void)info; /* stays in t->regs.rsi until delivery */
    t->send_badge = ep_cap->word;
    t->send_rights = ep_cap->rights;
    ipc_send(t, (struct endpoint *)ep_cap->object);
}

struct thread *ipc_answer(struct thread *t, struct thread *c, uint64_t info)
{
    if (c->in_fault) {
        c->in_fault = false;
        if (MSGINFO_LEN(info) == 2 && t->regs.rdx >= USER_BASE && t->regs.rdx < USER_END &&
            t->regs.r10 < USER_END) {
            c->regs.rip = t->regs.rdx;
            c->regs.rsp = t->regs.r10;
        }
        if (info == MSGINFO_NO_REPLY) {
            c->state = THREAD_INACTIVE; /* handler dropped it: stays stopped */
            return NULL;
        }
    } else if (info == MSGINFO_NO_REPLY) {
        c->regs.rax = ERR_ABORTED;
    } else {
        transfer(t, c, info, true, NULL);
        c->regs.rax = ERR_OK;
        c->regs.rdi = 0; /* replies carry no badge */
    }
    c->state = THREAD_RUNNABLE;
    return c;
}

/* Answer t's caller; returns the woken caller or 0. */
static struct thread *reply(struct thread *t, uint64_t info)
{
    struct thread *c = t->caller;
    if (!c) {
        return NULL;
    }
    t->caller = NULL;
    c->callee = NULL;
    return ipc_answer(t, c, info);
}

void ipc_reply_wait(struct thread *t, struct cap *ep_cap, uint64_t info, struct cap *saved)
{
    struct endpoint *ep = (struct endpoint *)ep_cap->object;
    struct thread *c;
    if (saved) {
        c = reply_take(saved);
        if (!c) {
            t->regs.rax = ERR_ABORTED; /* its caller is gone: nothing sent, no wait */
            return;
        }
        c = ipc_answer(t, c, info);
    } else {
        c = reply(t, info);
    }
    struct thread *s = queue_pop(&ep->senders);
    if (s) {
        deliver(s, t);
        s->state = THREAD_BLOCKED_REPLY;
        if (c) {
            sched_ready(c);
        }
        /* t's message registers changed: not the syscall entry's quick
         * return (entry.asm), the full one */
        kernel_exit();
    }
    if (notification_take_bound(t)) {
        if (c) {
            sched_ready(c);
        }
        return;
    }
    t->blocked_on = ep;
    sched_block(t, THREAD_BLOCKED_RECV);
    queue_push(&ep->receivers, t);
    if (c) {
        sched_switch(c);
    }
}

void ipc_fault(struct thread *t)
{
    struct cap *ep_cap = &t->fault_slot;
    t->in_fault = true;
    t->send_badge = ep_cap->word;
    t->send_rights = 0;
    ipc_send(t, (struct endpoint *)ep_cap->object);
}

void ep_unref(struct endpoint *ep)
{
    if (--ep->refs) {
        return;
    }
    struct thread *t;
    while ((t = queue_pop(&ep->senders)) || (t = queue_pop(&ep->receivers))) {
        t->blocked_on = NULL;
        if (t->in_fault) {
            t->state = THREAD_INACTIVE;
        } else {
            t->regs.rax = ERR_ABORTED;
            sched_ready(t);
        }
    }
}
