/*
 * Interrupt lines as capabilities. IRQ control hands out at most one IRQ
 * capability tree per line (irq_get); the holder binds the line to a
 * notification (irq_bind). When the interrupt fires the kernel masks the
 * line and signals the notification; the driver unmasks with irq_ack.
 * irq_bind also chooses the CPU whose LAPIC the IOAPIC sends the line to.
 */
#include "objects.h"

static struct irq_line {
    struct cap notify; /* bound notification (owner CAP_OWNER_IRQ_NOTIFY) */
    uint32_t refs;     /* IRQ capabilities naming this line */
    bool kernel;       /* the kernel's own device (COM1's receive interrupt) */
    uint8_t last_cpu;  /* index + 1 of the CPU that took the last interrupt */
} lines[IRQ_LINES];

err_t irq_get(unsigned irq, struct cap *control, struct cap *dst)
{
    unsigned gsi;
    if (irq >= IRQ_LINES || !ioapic_gsi(irq, &gsi) || gsi >= IRQ_LINES) {
        return ERR_INVALID_ARG;
    }
    if (lines[gsi].kernel) {
        return ERR_KERNEL_OWNED;
    }
    if (lines[gsi].refs) {
        return ERR_BUSY; /* checked before touching the owner's line */
    }
    if (!ioapic_route(irq, &gsi)) {
        return ERR_INVALID_ARG;
    }
    lines[gsi].notify.owner = CAP_OWNER_IRQ_NOTIFY;
    lines[gsi].refs = 1;
    dst->type = OBJ_IRQ;
    dst->rights = RIGHTS_ALL;
    dst->word = gsi;
    cap_tree_link(control, dst);
    return ERR_OK;
}

err_t irq_take_kernel(unsigned irq, unsigned *gsi)
{
    if (!ioapic_gsi(irq, gsi) || *gsi >= IRQ_LINES) {
        return ERR_INVALID_ARG;
    }
    if (lines[*gsi].refs) {
        return ERR_BUSY;
    }
    if (!ioapic_route(irq, gsi)) {
        return ERR_INVALID_ARG;
    }
    lines[*gsi].kernel = true;
    ioapic_mask(*gsi, false);
    return ERR_OK;
}

void irq_ref(unsigned gsi)
{
    lines[gsi].refs++;
}

void irq_unref(unsigned gsi)
{
    if (--lines[gsi].refs == 0) {
        ioapic_mask(gsi, true);
        cap_delete(&lines[gsi].notify);
    }
}

void irq_bind(unsigned gsi, struct cap *notification, uint32_t apic_id)
{
    cap_delete(&lines[gsi].notify); /* masks the line */
    cap_copy(&lines[gsi].notify, notification, notification);
    ioapic_set_dest(gsi, apic_id);
    ioapic_mask(gsi, false);
}

unsigned irq_last_cpu(unsigned gsi)
{
    return gsi < IRQ_LINES ? lines[gsi].last_cpu : 0;
}

void irq_ack(unsigned gsi)
{
    if (lines[gsi].notify.type == OBJ_NOTIFICATION) {
        ioapic_mask(gsi, false);
    }
}

void irq_slot_cleared(struct cap *slot)
{
    struct irq_line *line = container_of(slot, struct irq_line, notify);
    ioapic_mask((unsigned)(line - lines), true);
}

void irq_raise(unsigned gsi)
{
    if (gsi >= IRQ_LINES) {
        return;
    }
    if (lines[gsi].kernel) {
        console_interrupt(); /* the only kernel-owned line; stays unmasked */
        return;
    }
    ioapic_mask(gsi, true);
    lines[gsi].last_cpu = (uint8_t)(this_cpu()->arch.index + 1);
    struct cap *n = &lines[gsi].notify;
    if (n->type == OBJ_NOTIFICATION) {
        notification_signal((struct notification *)n->object, n->word ? n->word : 1);
    }
}
