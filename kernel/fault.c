/*
 * User faults: a CPU exception in user mode becomes a fault message to
 * the thread's fault endpoint (ipc.c); without one the thread stops and
 * the kernel says so. Nothing a thread does here reaches panic().
 */
#include "objects.h"

static const char *kind_name(unsigned kind)
{
    switch (kind) {
    case FAULT_PAGE:
        return "page fault";
    case FAULT_DIVIDE:
        return "divide error";
    case FAULT_UNDEFINED:
        return "invalid opcode";
    case FAULT_GENERAL:
        return "general protection";
    case FAULT_STACK:
        return "stack fault";
    case FAULT_BREAKPOINT:
        return "breakpoint";
    case FAULT_ALIGN:
        return "alignment check";
    case FAULT_FPU:
    case FAULT_SIMD:
        return "floating point";
    default:
        return "exception";
    }
}

void fault_raise(struct thread *t, unsigned kind, uint64_t addr, uint64_t error)
{
    t->fault_kind = kind;
    t->fault_addr = addr;
    t->fault_error = error;
    struct cap *ep = &t->fault_slot;
    if (ep->type == OBJ_ENDPOINT && (ep->rights & RIGHT_WRITE)) {
        ipc_fault(t);
        return;
    }
    kprintf("kernel: thread %p stopped: %s at %lx ip %lx, no fault handler\n", (void *)t, kind_name(kind),
            addr, t->regs.rip);
    sched_block(t, THREAD_INACTIVE);
}
