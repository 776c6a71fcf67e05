/*
 * HPET access for drivers/timer (hpet.h): registers, the choice of
 * comparator and interrupt line, the extended counter and the alarm.
 * Register layout from the IA-PC HPET specification 1.0a, section 2.3.
 */
#include "hpet.h"
#include <session/platform_device.h>

#define GCAP_ID 0x000 / 8
#define GEN_CONF 0x010 / 8
#define GINTR_STA 0x020 / 8
#define MAIN_COUNTER 0x0f0 / 8
#define TN_CONF(n) ((0x100 + 0x20 * (n)) / 8)
#define TN_COMPARATOR(n) ((0x108 + 0x20 * (n)) / 8)

#define GCAP_COUNT_64 (1ull << 13)
#define CONF_ENABLE (1ull << 0)
#define CONF_LEGACY (1ull << 1)
#define TN_LEVEL (1ull << 1)
#define TN_INT_ENABLE (1ull << 2)
#define TN_PERIODIC (1ull << 3)
#define TN_SIZE_64 (1ull << 5)
#define TN_32_MODE (1ull << 8)
#define TN_ROUTE_SHIFT 9
#define TN_ROUTE (0x1full << TN_ROUTE_SHIFT)
#define TN_FSB_ENABLE (1ull << 14)

#define FS_PER_S 1000000000000000ull
#define US_PER_S 1000000ull
#define PERIOD_MAX_FS 100000000ull /* the specification's slowest: 10 MHz */

/* The comparator for our line: the first whose route capability has it.
 * Lines from 16 on are set up level-triggered by the kernel (the PCI
 * convention), ISA lines edge-triggered. */
static status_t pick_comparator(struct hpet *h)
{
    for (unsigned n = 0; n < h->timers; n++) {
        if ((uint32_t)(h->regs[TN_CONF(n)] >> 32) & (1u << h->gsi)) {
            h->comparator = n;
            h->level = h->gsi >= 16;
            return RPC_OK;
        }
    }
    return RPC_NOT_FOUND;
}

static status_t setup(struct hpet *h, cap_t note)
{
    uint64_t gcap = h->regs[GCAP_ID], period = gcap >> 32;
    if (period == 0 || period > PERIOD_MAX_FS) {
        printf("no HPET at 0x%lx (capabilities 0x%lx): no timer; the PIT and the local APIC timer are "
               "the kernel's\n",
               h->phys, gcap);
        return RPC_NOT_FOUND;
    }
    h->hz = FS_PER_S / period;
    h->timers = (unsigned)((gcap >> 8) & 0x1f) + 1;
    h->regs[GEN_CONF] = h->regs[GEN_CONF] & ~(CONF_ENABLE | CONF_LEGACY);
    for (unsigned n = 0; n < h->timers; n++) {
        h->regs[TN_CONF(n)] = h->regs[TN_CONF(n)] & ~(TN_INT_ENABLE | TN_PERIODIC | TN_FSB_ENABLE);
    }
    if (h->gsi >= 32 || pick_comparator(h)) {
        printf("HPET at 0x%lx: none of its %u comparators routes to line %u, the one we got\n", h->phys,
               h->timers, h->gsi);
        return RPC_NOT_FOUND;
    }
    uint64_t conf = h->regs[TN_CONF(h->comparator)];
    h->wide_comparator = (gcap & GCAP_COUNT_64) && (conf & TN_SIZE_64);
    h->mask = (gcap & GCAP_COUNT_64) ? ~0ull : 0xffffffffull;
    h->max_ahead = (h->wide_comparator ? h->mask : 0xffffffffull) / 2;
    conf &= ~(TN_ROUTE | TN_LEVEL | TN_32_MODE);
    conf |= (uint64_t)h->gsi << TN_ROUTE_SHIFT | (h->level ? TN_LEVEL : 0) |
            (h->wide_comparator ? 0 : TN_32_MODE * !!(conf & TN_SIZE_64));
    h->regs[TN_CONF(h->comparator)] = conf;
    h->regs[GINTR_STA] = 1ull << h->comparator;
    if (sys_irq_bind(h->irq, note)) {
        return RPC_INVALID;
    }
    h->regs[TN_CONF(h->comparator)] = conf | TN_INT_ENABLE;
    h->regs[GEN_CONF] = h->regs[GEN_CONF] | CONF_ENABLE;
    h->last = h->regs[MAIN_COUNTER] & h->mask;
    printf("HPET at 0x%lx: %lu Hz, %u-bit counter, %u comparators; comparator %u on GSI %u (%s)\n", h->phys,
           h->hz, h->mask == ~0ull ? 64 : 32, h->timers, h->comparator, h->gsi, h->level ? "level" : "edge");
    return RPC_OK;
}

status_t hpet_init(struct hpet *h, cap_t note)
{
    struct platform_device dev;
    cap_t mmio;
    uint64_t line;
    memset(h, 0, sizeof(*h));
    status_t st = platform_device_open("hpet", 2, &dev);
    if (st) {
        printf("no HPET: device \"hpet\" from the platform driver: %s; no timer (the PIT and the local "
               "APIC timer are the kernel's)\n",
               status_text(st));
        return st;
    }
    if ((st = platform_device_resource(&dev, 0, PLATFORM_IO_MEM, &mmio, &h->phys)) ||
        (st = platform_device_resource(&dev, 1, PLATFORM_IRQ, &h->irq, &line)) ||
        (st = rt_attach(mmio, PD_ATTACH_WRITE, (void **)&h->regs))) {
        printf("device \"hpet\" is no HPET (registers, one interrupt line): %s\n", status_text(st));
        return st;
    }
    h->regs = (volatile uint64_t *)((uintptr_t)h->regs + (h->phys & (PAGE_SIZE - 1)));
    h->gsi = (unsigned)line;
    return setup(h, note);
}

uint64_t hpet_now(struct hpet *h)
{
    uint64_t raw = h->mask == ~0ull ? h->regs[MAIN_COUNTER] : (uint32_t)h->regs[MAIN_COUNTER];
    h->last += (raw - h->last) & h->mask;
    return h->last;
}

bool hpet_alarm(struct hpet *h, uint64_t at)
{
    uint64_t now = hpet_now(h);
    if (at > now + h->max_ahead) {
        at = now + h->max_ahead;
    }
    if (h->wide_comparator) {
        h->regs[TN_COMPARATOR(h->comparator)] = at & h->mask;
    } else {
        ((volatile uint32_t *)h->regs)[TN_COMPARATOR(h->comparator) * 2] = (uint32_t)at;
    }
    /* The comparator fires on a match: a time that passed before it was
     * set is never matched (until the counter wraps). */
    return hpet_now(h) < at;
}

void hpet_irq_done(struct hpet *h)
{
    if (h->level) {
        h->regs[GINTR_STA] = 1ull << h->comparator;
    }
    sys_irq_ack(h->irq);
}

uint64_t hpet_ticks(const struct hpet *h, uint64_t us)
{
    if (us / US_PER_S > ~0ull / h->hz) {
        return ~0ull;
    }
    return us / US_PER_S * h->hz + us % US_PER_S * h->hz / US_PER_S;
}

uint64_t hpet_us(const struct hpet *h, uint64_t ticks)
{
    return ticks / h->hz * US_PER_S + ticks % h->hz * US_PER_S / h->hz;
}
