/*
 * Keyboard bytes to key events. The controller translates the
 * keyboard's scan code set 2 into set 1 (i8042.c turns translation on),
 * so what arrives here is set 1: a make code, the same with bit 7 set
 * for the break, E0 before the extended keys and E1 before Pause. Pure
 * logic (unit/ps2.c tests it on the host).
 */
#ifndef PS2_SCANCODE_H
#define PS2_SCANCODE_H

#include <stdbool.h>
#include <stdint.h>

struct scancode_state {
    uint8_t prefix;  /* 0, 0xe0, or 0xe1 */
    uint8_t pending; /* bytes still to come after E1 */
};

/* Feed one byte: true when it completes a key event (*code, an
 * <input/keycodes.h> code, pressed or released). Controller answers
 * (ACK, resend, errors) and the fake shifts of E0 2A / E0 AA are
 * swallowed. */
bool scancode_feed(struct scancode_state *s, uint8_t byte, unsigned *code, bool *press);

#endif
