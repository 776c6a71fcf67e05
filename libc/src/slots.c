/*
 * Slots of the component's own cap space (rt/component.h): one bit each
 * from ENV_FIRST_FREE on, so every slot freed can be had again.
 */
#include <rt/component.h>

#define SLOT_LIMIT 1024 /* a component's cap space (core: COMPONENT_SLOT_BITS) */

static uint64_t slots_taken[SLOT_LIMIT / 64];

cap_t rt_slot_alloc(void)
{
    for (cap_t slot = ENV_FIRST_FREE; slot < SLOT_LIMIT; slot++) {
        uint64_t bit = 1ull << (slot % 64);
        if (slots_taken[slot / 64] == ~0ull) {
            slot |= 63; /* a full word: on to the next */
            continue;
        }
        if (!(slots_taken[slot / 64] & bit)) {
            slots_taken[slot / 64] |= bit;
            return slot;
        }
    }
    return CAP_NULL;
}

void rt_slot_free(cap_t slot)
{
    sys_cap_delete(slot);
    if (slot >= ENV_FIRST_FREE && slot < SLOT_LIMIT) {
        slots_taken[slot / 64] &= ~(1ull << (slot % 64));
    }
}

unsigned rt_slots_used(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < SLOT_LIMIT / 64; i++) {
        for (uint64_t w = slots_taken[i]; w; w &= w - 1) {
            n++;
        }
    }
    return n;
}
