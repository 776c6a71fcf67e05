/*
 * The HPET (IA-PC High Precision Event Timer) as drivers/timer uses it:
 * the main counter as the clock, one comparator in one-shot mode as the
 * alarm, its interrupt routed to the IOAPIC line that the platform
 * driver hands out with the device (one the comparator's route
 * capability allows). The PIT and the
 * local APIC timer are the kernel's (include/arbor/kernel_devices.h), so
 * the HPET is the only timer a component can have.
 *
 * Times here are counter ticks, extended to 64 bits in software when the
 * counter or the comparator is 32 bits wide (hpet_now must then be called
 * at least once per wrap; the driver never programs an alarm further
 * ahead than half a wrap, which sees to that).
 */
#ifndef TIMER_HPET_H
#define TIMER_HPET_H

#include <rt/component.h>

struct hpet {
    volatile uint64_t *regs;
    uint64_t phys;
    uint64_t hz;        /* counter ticks per second, from the period */
    uint64_t mask;      /* of the counter: 32 or 64 bits */
    uint64_t max_ahead; /* the furthest an alarm may be programmed */
    uint64_t last;      /* the last extended counter value */
    unsigned comparator, timers;
    unsigned gsi;
    bool level, wide_comparator;
    cap_t irq; /* the IRQ capability of the comparator's line */
};

/* Take the device "hpet" from the platform driver (its registers and
 * the interrupt line it chose), check it, pick a comparator that routes
 * to the line, bind the line to note and start the counter. Says why on
 * failure (no HPET, no comparator for the line). */
status_t hpet_init(struct hpet *h, cap_t note);

/* The counter now, extended to 64 bits. */
uint64_t hpet_now(struct hpet *h);

/* Have the comparator interrupt at tick at (at most max_ahead from now).
 * False if at has passed already (by the time the comparator is set):
 * then no interrupt comes for it. */
bool hpet_alarm(struct hpet *h, uint64_t at);

/* After an interrupt: clear the comparator's status and unmask its line. */
void hpet_irq_done(struct hpet *h);

/* Conversions, saturating rather than wrapping. */
uint64_t hpet_ticks(const struct hpet *h, uint64_t us);
uint64_t hpet_us(const struct hpet *h, uint64_t ticks);

#endif
