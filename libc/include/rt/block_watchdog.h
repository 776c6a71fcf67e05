/*
 * A block driver's watchdog: the requests in flight on the device are
 * aged by a periodic tick (the driver's Timer session, one signal every
 * BLOCK_WATCHDOG_TICK_US), and a request that has seen `limit` ticks
 * without completing has timed out: the driver fails it (PS_FAILED,
 * logged) and resets its device. Ticks, not timestamps, so that
 * starting a request costs no call to the timer; a request times out
 * between (limit - 1) and limit ticks after it started. Pure logic,
 * unit-tested on the host (unit/block_watchdog.c).
 */
#ifndef RT_BLOCK_WATCHDOG_H
#define RT_BLOCK_WATCHDOG_H

#include <stdint.h>

#define BLOCK_WATCHDOG_SLOTS 32
#define BLOCK_WATCHDOG_TICK_US 1000000ull

struct block_watchdog {
    unsigned limit; /* ticks a request may take */
    uint8_t age[BLOCK_WATCHDOG_SLOTS];
};

/* limit: ticks, at least 2 (1 would time out requests started just
 * before a tick). */
void block_watchdog_init(struct block_watchdog *w, unsigned limit);

/* Request `slot` was started on the device now. */
void block_watchdog_start(struct block_watchdog *w, unsigned slot);

/* A tick: age every request of busy (bit i: slot i in flight); the
 * ones that reached the limit, as a mask. */
uint32_t block_watchdog_tick(struct block_watchdog *w, uint32_t busy);

#endif
