/*
 * The block drivers' watchdog (rt/block_watchdog.h): a request times
 * out after `limit` ticks in flight, not before; a restarted slot
 * starts from zero; idle slots never time out.
 */
#include "unit.h"
#include <rt/block_watchdog.h>

TEST(request_times_out_at_the_limit_not_before)
{
    struct block_watchdog w;
    block_watchdog_init(&w, 3);
    block_watchdog_start(&w, 5);
    EXPECT(block_watchdog_tick(&w, 1u << 5) == 0);
    EXPECT(block_watchdog_tick(&w, 1u << 5) == 0);
    EXPECT(block_watchdog_tick(&w, 1u << 5) == 1u << 5);
    EXPECT(block_watchdog_tick(&w, 1u << 5) == 1u << 5); /* still too old */
}

TEST(restarted_slot_starts_from_zero)
{
    struct block_watchdog w;
    block_watchdog_init(&w, 2);
    block_watchdog_start(&w, 0);
    block_watchdog_start(&w, 1);
    EXPECT(block_watchdog_tick(&w, 3) == 0);
    block_watchdog_start(&w, 1); /* slot 1 finished and took a new request */
    EXPECT(block_watchdog_tick(&w, 3) == 1);
    EXPECT(block_watchdog_tick(&w, 3) == 3);
}

TEST(idle_slots_never_time_out)
{
    struct block_watchdog w;
    block_watchdog_init(&w, 2);
    for (unsigned i = 0; i < 100; i++) {
        EXPECT(block_watchdog_tick(&w, 0) == 0);
    }
    block_watchdog_start(&w, 31);
    EXPECT(block_watchdog_tick(&w, 1u << 31) == 0);
    EXPECT(block_watchdog_tick(&w, 1u << 31) == 1u << 31);
}

TEST(limit_below_two_is_raised)
{
    struct block_watchdog w;
    block_watchdog_init(&w, 0);
    block_watchdog_start(&w, 0);
    EXPECT(block_watchdog_tick(&w, 1) == 0);
    EXPECT(block_watchdog_tick(&w, 1) == 1);
}
