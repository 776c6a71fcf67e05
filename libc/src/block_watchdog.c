/*
 * A block driver's watchdog (rt/block_watchdog.h): request ages in
 * ticks.
 */
#include <rt/block_watchdog.h>

void block_watchdog_init(struct block_watchdog *w, unsigned limit)
{
    w->limit = limit < 2 ? 2 : limit > 255 ? 255 : limit;
    for (unsigned i = 0; i < BLOCK_WATCHDOG_SLOTS; i++) {
        w->age[i] = 0;
    }
}

void block_watchdog_start(struct block_watchdog *w, unsigned slot)
{
    if (slot < BLOCK_WATCHDOG_SLOTS) {
        w->age[slot] = 0;
    }
}

uint32_t block_watchdog_tick(struct block_watchdog *w, uint32_t busy)
{
    uint32_t expired = 0;
    for (unsigned i = 0; i < BLOCK_WATCHDOG_SLOTS; i++) {
        if (!(busy & 1u << i)) {
            continue;
        }
        if (w->age[i] < w->limit) {
            w->age[i]++;
        }
        if (w->age[i] >= w->limit) {
            expired |= 1u << i;
        }
    }
    return expired;
}
