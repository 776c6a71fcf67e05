/*
 * Mouse bytes to reports. A PS/2 mouse sends 3-byte packets (buttons and
 * signs, x, y), an IntelliMouse after its sample-rate knock 4-byte ones
 * (the fourth: the wheel). Bit 3 of the first byte is always set, which
 * is how a lost byte is noticed: bytes are dropped until a packet can
 * start again. Pure logic (unit/ps2.c tests it on the host).
 */
#ifndef PS2_MOUSE_H
#define PS2_MOUSE_H

#include <stdbool.h>
#include <stdint.h>

struct mouse_state {
    uint8_t packet[4];
    unsigned have, size; /* size: 3, or 4 with a wheel */
};

/* One packet: motion x right, y down (the mouse counts y up), wheel
 * positive away from the user, the buttons (bit 0 left, 1 right, 2
 * middle). */
struct mouse_report {
    int32_t rx, ry, wheel;
    uint8_t buttons;
};

void mouse_init(struct mouse_state *m, bool wheel);

/* Feed one byte: true when it completes a packet (*r). */
bool mouse_feed(struct mouse_state *m, uint8_t byte, struct mouse_report *r);

#endif
