/*
 * The 8254 PIT, used once at boot as the reference clock for calibrating
 * the TSC and the LAPIC timer: channel 2, gated through port 0x61, so no
 * interrupt is involved.
 */
#include "arch.h"

#define PIT_HZ 1193182u

void pit_wait_start(unsigned ms)
{
    uint32_t count = PIT_HZ * ms / 1000;
    uint8_t gate = inb(0x61);
    outb(0x61, (gate & ~0x02) & ~0x01); /* gate low, speaker off */
    outb(0x43, 0xb0);                   /* channel 2, lo/hi, mode 0 */
    outb(0x42, count & 0xff);
    outb(0x42, (count >> 8) & 0xff);
    gate = inb(0x61);
    outb(0x61, (gate | 0x01) & ~0x02); /* gate high: start */
}

bool pit_wait_done(void)
{
    return inb(0x61) & 0x20;
}
